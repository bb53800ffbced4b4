using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

/// <summary>An organisation's webhook endpoints: registration (URL checked for outbound safety), update, secret rotation, deletion, deliveries and manual redelivery.</summary>
public sealed class WebhooksService(IDatabase db, TimeProvider clock, WebhooksOptions options, SecretBox secrets, OutboxSignal signal)
{
    public const int MaxEndpointsPerOrganization = 20;

    internal sealed record EndpointRow(string id, string org_id, string url, string events_json, string secret_sealed, string status,
        long consecutive_failures, string? failing_since, string created_at, string updated_at, string? deleted_at);

    internal const string EndpointColumns = "id, org_id, url, events_json, secret_sealed, status, consecutive_failures, failing_since, created_at, updated_at, deleted_at";

    public async Task<Result<WebhookWithSecret>> CreateAsync(Caller caller, WebhookRequest request, CancellationToken ct)
    {
        var v = new Validator();
        await ValidateUrlAsync(v, request.Url, ct);
        ValidateEvents(v, request.Events, required: true);
        if (!v.IsValid) return v.ToError();
        var secret = SecretBox.NewSecret();
        var sealedSecret = secrets.Seal(secret);
        return await db.WriteAsync<WebhookWithSecret>(async (c, tx) =>
        {
            var count = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_endpoints WHERE org_id = @org AND deleted_at IS NULL",
                new { org = caller.OrganizationId.ToString() }, tx);
            if (count >= MaxEndpointsPerOrganization) return Error.Conflict($"An organisation has at most {MaxEndpointsPerOrganization} webhook endpoints.");
            var id = Guid.CreateVersion7();
            var now = Time.Now(clock);
            var events = request.Events!.Distinct().ToList();
            await c.ExecuteAsync(
                $"""
                INSERT INTO webhook_endpoints ({EndpointColumns})
                VALUES (@id, @org, @url, @events, @secret, 'active', 0, NULL, @now, @now, NULL)
                """,
                new { id = id.ToString(), org = caller.OrganizationId.ToString(), url = request.Url!.Trim(), events = JsonSerializer.Serialize(events), secret = sealedSecret, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "webhook.created", subjectId: id, data: new { events });
            return new WebhookWithSecret(id, request.Url!.Trim(), events, EndpointStatuses.Active, now, secret);
        }, ct);
    }

    public async Task<IReadOnlyList<WebhookView>> ListAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<EndpointRow>(
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE org_id = @org AND deleted_at IS NULL ORDER BY id", new { org = caller.OrganizationId.ToString() });
        return rows.Select(ToView).ToList();
    }

