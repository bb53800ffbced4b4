using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>One stored file in a backup: its path under the data directory, SHA-256 (hex) and size.</summary>
public sealed record BackupFile(string Path, string Sha256, long Size);

/// <summary>What a backup folder holds, written last so a half-made backup is recognisable.</summary>
/// <param name="PostgresSchema">The schema a PostgreSQL backup was dumped from (the connection's Search Path), "" for the whole database; null when not recorded (SQLite, older versions).</param>
public sealed record BackupInfo(string Dialect, DateTimeOffset CreatedAt, int SchemaVersion, string DatabaseFile, long Blobs,
    string? DatabaseSha256 = null, IReadOnlyList<BackupFile>? Files = null, string? PostgresSchema = null);

/// <summary>
/// Backups of everything Takedown holds: the database (SQLite's online backup API, or pg_dump) and every
/// stored file under the data directory (blobs/ with productions and attachments, evidence/, and any other
/// folder), each with its SHA-256, checked before a restore writes anything. The database is copied first:
/// every file a committed row names was on disk before the row committed, so the files copied afterwards
/// cover the copied database. No secret is in a backup in clear: the database holds secrets sealed by the
/// master key, and the master key file is never copied, so a restore needs the master key given separately.
/// </summary>
public static class Backups
{
    public const string InfoFile = "backup.json";
    public const string FilesFolder = "files";

    /// <param name="exclude">Files under the data directory never to copy (the master key file, wherever it is configured).</param>
    public static async Task<Result<BackupInfo>> BackupAsync(IDatabase db, string dataDir, string outDir, TimeProvider clock, CancellationToken ct, IEnumerable<string>? exclude = null)
    {
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            return Error.Invalid("out", $"{outDir} exists and is not empty");
        // A backup holds evidence and personal data in clear: only its owner may open the folder.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(outDir);
        else Directory.CreateDirectory(outDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
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
        var skip = new HashSet<string>(StringComparer.Ordinal)
        {
            Path.GetFullPath(Path.Combine(dataDir, Secrets.SecretsOptions.DefaultFileName)),
            // Left by versions before the master key until the service's next start folds it into the database.
            Path.GetFullPath(Path.Combine(dataDir, "webhook-secrets.key")),
        };
        foreach (var e in exclude ?? []) skip.Add(Path.GetFullPath(e));
        if (db is SqliteDatabase lite)
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) skip.Add(Path.GetFullPath(lite.Path + suffix));
        var masterKeyId = await MasterKeyIdAsync(db, ct);
        var files = new List<BackupFile>();
        if (Directory.Exists(dataDir))
            foreach (var path in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(dataDir, path).Replace('\\', '/');
                // Temporary files are not yet stored (their rows are not committed).
                if (skip.Contains(Path.GetFullPath(path)) || rel.Split('/').SkipLast(1).Contains("tmp")) continue;
                // The master key under another name (a key file the command was not told about) is left out too.
                if (masterKeyId is not null && IsMasterKeyFile(path, masterKeyId)) continue;
                var target = Path.Combine(outDir, FilesFolder, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(path, target);
                var (sha, size) = await HashAsync(target, ct);
                files.Add(new BackupFile(rel, sha, size));
            }
        var version = await SchemaVersionAsync(db, ct);
        var info = new BackupInfo(db.Dialect, Time.Now(clock), version, file, files.Count, (await HashAsync(Path.Combine(outDir, file), ct)).Sha256, files,
            db is PostgresDatabase scoped ? SchemaOf(scoped.ConnectionString) ?? "" : null);
        await File.WriteAllTextAsync(Path.Combine(outDir, InfoFile), JsonSerializer.Serialize(info, TakedownJson.Options), ct);
        return info;
    }

    /// <summary>
    /// Restores a backup into an empty data directory (SQLite) or the configured PostgreSQL database (replacing
    /// what either holds only with <paramref name="force"/>).
    /// Every file's SHA-256 (and the database's) is checked first; a missing, changed or unlisted file refuses
    /// the whole restore, naming the file, before anything is written. Run with the service stopped.
    /// </summary>
    /// <param name="expectedInfoSha256">The SHA-256 of backup.json noted when the backup was taken (see <see cref="InfoSha256Async"/>); when given, a backup whose manifest differs is refused, so files and manifest rewritten together are caught too.</param>
    public static async Task<Result<BackupInfo>> RestoreAsync(IDatabase db, string dataDir, string fromDir, bool force, CancellationToken ct, string? expectedInfoSha256 = null)
    {
        var infoPath = Path.Combine(fromDir, InfoFile);
        if (!File.Exists(infoPath)) return Error.Invalid("from", $"{fromDir} is not a complete backup ({InfoFile} is missing)");
        if (expectedInfoSha256 is { Length: > 0 } expected && !string.Equals((await HashAsync(infoPath, ct)).Sha256, expected.Trim(), StringComparison.OrdinalIgnoreCase))
            return Error.Invalid("expect-sha256", $"{InfoFile}: SHA-256 is not the one noted when the backup was taken; nothing was restored");
        var info = JsonSerializer.Deserialize<BackupInfo>(await File.ReadAllTextAsync(infoPath, ct), TakedownJson.Options)!;
        if (info.Dialect != db.Dialect) return Error.Invalid("from", $"the backup is of a {info.Dialect} database; the target is {db.Dialect}");
        var checkedFiles = await CheckAsync(info, fromDir, ct);
        if (checkedFiles is not null) return checkedFiles;
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
                // pg_restore puts a schema's dump back into the schema of that name, whatever the target's Search Path says.
                if (info.PostgresSchema is { } dumped && dumped != (SchemaOf(pg.ConnectionString) ?? ""))
                    return Error.Invalid("database", $"the backup is of {(dumped.Length == 0 ? "a whole database" : $"schema {dumped}")}; " +
                        $"the target connection's Search Path must name {(dumped.Length == 0 ? "no schema" : "that schema")}; nothing was restored");
                if (!force && await HoldsDataAsync(pg, ct)) return Error.Conflict("the target database already holds Takedown data; pass --force to replace it");
                var restore = await RunPgAsync("pg_restore", pg.ConnectionString, ["--clean", "--if-exists", "--no-owner", "--single-transaction", Path.Combine(fromDir, info.DatabaseFile)], ct);
                if (restore is not null) return restore;
                break;
        }
        if (info.Files is null)
            CopyTree(Path.Combine(fromDir, "blobs"), Path.Combine(dataDir, "blobs"));
        else
            foreach (var f in info.Files)
            {
                var target = Path.Combine(dataDir, f.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(fromDir, FilesFolder, f.Path), target, overwrite: true);
            }
        return info;
    }

