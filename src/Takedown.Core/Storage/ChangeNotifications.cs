using System.Data.Common;

namespace Takedown.Core.Storage;

/// <summary>
/// Tells the other nodes that something they mirror in memory changed: on PostgreSQL a NOTIFY on one
/// channel, sent inside the writing transaction so it is delivered only if (and when) it commits.
/// Several notifications in one transaction collapse into one. On SQLite (one node) this does nothing.
/// A notification carries no data: listeners catch up by sequence number, so a lost one only delays.
/// </summary>
public static class ChangeNotifications
{
    public const string Channel = "takedown_changes";

    public static async Task NotifyAsync(DbConnection c, DbTransaction tx)
    {
        if (c is Npgsql.NpgsqlConnection)
            await Dapper.SqlMapper.ExecuteAsync(c, $"NOTIFY {Channel}", transaction: tx);
    }
}