    public async Task<Result<WebhookView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, caller, id);
        return row is null ? Error.NotFound("webhook") : ToView(row);
    }

    /// <summary>Changes the URL and/or the event list. An update is the owner's fix: a failing endpoint becomes active again.</summary>
    public async Task<Result<WebhookView>> UpdateAsync(Caller caller, Guid id, WebhookRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (request.Url is not null) await ValidateUrlAsync(v, request.Url, ct);
        if (request.Events is not null) ValidateEvents(v, request.Events, required: true);
        if (request.Url is null && request.Events is null) v.Add("body", "give url and/or events");
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<WebhookView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, caller, id);
            if (row is null) return Error.NotFound("webhook");
            var now = Time.Now(clock);
            var updated = row with
            {
                url = request.Url?.Trim() ?? row.url,
                events_json = request.Events is null ? row.events_json : JsonSerializer.Serialize(request.Events.Distinct().ToList()),
                status = EndpointStatuses.Active, consecutive_failures = 0, failing_since = null, updated_at = Time.Store(now),
            };
            await c.ExecuteAsync(
                """
                UPDATE webhook_endpoints SET url = @url, events_json = @events_json, status = @status, consecutive_failures = 0,
                       failing_since = NULL, updated_at = @updated_at WHERE id = @id
                """, updated, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "webhook.updated", subjectId: id,
                data: new { url_changed = request.Url is not null, events = request.Events });
            return ToView(updated);
        }, ct);
        if (result.IsSuccess) signal.PokeWork();
        return result;
    }

    public Task<Result<WebhookWithSecret>> RotateSecretAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var secret = SecretBox.NewSecret();
        var sealedSecret = secrets.Seal(secret);
        return db.WriteAsync<WebhookWithSecret>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, caller, id);
            if (row is null) return Error.NotFound("webhook");
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE webhook_endpoints SET secret_sealed = @secret, updated_at = @now WHERE id = @id",
                new { secret = sealedSecret, now = Time.Store(now), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "webhook.secret_rotated", subjectId: id);
            var view = ToView(row);
            return new WebhookWithSecret(id, view.Url, view.Events, view.Status, view.CreatedAt, secret);
        }, ct);
    }

    /// <summary>Deletes the endpoint; its undelivered deliveries are cancelled (still listed). Events stay in the pull feed.</summary>
    public Task<Result<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken ct) =>
        db.WriteAsync<bool>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, caller, id);
            if (row is null) return Error.NotFound("webhook");
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE webhook_endpoints SET deleted_at = @now, updated_at = @now WHERE id = @id", new { now = Time.Store(now), id = row.id }, tx);
            var cancelled = await c.ExecuteAsync("UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE endpoint_id = @id AND status = 'pending'",
                new { id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "webhook.deleted", subjectId: id, data: new { cancelled_deliveries = cancelled });
            return true;
        }, ct);

    private sealed record DeliveryRow(string id, string event_id, string type, string status, long attempts, string? next_attempt_at, string created_at, string? delivered_at);

    private sealed record AttemptRow(string delivery_id, long number, string at, long? status_code, double latency_ms, string? error);

    /// <summary>Deliveries of one endpoint, newest first, each with its attempts (status code, latency, error).</summary>
    public async Task<Result<DeliveryPage>> DeliveriesAsync(Caller caller, Guid id, string? status, string? after, int limit, CancellationToken ct)
    {
        var v = new Validator();
        if (status is not null) v.OneOf("status", status, [DeliveryStatuses.Pending, DeliveryStatuses.Delivered, DeliveryStatuses.Failed, DeliveryStatuses.Cancelled]);
        if (after is not null && !Guid.TryParse(after, out _)) v.Add("after", "is not a cursor from a previous page");
        if (!v.IsValid) return v.ToError();
        await using var c = await db.OpenAsync(ct);
        var endpoint = await FindAsync(c, null, caller, id);
        if (endpoint is null) return Error.NotFound("webhook");
        var views = await DeliveryViewsAsync(c,
            "d.endpoint_id = @endpoint AND (@status IS NULL OR d.status = @status) AND (@after IS NULL OR d.id < @after) ORDER BY d.id DESC LIMIT @limit",
            new { endpoint = endpoint.id, status, after = after?.ToLowerInvariant(), limit });
        return new DeliveryPage(views, views.Count == limit ? views[^1].Id.ToString() : null);
    }

    private static async Task<List<DeliveryView>> DeliveryViewsAsync(DbConnection c, string where, object parameters)
    {
        var rows = (await c.QueryAsync<DeliveryRow>(
            """
            SELECT d.id, e.id AS event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.created_at, d.delivered_at
            FROM webhook_deliveries d JOIN outbox_events e ON e.seq = d.event_seq WHERE
            """ + " " + where, parameters)).ToList();
        var ids = rows.Select(r => r.id).ToList();
        var attempts = (ids.Count == 0 ? [] : await c.QueryAsync<AttemptRow>(
            $"SELECT delivery_id, number, at, status_code, latency_ms, error FROM webhook_attempts WHERE {Sql.In(c, "delivery_id", "@ids")} ORDER BY number",
            new { ids })).ToLookup(a => a.delivery_id);
        return rows.Select(r => new DeliveryView(Guid.Parse(r.id), Guid.Parse(r.event_id), r.type, r.status, (int)r.attempts,
            Time.LoadNullable(r.next_attempt_at), Time.Load(r.created_at), Time.LoadNullable(r.delivered_at),
            attempts[r.id].Select(a => new AttemptView((int)a.number, Time.Load(a.at), a.status_code is null ? null : (int)a.status_code, a.latency_ms, a.error)).ToList())).ToList();
    }

    /// <summary>Queues the delivery again, at once, with the same event id (receivers de-duplicate on it).</summary>
    public async Task<Result<DeliveryView>> RedeliverAsync(Caller caller, Guid id, Guid deliveryId, CancellationToken ct)
    {
        var result = await db.WriteAsync<bool>(async (c, tx) =>
        {
            var endpoint = await FindAsync(c, tx, caller, id);
            if (endpoint is null) return Error.NotFound("webhook");
            var now = Time.Now(clock);
            var changed = await c.ExecuteAsync(
                "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @now WHERE id = @id AND endpoint_id = @endpoint",
                new { now = Time.Store(now), id = deliveryId.ToString(), endpoint = endpoint.id }, tx);
            if (changed == 0) return Error.NotFound("delivery");
            await AuditLog.AppendAsync(c, tx, now, caller, "webhook.redelivery_requested", subjectId: deliveryId, data: new { webhook_id = id });
            return true;
        }, ct);
        if (!result.IsSuccess) return result.Error!;
        signal.PokeWork();
        await using var c = await db.OpenAsync(ct);
        return (await DeliveryViewsAsync(c, "d.id = @id", new { id = deliveryId.ToString() }))[0];
    }

    private async Task ValidateUrlAsync(Validator v, string? url, CancellationToken ct)
    {
        var problem = await OutboundAddress.ProblemAsync(url, options, ct);
        if (problem is not null) v.Add("url", problem);
    }

    private static void ValidateEvents(Validator v, List<string>? events, bool required)
    {
        if (events is null || events.Count == 0)
        {
            if (required) v.Add("events", $"at least one event type is required (any of: {string.Join(", ", EventTypes.All)})");
            return;
        }
        for (var i = 0; i < events.Count; i++) v.OneOf(string.Create(CultureInfo.InvariantCulture, $"events[{i}]"), events[i], EventTypes.All);
    }

    private static async Task<EndpointRow?> FindAsync(DbConnection c, DbTransaction? tx, Caller caller, Guid id) =>
        await c.QuerySingleOrDefaultAsync<EndpointRow>(
            $"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id AND org_id = @org AND deleted_at IS NULL",
            new { id = id.ToString(), org = caller.OrganizationId.ToString() }, tx);

    private static WebhookView ToView(EndpointRow r) => new(Guid.Parse(r.id), r.url, JsonSerializer.Deserialize<List<string>>(r.events_json) ?? [],
        r.status, (int)r.consecutive_failures, Time.LoadNullable(r.failing_since), Time.Load(r.created_at), Time.Load(r.updated_at));
}
