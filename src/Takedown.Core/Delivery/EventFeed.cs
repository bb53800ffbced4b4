using System.Globalization;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

/// <summary>
/// The pull feed, for organisations that cannot receive webhooks: the caller's events in commit order
/// after a cursor. With a wait, an empty read parks until an event for the caller commits (woken by the
/// <see cref="OutboxSignal"/>, not by polling) or the wait ends.
/// </summary>
public sealed class EventFeed(IDatabase db, TimeProvider clock, OutboxSignal signal, IDeliveryReceipts receipts)
{
    public const int MaxWaitSeconds = 60;

    private sealed record Row(long seq, string id, string type, string? order_id, string data_json, string created_at);

    public async Task<Result<EventPage>> ReadAsync(Caller caller, string? after, string? wait, int limit, CancellationToken ct)
    {
        var v = new Validator();
        long cursor = 0;
        if (after is not null && !(long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) && cursor >= 0))
            v.Add("after", "is not a cursor from a previous page");
        var waitSeconds = 0;
        if (wait is not null && !(int.TryParse(wait, NumberStyles.None, CultureInfo.InvariantCulture, out waitSeconds) && waitSeconds <= MaxWaitSeconds))
            v.Add("wait", $"must be a whole number of seconds between 0 and {MaxWaitSeconds}");
        if (!v.IsValid) return v.ToError();

        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(waitSeconds);
        while (true)
        {
            var woken = signal.NextForAsync(caller.OrganizationId);
            List<Row> rows;
            await using (var c = await db.OpenAsync(ct))
            {
                rows = (await c.QueryAsync<Row>(
                    "SELECT seq, id, type, order_id, data_json, created_at FROM outbox_events WHERE org_id = @org AND seq > @cursor ORDER BY seq LIMIT @limit",
                    new { org = caller.OrganizationId.ToString(), cursor, limit })).ToList();
            }
            var remaining = deadline - clock.GetUtcNow();
            if (rows.Count > 0 || remaining <= TimeSpan.Zero)
            {
                if (rows.Count > 0 && caller.IsPlatform) await MarkDeliveredAsync(caller, rows, ct);
                var events = rows.Select(r => new EventEnvelope(Guid.Parse(r.id), r.type, Time.Load(r.created_at), JsonDocument.Parse(r.data_json).RootElement.Clone())).ToList();
                return new EventPage(events, (rows.Count > 0 ? rows[^1].seq : cursor).ToString(CultureInfo.InvariantCulture));
            }
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                await Task.WhenAny(woken, Task.Delay(remaining, clock, stop.Token));
                stop.Cancel();
            }
            ct.ThrowIfCancellationRequested();
        }
    }

    private async Task MarkDeliveredAsync(Caller caller, List<Row> rows, CancellationToken ct)
    {
        var orderIds = rows.Where(r => r.order_id is not null).Select(r => r.order_id!).Distinct().ToList();
        if (orderIds.Count == 0) return;
        await using (var c = await db.OpenAsync(ct))
            if (!await receipts.AnyUnrecordedAsync(c, caller.OrganizationId, orderIds)) return;
        var now = Time.Now(clock);
        await db.WriteAsync<bool>(async (c, tx) =>
        {
            await receipts.RecordAsync(c, tx, now, caller, caller.OrganizationId, orderIds, ReceiptChannels.Feed);
            return true;
        }, ct);
    }
}
