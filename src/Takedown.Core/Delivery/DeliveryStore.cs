using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

/// <summary>One delivery as the sender needs it: where, with which secret, and the event it carries.</summary>
public sealed record DueDelivery(string id, string endpoint_id, long event_seq, long attempts, string created_at, string org_id, string url,
    string secret_sealed, string endpoint_status, string event_id, string type, string event_created_at, string data_json, string? order_id);

/// <summary>The outcome of one HTTP attempt: a status code (any answer) or an error (no answer), and how long it took.</summary>
public sealed record AttemptOutcome(int? StatusCode, double LatencyMs, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// The sender's side of the outbox: which deliveries are due, in order per endpoint, and recording each
/// attempt with its retry schedule (exponential backoff with jitter), the endpoint's failing state, and
/// <c>delivered_at</c> on the order for a 2xx to its platform.
/// </summary>
public sealed class DeliveryStore(IDatabase db, TimeProvider clock, WebhooksOptions options, IDeliveryReceipts receipts)
{
    /// <summary>
    /// This process in <c>claimed_by</c>. On SQLite one process serves the file, so a restarted process
    /// inherits its predecessor's claims; on PostgreSQL each process is a node of its own.
    /// </summary>
    public string Node { get; } = db.Dialect == "sqlite" ? "local" : $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a claim on an endpoint lasts before another node may take it over.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(options.LeaseSeconds > 0 ? options.LeaseSeconds : 2 * options.TimeoutSeconds + 20);

    /// <summary>
    /// Claims (or renews the claim on) an endpoint for this node, so that only one node drains it at a time:
    /// granted when nobody holds it, this node holds it, or the holder's lease has run out (it died).
    /// On PostgreSQL the row is locked with SKIP LOCKED, so two nodes claiming at once never wait on each
    /// other: one wins, the other moves on. Returns when the claim ends, or null when another node holds it.
    /// </summary>
    public async Task<DateTimeOffset?> ClaimAsync(string endpointId, CancellationToken ct)
    {
        var now = Time.Now(clock);
        var until = now + Lease;
        var claimed = await db.WriteAsync<bool>(async (c, tx) =>
        {
            var free = "id = @id AND (claimed_by IS NULL OR claimed_by = @node OR claimed_until < @now)";
            var sql = c is Npgsql.NpgsqlConnection
                ? $"UPDATE webhook_endpoints SET claimed_by = @node, claimed_until = @until WHERE id IN (SELECT id FROM webhook_endpoints WHERE {free} FOR UPDATE SKIP LOCKED)"
                : $"UPDATE webhook_endpoints SET claimed_by = @node, claimed_until = @until WHERE {free}";
            return await c.ExecuteAsync(sql, new { id = endpointId, node = Node, now = Time.Store(now), until = Time.Store(until) }, tx) == 1;
        }, ct);
        return claimed.IsSuccess && claimed.Value ? until : null;
    }

    /// <summary>Gives up this node's claim, so that another node may drain the endpoint at once.</summary>
    public async Task ReleaseAsync(string endpointId, CancellationToken ct) =>
        await db.WriteAsync<bool>(async (c, tx) =>
            await c.ExecuteAsync("UPDATE webhook_endpoints SET claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by = @node",
                new { id = endpointId, node = Node }, tx) == 1, ct);

    private const string DueSelect = """
        SELECT d.id, d.endpoint_id, d.event_seq, d.attempts, d.created_at, w.org_id, w.url, w.secret_sealed, w.status AS endpoint_status,
               e.id AS event_id, e.type, e.created_at AS event_created_at, e.data_json, e.order_id
        FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id JOIN outbox_events e ON e.seq = d.event_seq
        """;

    /// <summary>Deliveries that may go next: the oldest pending one of each active endpoint, any pending one of a failing endpoint.</summary>
    private const string Sendable = """
        FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
        WHERE d.status = 'pending' AND w.deleted_at IS NULL
          AND (w.status = 'failing' OR d.event_seq = (SELECT MIN(p.event_seq) FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = 'pending'))
        """;

    /// <summary>Endpoints with a delivery that may go now.</summary>
    public async Task<IReadOnlyList<string>> EndpointsWithDueWorkAsync(int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Endpoints another live node is draining are its business.
        return (await c.QueryAsync<string>(
            $"SELECT DISTINCT d.endpoint_id {Sendable} AND d.next_attempt_at <= @now AND (w.claimed_by IS NULL OR w.claimed_by = @node OR w.claimed_until < @now) LIMIT @limit",
            new { now = Time.Store(Time.Now(clock)), limit, node = Node })).ToList();
    }

    /// <summary>When the next delivery that may go falls due (null when nothing is pending).</summary>
    public async Task<DateTimeOffset?> NextDueAtAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return Time.LoadNullable(await c.ExecuteScalarAsync<string?>($"SELECT MIN(d.next_attempt_at) {Sendable}"));
    }

    /// <summary>
    /// The next deliveries to attempt for an endpoint, in the order they must go: its oldest pending events,
    /// up to the first that is not yet due, so event n+1 never overtakes event n while n is retrying. A
    /// failing endpoint no longer holds its queue: any due delivery goes.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> NextForEndpointAsync(string endpointId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = Time.Store(Time.Now(clock));
        var status = await c.ExecuteScalarAsync<string?>("SELECT status FROM webhook_endpoints WHERE id = @id AND deleted_at IS NULL", new { id = endpointId });
        if (status is null) return [];
        if (status == EndpointStatuses.Failing)
            return (await c.QueryAsync<DueDelivery>(
                DueSelect + " WHERE d.endpoint_id = @id AND d.status = 'pending' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.event_seq LIMIT @limit",
                new { id = endpointId, now, limit })).ToList();
        var queue = await c.QueryAsync<(string id, string next_attempt_at)>(
            "SELECT id, next_attempt_at FROM webhook_deliveries WHERE endpoint_id = @id AND status = 'pending' ORDER BY event_seq LIMIT @limit",
            new { id = endpointId, limit });
        var ids = queue.TakeWhile(q => string.CompareOrdinal(q.next_attempt_at, now) <= 0).Select(q => q.id).ToList();
        if (ids.Count == 0) return [];
        return (await c.QueryAsync<DueDelivery>(DueSelect + $" WHERE {Sql.In(c, "d.id", "@ids")} ORDER BY d.event_seq", new { ids })).ToList();
    }

    /// <summary>Records one attempt and what follows from it, in one transaction.</summary>
    public async Task RecordAttemptAsync(DueDelivery d, AttemptOutcome outcome, CancellationToken ct)
    {
        await db.WriteAsync<bool>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var current = await c.QuerySingleOrDefaultAsync<(string status, long attempts)?>(
                "SELECT status, attempts FROM webhook_deliveries WHERE id = @id", new { id = d.id }, tx);
            if (current is null) return false;
            var number = current.Value.attempts + 1;
            await c.ExecuteAsync(
                "INSERT INTO webhook_attempts (id, delivery_id, number, at, status_code, latency_ms, error) VALUES (@id, @delivery, @number, @at, @code, @latency, @error)",
                new { id = Guid.CreateVersion7().ToString(), delivery = d.id, number, at = Time.Store(now), code = outcome.StatusCode, latency = Math.Round(outcome.LatencyMs, 3), error = outcome.Error }, tx);
            var endpoint = await c.QuerySingleAsync<(string status, long consecutive_failures)>(
                "SELECT status, consecutive_failures FROM webhook_endpoints WHERE id = @id", new { id = d.endpoint_id }, tx);
            var endpointId = Guid.Parse(d.endpoint_id);
            var owner = Guid.Parse(d.org_id);
            if (outcome.Succeeded)
            {
                await c.ExecuteAsync(
                    "UPDATE webhook_deliveries SET status = 'delivered', attempts = @number, next_attempt_at = NULL, delivered_at = COALESCE(delivered_at, @now) WHERE id = @id",
                    new { number, now = Time.Store(now), id = d.id }, tx);
                await c.ExecuteAsync("UPDATE webhook_endpoints SET consecutive_failures = 0, status = 'active', failing_since = NULL WHERE id = @id", new { id = d.endpoint_id }, tx);
                if (endpoint.status == EndpointStatuses.Failing)
                {
                    await AuditLog.AppendAsync(c, tx, now, Caller.System, "webhook.recovered", subjectId: endpointId);
                    await Outbox.EnqueueAsync(c, tx, now, owner, EventTypes.WebhookRecovered, new { webhook_id = endpointId });
                }
                if (d.order_id is not null)
                    await receipts.RecordAsync(c, tx, now, Caller.System, owner, [d.order_id], ReceiptChannels.Webhook);
                return true;
            }

            var gaveUp = now - Time.Load(d.created_at) >= TimeSpan.FromHours(options.RetryForHours);
            await c.ExecuteAsync(
                "UPDATE webhook_deliveries SET status = @status, attempts = @number, next_attempt_at = @next WHERE id = @id",
                new
                {
                    status = gaveUp ? DeliveryStatuses.Failed : DeliveryStatuses.Pending, number,
                    next = gaveUp ? null : Time.Store(now + Backoff((int)number, options.RetryBaseSeconds)), id = d.id,
                }, tx);
            if (gaveUp)
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "webhook.delivery_failed", subjectId: Guid.Parse(d.id),
                    data: new { webhook_id = endpointId, event_id = Guid.Parse(d.event_id), attempts = number });
            var failures = endpoint.consecutive_failures + 1;
            await c.ExecuteAsync("UPDATE webhook_endpoints SET consecutive_failures = @failures WHERE id = @id", new { failures, id = d.endpoint_id }, tx);
            if (endpoint.status == EndpointStatuses.Active && (failures >= options.FailingAfter || gaveUp))
            {
                await c.ExecuteAsync("UPDATE webhook_endpoints SET status = 'failing', failing_since = @now WHERE id = @id",
                    new { now = Time.Store(now), id = d.endpoint_id }, tx);
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "webhook.failing", subjectId: endpointId, data: new { consecutive_failures = failures });
                await Outbox.EnqueueAsync(c, tx, now, owner, EventTypes.WebhookFailing, new
                {
                    webhook_id = endpointId, url = d.url, consecutive_failures = failures, last_status_code = outcome.StatusCode, last_error = outcome.Error,
                });
            }
            return true;
        }, ct);
    }

    /// <summary>About base·2^(n−1) seconds after the n-th failure, capped at one hour, with ±20 % jitter so receivers coming back are not stampeded.</summary>
    public static TimeSpan Backoff(int failedAttempts, int baseSeconds)
    {
        var seconds = Math.Min(3600.0, baseSeconds * Math.Pow(2, Math.Min(failedAttempts - 1, 20)));
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
