using Microsoft.Extensions.Options;
using Takedown.Core.Accountability;

namespace Takedown.Web.Accountability;

/// <summary>How often the preservation sweep runs.</summary>
public sealed class PreservationOptions
{
    /// <summary>Hours between sweeps (default 24: a daily sweep).</summary>
    public int SweepIntervalHours { get; set; } = 24;
}

/// <summary>Runs the preservation sweep on the injected clock (daily by default), so tests move time instead of sleeping.</summary>
internal sealed partial class PreservationSweeper(PreservationService preservation, TimeProvider clock, IOptions<PreservationOptions> options, ILogger<PreservationSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromHours(Math.Max(1, options.Value.SweepIntervalHours));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await preservation.SweepAsync(stoppingToken);
                await Task.Delay(period, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SweepFailed(log, ex);
                await Task.Delay(TimeSpan.FromMinutes(5), clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 9102, Level = LogLevel.Error, Message = "Preservation sweep failed; retrying")]
    private static partial void SweepFailed(ILogger logger, Exception ex);
}
