using Microsoft.Extensions.Options;
using Takedown.Core.Orders;

namespace Takedown.Web.Orders;

/// <summary>How often items past their due time are marked overdue.</summary>
public sealed class OrdersOptions
{
    /// <summary>Seconds between overdue sweeps (default 5). Reads show overdue at once regardless.</summary>
    public int SweepIntervalSeconds { get; set; } = 5;
}

/// <summary>Runs the overdue sweep on the injected clock, so tests move time instead of sleeping.</summary>
internal sealed partial class OverdueSweeper(ItemActionsService items, TimeProvider clock, IOptions<OrdersOptions> options, ILogger<OverdueSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, options.Value.SweepIntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await items.SweepOverdueAsync(stoppingToken);
                await Task.Delay(period, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SweepFailed(log, ex);
                await Task.Delay(period, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Overdue sweep failed; retrying")]
    private static partial void SweepFailed(ILogger logger, Exception ex);
}
