using System.Collections.Concurrent;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

/// <summary>
/// Wakes the webhook sender and long-polling readers as soon as a commit has enqueued an event.
/// A waiter takes its task before it queries, so an event committed between the query and the wait
/// still wakes it; spurious wakes are harmless (the waiter queries again).
/// </summary>
public sealed class OutboxSignal : ICommitObserver
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _orgs = new();
    private TaskCompletionSource _work = NewSource();

    /// <summary>Completes after the next commit that enqueues an event for <paramref name="org"/>.</summary>
    public Task NextForAsync(Guid org) => _orgs.GetOrAdd(org, _ => NewSource()).Task;

    /// <summary>Completes after the next commit that enqueues anything, or the next <see cref="PokeWork"/>.</summary>
    public Task NextWorkAsync() => Volatile.Read(ref _work).Task;

    public void Committed(IEnumerable<Guid> orgs)
    {
        foreach (var org in orgs)
            if (_orgs.TryRemove(org, out var source)) source.TrySetResult();
        PokeWork();
    }

    /// <summary>A committed write enqueued events: wakes whoever waits for their organisations.</summary>
    Task ICommitObserver.CommittedAsync(CommitEffects effects)
    {
        var orgs = effects.OfType<OutboxEnqueued>();
        if (orgs.Count > 0) Committed(orgs.Select(e => e.Org));
        return Task.CompletedTask;
    }

    public void PokeWork() => Interlocked.Exchange(ref _work, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The fact, raised inside a write, that it enqueued an event for <paramref name="Org"/>.</summary>
public sealed record OutboxEnqueued(Guid Org);
