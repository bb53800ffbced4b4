using Npgsql;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>
/// Which store a test runs on. By default the SQLite file in the test's data directory; when
/// TAKEDOWN_TEST_PROVIDER=postgres, a fresh PostgreSQL database per test on the server named by
/// TAKEDOWN_TEST_POSTGRES (test.sh starts one), isolated in a schema of its own (much quicker to make
/// and drop than a database). A test that cannot reach its PostgreSQL fails.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _admin;
    private readonly string? _name;

    private TestDatabase(string? admin, string? name, string? connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public static bool IsPostgres => Environment.GetEnvironmentVariable("TAKEDOWN_TEST_PROVIDER") == "postgres";

    /// <summary>The PostgreSQL connection string, or null on SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>Arguments for the service or the CLI that select this store.</summary>
    public string[] Args => ConnectionString is null ? [] : ["--database", ConnectionString];

    public static async Task<TestDatabase> CreateAsync() => IsPostgres ? await CreatePostgresAsync() : new TestDatabase(null, null, null);

    /// <summary>A PostgreSQL schema whatever the suite's provider (for the several-node tests).</summary>
    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable("TAKEDOWN_TEST_POSTGRES")
                    ?? throw new InvalidOperationException("TAKEDOWN_TEST_PROVIDER=postgres needs TAKEDOWN_TEST_POSTGRES (an admin connection string)");
        var name = "td_" + Guid.NewGuid().ToString("N");
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(admin) { SearchPath = name }.ConnectionString;
        return new TestDatabase(admin, name, cs);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is null) return;
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_name} CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
    }
}
