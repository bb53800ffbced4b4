using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>What a backup folder holds, written last so a half-made backup is recognisable.</summary>
public sealed record BackupInfo(string Dialect, DateTimeOffset CreatedAt, int SchemaVersion, string DatabaseFile, long Blobs);

/// <summary>
/// Backups of everything Takedown holds: the database (SQLite's online backup API, or pg_dump) and the
/// content-addressed files. The database is copied first: every file a committed row names was on disk
/// before the row committed, so the files copied afterwards cover the copied database.
/// </summary>
public static class Backups
{
    public const string InfoFile = "backup.json";

    public static async Task<Result<BackupInfo>> BackupAsync(IDatabase db, string dataDir, string outDir, TimeProvider clock, CancellationToken ct)
    {
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            return Error.Invalid("out", $"{outDir} exists and is not empty");
        Directory.CreateDirectory(outDir);
        string file;
        switch (db)
        {
            case SqliteDatabase sqlite:
                file = "takedown.db";
                await using (var source = (SqliteConnection)await sqlite.OpenAsync(ct))
                await using (var target = new SqliteConnection($"Data Source={Path.Combine(outDir, file)};Pooling=False"))
                {
                    await target.OpenAsync(ct);
                    source.BackupDatabase(target);
                }
                break;
            case PostgresDatabase pg:
                file = "takedown.pgdump";
                var dump = await RunPgAsync("pg_dump", pg.ConnectionString, ["--format=custom", "--no-owner", "--file", Path.Combine(outDir, file)], ct);
                if (dump is not null) return dump;
                break;
            default:
                return Error.Invalid("database", "unknown store");
        }
        var blobs = CopyTree(Path.Combine(dataDir, "blobs"), Path.Combine(outDir, "blobs"));
        var version = await SchemaVersionAsync(db, ct);
        var info = new BackupInfo(db.Dialect, Time.Now(clock), version, file, blobs);
        await File.WriteAllTextAsync(Path.Combine(outDir, InfoFile), JsonSerializer.Serialize(info, TakedownJson.Options), ct);
        return info;
    }

    /// <summary>Restores a backup into an empty data directory (SQLite) or over the configured PostgreSQL database. Run with the service stopped.</summary>
    public static async Task<Result<BackupInfo>> RestoreAsync(IDatabase db, string dataDir, string fromDir, bool force, CancellationToken ct)
    {
        var infoPath = Path.Combine(fromDir, InfoFile);
        if (!File.Exists(infoPath)) return Error.Invalid("from", $"{fromDir} is not a complete backup ({InfoFile} is missing)");
        var info = JsonSerializer.Deserialize<BackupInfo>(await File.ReadAllTextAsync(infoPath, ct), TakedownJson.Options)!;
        if (info.Dialect != db.Dialect) return Error.Invalid("from", $"the backup is of a {info.Dialect} database; the target is {db.Dialect}");
        switch (db)
        {
            case SqliteDatabase sqlite:
                if (File.Exists(sqlite.Path) && !force) return Error.Conflict($"{sqlite.Path} exists; pass --force to replace it");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(sqlite.Path))!);
                SqliteConnection.ClearAllPools();
                foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(sqlite.Path + suffix);
                File.Copy(Path.Combine(fromDir, info.DatabaseFile), sqlite.Path);
                break;
            case PostgresDatabase pg:
                var restore = await RunPgAsync("pg_restore", pg.ConnectionString, ["--clean", "--if-exists", "--no-owner", "--single-transaction", Path.Combine(fromDir, info.DatabaseFile)], ct);
                if (restore is not null) return restore;
                break;
        }
        CopyTree(Path.Combine(fromDir, "blobs"), Path.Combine(dataDir, "blobs"));
        return info;
    }

    private static async Task<int> SchemaVersionAsync(IDatabase db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    }

    private static long CopyTree(string from, string to)
    {
        if (!Directory.Exists(from)) return 0;
        long n = 0;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(from, file);
            if (rel.StartsWith("tmp" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            var target = Path.Combine(to, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target)) File.Copy(file, target);
            n++;
        }
        return n;
    }

    /// <summary>Runs pg_dump or pg_restore with the connection's host, port, user, database and schema; null when it succeeded.</summary>
    private static async Task<Error?> RunPgAsync(string tool, string connectionString, string[] args, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--host=" + cs.Host);
        psi.ArgumentList.Add("--port=" + cs.Port);
        if (cs.Username is { } u) psi.ArgumentList.Add("--username=" + u);
        psi.ArgumentList.Add("--dbname=" + cs.Database);
        // A schema-scoped deployment (Search Path) is dumped and restored on its own.
        if (tool == "pg_dump" && cs.SearchPath is { Length: > 0 } schema) psi.ArgumentList.Add("--schema=" + schema.Split(',')[0].Trim());
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (cs.Password is { } p) psi.Environment["PGPASSWORD"] = p;
        try
        {
            using var process = Process.Start(psi)!;
            var err = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return process.ExitCode == 0 ? null : new Error(ErrorKind.Unavailable, $"{tool} failed", (await err).Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Error(ErrorKind.Unavailable, $"{tool} not found", $"{tool} is not on PATH; install the PostgreSQL client (apt-get install postgresql-client-15).");
        }
    }
}
