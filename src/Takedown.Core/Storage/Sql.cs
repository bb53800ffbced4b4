using System.Data.Common;

namespace Takedown.Core.Storage;

/// <summary>The few places where the two dialects spell the same thing differently.</summary>
public static class Sql
{
    /// <summary>"column is one of the list": Dapper expands IN @list for SQLite, and passes an array to PostgreSQL.</summary>
    public static string In(DbConnection c, string column, string parameter) =>
        c is Npgsql.NpgsqlConnection ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    /// <summary>
    /// Serialises writers that draw a sequence number readers page by (audit chain, outbox, bank changes):
    /// on PostgreSQL an advisory lock held until commit, so sequence order is commit order across nodes;
    /// SQLite already has one writer at a time.
    /// </summary>
    public static async Task LockSequencedWritesAsync(DbConnection c, DbTransaction tx)
    {
        if (c is Npgsql.NpgsqlConnection)
            await Dapper.SqlMapper.ExecuteAsync(c, "SELECT pg_advisory_xact_lock(@k)", new { k = PostgresDatabase.Locks.AuditChain }, tx);
    }
}
