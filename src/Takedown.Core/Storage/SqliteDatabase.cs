using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit has reached the
/// disk before the API answers. SQLite allows one writer, and each durable commit costs an fsync, so
/// writes go through one writer loop that commits whatever is queued together (group commit): each
/// request runs inside its own savepoint, a refused request rolls back only its savepoint, and every
/// caller is answered only after the shared commit has reached the disk.
/// </summary>
public sealed class SqliteDatabase : IDatabase, IAsyncDisposable
{
    /// <summary>At most this many requests share one commit.</summary>
    public const int MaxBatch = 64;

    private readonly string _connectionString;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _writer;

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new Lazy<Task>(() => Task.Factory.StartNew(WriterLoopAsync, CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
    }

    public string Path { get; }

    public string Dialect => "sqlite";

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
        await cmd.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public Task<Result<T>> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteDatabase));
        _ = _writer.Value;
        return write.Completion.Task;
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<IWrite>(MaxBatch);
        DbConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var w)) batch.Add(w);
                if (batch.Count == 0) continue;
                try
                {
                    connection ??= await OpenAsync(CancellationToken.None);
                    await CommitBatchAsync(connection, batch);
                }
                catch (Exception ex)
                {
                    // The shared commit failed: nobody in this batch was acknowledged.
                    foreach (var w in batch) w.Fail(ex);
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    private static async Task CommitBatchAsync(DbConnection connection, List<IWrite> batch)
    {
        await using var tx = await connection.BeginTransactionAsync();
        var outcomes = new List<Action>(batch.Count);
        foreach (var write in batch)
        {
            await connection.ExecuteAsync("SAVEPOINT w", transaction: tx);
            Action outcome;
            bool keep;
            try
            {
                (keep, outcome) = await write.RunAsync(connection, tx);
            }
            catch (Exception ex)
            {
                keep = false;
                outcome = () => write.Fail(ex);
            }
            await connection.ExecuteAsync(keep ? "RELEASE w" : "ROLLBACK TO w; RELEASE w", transaction: tx);
            outcomes.Add(outcome);
        }
        await tx.CommitAsync();
        foreach (var o in outcomes) o();
    }

    private interface IWrite
    {
        Task<(bool Keep, Action Complete)> RunAsync(DbConnection c, DbTransaction tx);

        void Fail(Exception ex);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work) : IWrite
    {
        public TaskCompletionSource<Result<T>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<(bool Keep, Action Complete)> RunAsync(DbConnection c, DbTransaction tx)
        {
            var result = await work(c, tx);
            return (result.IsSuccess, () => Completion.TrySetResult(result));
        }

        public void Fail(Exception ex) => Completion.TrySetException(ex);
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        await Migrations.ApplyAsync(connection, Dialect, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer.IsValueCreated) await _writer.Value;
    }
}
