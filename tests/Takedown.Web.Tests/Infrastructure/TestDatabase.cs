using Microsoft.Data.Sqlite;
using Npgsql;
using Takedown.Core.Storage;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>
/// Which store a test runs on. By default the SQLite file in the test's data directory; when
/// TAKEDOWN_TEST_PROVIDER=postgres, PostgreSQL on the server named by TAKEDOWN_TEST_POSTGRES (test.sh
/// starts one). A test that cannot reach its PostgreSQL fails.
/// <para>
/// <see cref="CreateAsync"/> gives an empty store (a schema of its own on PostgreSQL), which the app
/// migrates from nothing at start. <see cref="CreateMigratedAsync"/>, what <see cref="TestApp"/> uses, gives
/// a copy of a store migrated once per test run: the SQLite file copied, or on PostgreSQL a database
/// cloned from a template database (CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY, measured the
/// quickest, see docs/performance.md). The template holds the schema only: migrations put no secret in
/// it, and the master key, signing keys and organisations are made by each test's own start-up, whose
/// migrations then find nothing to do.
/// </para>
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _admin;
    private readonly string? _drop;

    private TestDatabase(string? admin, string? drop, string? connectionString)
    {
        _admin = admin;
        _drop = drop;
        ConnectionString = connectionString;
    }

    public static bool IsPostgres => Environment.GetEnvironmentVariable("TAKEDOWN_TEST_PROVIDER") == "postgres";

    /// <summary>The PostgreSQL connection string, or null on SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>Arguments for the service or the CLI that select this store.</summary>
    public string[] Args => ConnectionString is null ? [] : ["--database", ConnectionString];

    private static string Admin => Environment.GetEnvironmentVariable("TAKEDOWN_TEST_POSTGRES")
        ?? throw new InvalidOperationException("TAKEDOWN_TEST_PROVIDER=postgres needs TAKEDOWN_TEST_POSTGRES (an admin connection string)");

    /// <summary>An empty store: the app migrates it from nothing.</summary>
    public static async Task<TestDatabase> CreateAsync() => IsPostgres ? await CreatePostgresAsync() : new TestDatabase(null, null, null);

    /// <summary>A PostgreSQL schema whatever the suite's provider (for the several-node tests); empty.</summary>
    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var admin = Admin;
        var name = "td_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE SCHEMA {name}");
        var cs = new NpgsqlConnectionStringBuilder(admin) { SearchPath = name }.ConnectionString;
        return new TestDatabase(admin, $"DROP SCHEMA IF EXISTS {name} CASCADE", cs);
    }

    /// <summary>
    /// A store already migrated (a copy of this run's template): on SQLite the file takedown.db in
    /// <paramref name="dataDir"/>, on PostgreSQL a database of its own.
    /// </summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string dataDir)
    {
        if (!IsPostgres)
        {
            var template = await SqliteTemplate.Value;
            File.Copy(template, Path.Combine(dataDir, DatabaseFactory.SqliteFileName));
            return new TestDatabase(null, null, null);
        }
        var admin = Admin;
        var templateName = await PostgresTemplate.Value;
        var name = "td_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE {name} TEMPLATE {templateName} STRATEGY FILE_COPY");
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", cs);
    }

    /// <summary>The SQLite template: migrated by the service's own code, checkpointed and closed, so the one file holds it all.</summary>
    private static readonly Lazy<Task<string>> SqliteTemplate = new(async () =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "takedown-tests", "template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        var path = Path.Combine(dir, DatabaseFactory.SqliteFileName);
        await using (var db = new SqliteDatabase(path)) await db.MigrateAsync(CancellationToken.None);
        SqliteConnection.ClearAllPools();
        await using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await cmd.ExecuteNonQueryAsync();
        }
        // The last connection closed: SQLite has folded the WAL into the file and removed it.
        if (new FileInfo(path + "-wal") is { Exists: true, Length: > 0 })
            throw new InvalidOperationException($"The SQLite template {path} still has a WAL after its checkpoint: copying the file alone would lose migrations.");
        return path;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The PostgreSQL template database: migrated by the service's own code, then left with no connection (a template must have none).</summary>
    private static readonly Lazy<Task<string>> PostgresTemplate = new(async () =>
    {
        var admin = Admin;
        var name = "td_template_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)").GetAwaiter().GetResult(); }
            catch (NpgsqlException) { }
        };
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
        await using (var db = new PostgresDatabase(cs)) await db.MigrateAsync(CancellationToken.None);
        return name;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is null) return;
        await ExecuteAsync(_admin, _drop!);
    }
}
