using System.Data.Common;

namespace Takedown.Core.Storage;

/// <summary>The few places where the two dialects spell the same thing differently.</summary>
public static class Sql
{
    /// <summary>"column is one of the list": Dapper expands IN @list for SQLite, and passes an array to PostgreSQL.</summary>
    public static string In(DbConnection c, string column, string parameter) =>
        c is Npgsql.NpgsqlConnection ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";
}
