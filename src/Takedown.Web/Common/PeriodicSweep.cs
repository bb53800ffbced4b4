namespace Takedown.Web.Common;

/// <summary>
/// Runs one sweep on the injected clock, again and again: tests move the fake clock instead of
/// sleeping. A failure is logged (without content) and the sweep is tried again after
/// <see cref="RetryAfter"/>; stopping the host ends the loop.
/// </summary>
internal abstract partial class PeriodicSweep(TimeProvider clock, ILogger log) : BackgroundService
{
    /// <summary>Time between sweeps.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>Time before trying again after a failure (default: one period).</summary>
    protected virtual TimeSpan RetryAfter => Period;

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(Period, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SweepFailed(log, GetType().Name, ex);
                await Task.Delay(RetryAfter, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "{Sweep} failed; retrying")]
    private static partial void SweepFailed(ILogger logger, string sweep, Exception ex);
}
