using Takedown.Web.Common;
using Microsoft.Extensions.Options;
using Takedown.Core.Orders;

namespace Takedown.Web.Orders;

/// <summary>How often items past their due time are marked overdue.</summary>
public sealed class OrdersOptions
{
    /// <summary>Seconds between overdue sweeps (default 5). Reads show overdue at once regardless.</summary>
    public int SweepIntervalSeconds { get; set; } = 5;
}

/// <summary>Marks items past their due time overdue, every few seconds.</summary>
internal sealed class OverdueSweeper(ItemActionsService items, TimeProvider clock, IOptions<OrdersOptions> options, ILogger<OverdueSweeper> log)
    : PeriodicSweep(clock, log)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(Math.Max(1, options.Value.SweepIntervalSeconds));

    protected override Task RunOnceAsync(CancellationToken ct) => items.SweepOverdueAsync(ct);
}
