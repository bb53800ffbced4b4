using System.Data.Common;
using Dapper;
using Npgsql;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>
/// The server store: PostgreSQL for several stateless nodes. Each write is its own READ COMMITTED
/// transaction; a unique-key race between nodes becomes a 409, and a serialization failure or
/// deadlock is retried a few times before it is reported.
/// </summary>
public sealed class PostgresDatabase : IDatabase, IAsyncDisposable
{
    /// <summary>Advisory lock keys: one per kind of work that must not run twice at once.</summary>
    public static class Locks
    {
        public const long Migrations = 0x74616B_0001;
        public const long AuditChain = 0x74616B_0002;
    }

    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        ConnectionString = builder.ConnectionString;
        _source = NpgsqlDataSource.Create(builder);
    }

    public string ConnectionString { get; }

    public string Dialect => "postgres";

    public NpgsqlDataSource DataSource => _source;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public async Task<Result<T>> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var c = await _source.OpenConnectionAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            try
            {
                var result = await work(c, tx);
                if (result.IsSuccess) await tx.CommitAsync(CancellationToken.None);
                else await tx.RollbackAsync(CancellationToken.None);
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return Error.Conflict("The same thing was just created by another request; reload and try again.");
            }
            catch (PostgresException ex) when (attempt < 4 && ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
            {
                await Task.Delay(10 * attempt, ct);
            }
        }
    }

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var c = await _source.OpenConnectionAsync(ct);
        // Several nodes may start at once: one applies the migrations, the others wait and find nothing to do.
        await c.ExecuteAsync("SELECT pg_advisory_lock(@k)", new { k = Locks.Migrations });
        try
        {
            await Migrations.ApplyAsync(c, Dialect, ct);
        }
        finally
        {
            await c.ExecuteAsync("SELECT pg_advisory_unlock(@k)", new { k = Locks.Migrations });
        }
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
