using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Transparency;

/// <summary>Time from receipt to the platform's action, summarised.</summary>
/// <summary>Time to action in whole seconds, as the transparency reports give it.</summary>
public sealed record TimeToActionFigures(int Actions, long? MedianSeconds, long? P90Seconds, long? P99Seconds, double? ShareWithinDeadline);

public sealed record TimeToAction(int Actions, TimeSpan? Median, TimeSpan? P90, double? ShareWithinHour, IReadOnlyList<int> Histogram);

/// <summary>The figures of one counterpart: a platform, as its authority sees it, or an authority, as its platform sees it.</summary>
public sealed record CounterpartStatistics(Guid Id, string Name, int Orders, int Items, TimeToAction TimeToAction);

public sealed record OrderStatisticsView(
    IReadOnlyDictionary<string, int> OrdersByStatus, IReadOnlyDictionary<string, int> ItemsByStatus, TimeToAction TimeToAction,
    IReadOnlyList<CounterpartStatistics> Counterparts);

/// <summary>
/// The dashboard's figures over the orders the caller may see: orders by status, and the time from
/// receipt to removal or disabling (median, 90th percentile, share within the hour), overall and per counterpart.
/// </summary>
public sealed class OrderStatisticsService(IDatabase db, TimeProvider clock)
{
    /// <summary>Upper bounds of the histogram buckets; the last bucket is everything slower.</summary>
    public static readonly TimeSpan[] Buckets =
    [
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45), TimeSpan.FromHours(1),
        TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(24),
    ];

    // The counterpart's id is worked out here, not by a CASE in SQL: with no row, SQLite reports such a column as a blob.
    private sealed record Row(string order_id, string order_status, string? received_at, string authority_id, string platform_id, string counterpart_name,
        string item_status, string? due_at, string? action, string? acted_at)
    {
        public string CounterpartOf(string org) => authority_id == org ? platform_id : authority_id;
    }

    public async Task<OrderStatisticsView> ComputeAsync(Caller caller, CancellationToken ct)
    {
        var now = Time.Now(clock);
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(
            $"""
            SELECT o.id AS order_id, o.status AS order_status, o.received_at, o.authority_id, o.platform_id,
                   cp.name AS counterpart_name, i.status AS item_status, i.due_at, i.action, i.acted_at
            FROM orders o
            JOIN order_items i ON i.order_id = o.id
            JOIN organizations cp ON cp.id = CASE WHEN o.authority_id = @org THEN o.platform_id ELSE o.authority_id END
            WHERE {OrderStore.VisibleTo}
            """, new { org = caller.OrganizationId.ToString() })).ToList();

        var items = rows.Select(r => r with { item_status = OrderStore.EffectiveStatus(r.item_status, r.due_at, now) }).ToList();
        var ordersByStatus = items.GroupBy(r => r.order_id)
            .Select(g => g.First().order_status == OrderStatuses.Held ? OrderStatuses.Held : OrderStore.DeriveOrderStatus(false, g.Select(i => i.item_status)))
            .GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        var itemsByStatus = items.GroupBy(r => r.item_status).ToDictionary(g => g.Key, g => g.Count());
        var org = caller.OrganizationId.ToString();
        var counterparts = items.GroupBy(r => (counterpart_id: r.CounterpartOf(org), r.counterpart_name))
            .Select(g => new CounterpartStatistics(Guid.Parse(g.Key.counterpart_id), g.Key.counterpart_name,
                g.Select(i => i.order_id).Distinct().Count(), g.Count(), Summarise(g)))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return new OrderStatisticsView(ordersByStatus, itemsByStatus, Summarise(items), counterparts);
    }

    private static TimeToAction Summarise(IEnumerable<Row> rows)
    {
        var durations = rows
            .Where(r => r.action is Actions.Removed or Actions.Disabled && r.acted_at is not null && r.received_at is not null)
            .Select(r => Time.Load(r.acted_at!) - Time.Load(r.received_at!))
            .Select(d => d < TimeSpan.Zero ? TimeSpan.Zero : d)
            .OrderBy(d => d).ToList();
        var histogram = new int[Buckets.Length + 1];
        foreach (var d in durations)
        {
            var i = Array.FindIndex(Buckets, b => d <= b);
            histogram[i < 0 ? Buckets.Length : i]++;
        }
        if (durations.Count == 0) return new TimeToAction(0, null, null, null, histogram);
        return new TimeToAction(durations.Count, Percentile(durations, 0.5), Percentile(durations, 0.9),
            durations.Count(d => d <= OrdersService.RemovalOrderDeadline) / (double)durations.Count, histogram);
    }

    /// <summary>
    /// Time to action for a report: median, p90, p99 (nearest rank) and the share acted on within the item's own
    /// deadline. The one place these figures are computed, for the dashboard and the transparency reports alike.
    /// </summary>
    public static TimeToActionFigures Figures(IEnumerable<(TimeSpan Duration, bool WithinDeadline)> actions)
    {
        var list = actions.Select(a => (Duration: a.Duration < TimeSpan.Zero ? TimeSpan.Zero : a.Duration, a.WithinDeadline)).ToList();
        if (list.Count == 0) return new TimeToActionFigures(0, null, null, null, null);
        var sorted = list.Select(a => a.Duration).Order().ToList();
        return new TimeToActionFigures(list.Count, (long)Percentile(sorted, 0.5).TotalSeconds, (long)Percentile(sorted, 0.9).TotalSeconds,
            (long)Percentile(sorted, 0.99).TotalSeconds, Math.Round(list.Count(a => a.WithinDeadline) / (double)list.Count, 4));
    }

    /// <summary>Nearest-rank percentile over sorted values.</summary>
    internal static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
