using System.Data.Common;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>The storage seam: one implementation per SQL dialect.</summary>
public interface IDatabase
{
    /// <summary>"sqlite" or "postgres": names the migrations folder and the few dialect-specific statements.</summary>
    string Dialect { get; }

    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction. A failure result rolls everything back,
    /// so a refused request writes nothing; a success is committed (durably) before this returns.
    /// </summary>
    Task<Result<T>> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<Result<T>>> work, CancellationToken ct);

    Task MigrateAsync(CancellationToken ct);
}
