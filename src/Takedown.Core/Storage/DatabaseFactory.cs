namespace Takedown.Core.Storage;

/// <summary>Chooses the store: PostgreSQL when a connection string is configured, else the SQLite file in the data directory.</summary>
public static class DatabaseFactory
{
    public const string SqliteFileName = "takedown.db";

    public static IDatabase Create(string dataDirectory, string? database) =>
        string.IsNullOrWhiteSpace(database)
            ? new SqliteDatabase(Path.Combine(dataDirectory, SqliteFileName))
            : new PostgresDatabase(database);
}
