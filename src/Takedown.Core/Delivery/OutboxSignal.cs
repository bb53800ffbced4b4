using System.Collections.Concurrent;
using System.Data.Common;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Delivery;

/// <summary>
/// Wakes the webhook sender and long-polling readers as soon as a commit has enqueued an event.
/// A waiter takes its task before it queries, so an event committed between the query and the wait
/// still wakes it; spurious wakes are harmless (the waiter queries again).
/// </summary>
public sealed class OutboxSignal
{
    /// <summary>The organisations that the current write has enqueued events for (set per write by <see cref="SignalingDatabase"/>).</summary>
    internal static readonly AsyncLocal<HashSet<Guid>?> Touched = new();

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

    public void PokeWork() => Interlocked.Exchange(ref _work, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Wraps the store so that, once a write that enqueued events has committed (never before, never
/// when it rolled back), the <see cref="OutboxSignal"/> fires for the organisations concerned.
/// </summary>
public sealed class SignalingDatabase(IDatabase inner, OutboxSignal signal) : IDatabase, IAsyncDisposable
{
    public IDatabase Inner => inner;

    public string Dialect => inner.Dialect;

    public Task<DbConnection> OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);

    public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);

    public async Task<Result<T>> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work, CancellationToken ct)
    {
        var touched = new HashSet<Guid>();
        var result = await inner.WriteAsync<T>(async (c, tx) =>
        {
            touched.Clear();
            OutboxSignal.Touched.Value = touched;
            return await work(c, tx);
        }, ct);
        if (result.IsSuccess && touched.Count > 0) signal.Committed(touched);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable d) await d.DisposeAsync();
    }
}
