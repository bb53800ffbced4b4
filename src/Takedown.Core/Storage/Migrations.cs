using System.Data.Common;
using System.Reflection;
using Dapper;

namespace Takedown.Core.Storage;

/// <summary>Numbered SQL scripts per dialect (embedded resources), each applied once, in order, in its own transaction.</summary>
public static class Migrations
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> For(string dialect)
    {
        var asm = typeof(Migrations).Assembly;
        var prefix = $"migrations/{dialect}/";
        return asm.GetManifestResourceNames()
            .Where(n => n.Replace('\\', '/').StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n.Replace('\\', '/')[prefix.Length..];
                var version = int.Parse(file.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
                using var stream = asm.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (version, file, reader.ReadToEnd());
            })
            .OrderBy(m => m.version)
            .ToList();
    }

    public static async Task ApplyAsync(DbConnection connection, string dialect, CancellationToken ct)
    {
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_version")).ToHashSet();
        foreach (var (version, name, sql) in For(dialect))
        {
            if (applied.Contains(version)) continue;
            // A SQLite script that rebuilds a referenced table asks for foreign key enforcement to be
            // off while it runs (the pragma only takes effect outside a transaction).
            var foreignKeysOff = dialect == "sqlite" && sql.StartsWith("-- sqlite:foreign_keys=off", StringComparison.Ordinal);
            if (foreignKeysOff) await connection.ExecuteAsync("PRAGMA foreign_keys=OFF");
            try
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)",
                    new { version, name, at = DateTimeOffset.UtcNow.ToString("O") }, tx);
                await tx.CommitAsync(ct);
            }
            finally
            {
                if (foreignKeysOff) await connection.ExecuteAsync("PRAGMA foreign_keys=ON");
            }
        }
    }
}
