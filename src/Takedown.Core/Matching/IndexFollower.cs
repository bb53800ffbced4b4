using Microsoft.Extensions.Logging;
using Takedown.Core.Banks;
using Takedown.Core.Storage;

namespace Takedown.Core.Matching;

/// <summary>
/// Keeps this node's <see cref="MatchIndex"/> in step with the bank changes its own writes commit: after any committed
/// write that recorded a bank change (by whichever route: entry added, disabled, opinion, reinstatement, owner review),
/// the index catches up by change sequence before the write's caller is answered, so the next match query sees it.
/// Writes committing together share one catch-up that starts after their commits. Other nodes' changes arrive
/// through the change notification (Web's ChangeListener), which catches up the same way.
/// </summary>
public sealed class IndexFollower(MatchIndex index, ILogger<IndexFollower> log) : ICommitObserver
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _requested;
    private long _covered;

    public async Task CommittedAsync(CommitEffects effects)
    {
        if (effects.OfType<BankEntriesChanged>().Count == 0) return;
        // Numbered after the commit: a catch-up that starts having seen this number reads the commit.
        var mine = Interlocked.Increment(ref _requested);
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (Interlocked.Read(ref _covered) >= mine) return;
            var through = Interlocked.Read(ref _requested);
            await index.CatchUpAsync(CancellationToken.None);
            Interlocked.Exchange(ref _covered, through);
        }
        catch (Exception ex)
        {
            // The write has committed and stays committed; the next catch-up (any later bank change, a restart) applies it.
            MatchingLog.CatchUpFailed(log, ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}

internal static partial class MatchingLog
{
    [LoggerMessage(EventId = 6090, Level = LogLevel.Error, Message = "Match index could not catch up after a committed bank change; it will on the next one")]
    public static partial void CatchUpFailed(ILogger logger, Exception ex);
}
