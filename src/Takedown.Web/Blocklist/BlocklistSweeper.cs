using Takedown.Core.Blocklist;

namespace Takedown.Web.Blocklist;

/// <summary>Activates approved listings when their prior-request time passes, so the serial moves even when nobody reads.</summary>
internal sealed partial class BlocklistSweeper(BlocklistService listings, TimeProvider clock, ILogger<BlocklistSweeper> log) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await listings.ActivateDueAsync(stoppingToken);
                await Task.Delay(Period, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SweepFailed(log, ex);
                await Task.Delay(Period, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Error, Message = "Blocklist activation sweep failed; retrying")]
    private static partial void SweepFailed(ILogger logger, Exception ex);
}

/// <summary>Refuses to start with unusable blocklist settings, naming each key at fault.</summary>
internal sealed class BlocklistOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<BlocklistOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, BlocklistOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
