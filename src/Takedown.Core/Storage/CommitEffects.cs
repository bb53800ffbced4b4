using System.Data.Common;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>
/// What one write did that something must follow once it has durably committed: an outbox event to wake the
/// sender for, a bank change for the match index to catch up on. Code running inside a write states the fact
/// with <see cref="Raise"/>, next to the SQL that makes it true; <see cref="EffectsDatabase"/> hands the facts
/// of a committed write to every <see cref="ICommitObserver"/>, and drops them when the write rolls back.
/// Facts are values (records): the same fact raised twice is one.
/// </summary>
public sealed class CommitEffects
{
    private static readonly AsyncLocal<CommitEffects?> Current = new();

    private readonly HashSet<object> _facts = [];

    /// <summary>Records a fact about the write in progress; outside a write of an <see cref="EffectsDatabase"/> it does nothing.</summary>
    public static void Raise(object fact)
    {
        if (Current.Value is not { } effects) return;
        lock (effects._facts) effects._facts.Add(fact);
    }

    public bool IsEmpty => _facts.Count == 0;

    public IReadOnlyList<T> OfType<T>() => _facts.OfType<T>().ToList();

    internal static void Begin(CommitEffects effects) => Current.Value = effects;
}

/// <summary>Follows committed writes: runs after the commit has reached the disk, before the write's caller is answered.</summary>
public interface ICommitObserver
{
    /// <summary>Called once per committed write that raised at least one fact; never for a rolled-back one. Must not throw: the write is already committed.</summary>
    Task CommittedAsync(CommitEffects effects);
}

/// <summary>
/// The store as the application uses it: every write collects its <see cref="CommitEffects"/>, and once the commit is
/// durable (on SQLite, the shared group commit; on PostgreSQL, the write's own) the observers run, so what follows a
/// commit is announced by the write path itself, not remembered by each caller. A refused or failed write announces nothing.
/// Observers are resolved on first use, since they may themselves depend on the store.
/// </summary>
public sealed class EffectsDatabase(IDatabase inner, Func<IEnumerable<ICommitObserver>> observers) : IDatabase, IAsyncDisposable
{
    private readonly Lazy<ICommitObserver[]> _observers = new(() => observers().ToArray());

    /// <summary>The store underneath (for what only one dialect offers, e.g. LISTEN on PostgreSQL).</summary>
    public IDatabase Inner => inner;

    public string Dialect => inner.Dialect;

    public Task<DbConnection> OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);

    public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);

    public async Task<Result<T>> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work, CancellationToken ct)
    {
        var effects = new CommitEffects();
        var result = await inner.WriteAsync<T>(async (c, tx) =>
        {
            // A retried attempt starts again from nothing: only the attempt that commits is announced.
            effects = new CommitEffects();
            CommitEffects.Begin(effects);
            return await work(c, tx);
        }, ct);
        if (result.IsSuccess && !effects.IsEmpty)
            foreach (var observer in _observers.Value)
                await observer.CommittedAsync(effects);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable d) await d.DisposeAsync();
    }
}