    /// <summary>Null when the database file and every listed file are present with their SHA-256; otherwise the first problem, naming the file.</summary>
    private static async Task<Error?> CheckAsync(BackupInfo info, string fromDir, CancellationToken ct)
    {
        var db = Path.Combine(fromDir, info.DatabaseFile);
        if (!File.Exists(db)) return Error.Invalid("from", $"{info.DatabaseFile} is missing from the backup; nothing was restored");
        if (info.DatabaseSha256 is not null && (await HashAsync(db, ct)).Sha256 != info.DatabaseSha256)
            return Error.Invalid("from", $"{info.DatabaseFile}: SHA-256 does not match the backup's manifest; nothing was restored");
        if (info.Files is null) return null;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in info.Files)
        {
            if (Path.IsPathRooted(f.Path) || f.Path.Split('/', '\\').Contains(".."))
                return Error.Invalid("from", $"{FilesFolder}/{f.Path}: not a path inside the data directory; nothing was restored");
            listed.Add(f.Path);
            var path = Path.Combine(fromDir, FilesFolder, f.Path);
            if (!File.Exists(path)) return Error.Invalid("from", $"{FilesFolder}/{f.Path} is missing from the backup; nothing was restored");
            var (sha, size) = await HashAsync(path, ct);
            if (size != f.Size || sha != f.Sha256)
                return Error.Invalid("from", $"{FilesFolder}/{f.Path}: SHA-256 does not match the backup's manifest; nothing was restored");
        }
        var root = Path.Combine(fromDir, FilesFolder);
        if (Directory.Exists(root))
            foreach (var extra in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                         .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).Where(p => !listed.Contains(p)))
                return Error.Invalid("from", $"{FilesFolder}/{extra} is not listed in the backup's manifest; nothing was restored");
        return null;
    }

    /// <summary>The SHA-256 (hex) of a backup's backup.json, which lists every other file's: the one value to note apart from the backup.</summary>
    public static async Task<string> InfoSha256Async(string backupDir, CancellationToken ct) => (await HashAsync(Path.Combine(backupDir, InfoFile), ct)).Sha256;

    private static async Task<(string Sha256, long Size)> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var hash = await System.Security.Cryptography.SHA256.HashDataAsync(stream, ct);
        return (Convert.ToHexStringLower(hash), stream.Length);
    }

    /// <summary>True when the PostgreSQL database (in its search path) already has Takedown's tables.</summary>
    private static async Task<bool> HoldsDataAsync(PostgresDatabase pg, CancellationToken ct)
    {
        await using var c = await pg.OpenAsync(ct);
        return await c.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_version') IS NOT NULL");
    }

    /// <summary>The id of the master key this database's secrets are sealed with; null before the service first started.</summary>
    private static async Task<string?> MasterKeyIdAsync(IDatabase db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        try { return await c.QuerySingleOrDefaultAsync<string?>("SELECT master_key_id FROM sealed_secrets WHERE name = 'master-key-check'"); }
        catch (System.Data.Common.DbException) { return null; }
    }

    /// <summary>True for a small file holding, as base64, the master key with the given id.</summary>
    private static bool IsMasterKeyFile(string path, string masterKeyId)
    {
        if (new FileInfo(path).Length > 256) return false;
        try
        {
            var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
            return bytes.Length == 32 && new Secrets.MasterKey(bytes).Id == masterKeyId;
        }
        catch (FormatException) { return false; }
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

    /// <summary>The first schema of a connection string's Search Path; null when it names none.</summary>
    private static string? SchemaOf(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).SearchPath is { Length: > 0 } path && path.Split(',')[0].Trim() is { Length: > 0 } first ? first : null;

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
        if (tool == "pg_dump" && SchemaOf(connectionString) is { } schema) psi.ArgumentList.Add("--schema=" + schema);
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
