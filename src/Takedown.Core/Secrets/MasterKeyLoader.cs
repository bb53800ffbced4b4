using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Secrets;

/// <summary>
/// Finds the master key at start-up and proves it is the one this database's secrets were sealed with
/// (a sealed check value in sealed_secrets). A wrong or missing key stops start-up with a message saying
/// which key was expected; it never makes a fresh key for a database that already holds sealed secrets.
/// </summary>
public static class MasterKeyLoader
{
    private const string CheckName = "master-key-check";

    public static async Task<MasterKey> LoadAsync(IDatabase db, SecretsOptions options, string dataDir, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        string? expected;
        await using (var c = await db.OpenAsync(ct))
            expected = await c.QuerySingleOrDefaultAsync<string?>("SELECT master_key_id FROM sealed_secrets WHERE name = @n", new { n = CheckName });
        var (key, source) = Find(options, dataDir, expected, logger);
        var checkedOk = await db.WriteAsync<string>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<(string master_key_id, string @sealed)?>(
                "SELECT master_key_id, sealed FROM sealed_secrets WHERE name = @n", new { n = CheckName }, tx);
            if (row is null)
            {
                // Another node may insert at the same moment: keep whichever came first and check against it.
                await c.ExecuteAsync("INSERT INTO sealed_secrets (name, master_key_id, sealed, created_at) VALUES (@n, @id, @s, @at) ON CONFLICT (name) DO NOTHING",
                    new { n = CheckName, id = key.Id, s = key.Seal(SealPurposes.Check, key.Id), at = Time.Store(Time.Now(clock)) }, tx);
                row = await c.QuerySingleAsync<(string, string)>("SELECT master_key_id, sealed FROM sealed_secrets WHERE name = @n", new { n = CheckName }, tx);
            }
            try
            {
                return key.OpenString(SealPurposes.Check, row.Value.@sealed) == key.Id ? "" : row.Value.master_key_id;
            }
            catch (CryptographicException)
            {
                return row.Value.master_key_id;
            }
        }, ct);
        if (checkedOk.Value is { Length: > 0 } other)
            throw new MasterKeyException(
                $"The master key from {source} (id {key.Id}) is not the one this database's secrets are sealed with (id {other}). " +
                "Give this node the master key the database was first started with (TAKEDOWN_MASTER_KEY, Secrets:MasterKeyFile, or master.key in the data directory); " +
                "every node of one database needs the same key. Start-up stopped: no secret was read or made.");
        return key;
    }

    /// <summary>The key from configuration, a given file, or the data directory's master.key (made only for a database with no sealed secrets yet).</summary>
    private static (MasterKey Key, string Source) Find(SecretsOptions options, string dataDir, string? expected, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey)) return (Parse(options.MasterKey, "TAKEDOWN_MASTER_KEY"), "TAKEDOWN_MASTER_KEY");
        if (!string.IsNullOrWhiteSpace(options.MasterKeyFile))
        {
            if (!File.Exists(options.MasterKeyFile))
                throw new MasterKeyException($"Secrets:MasterKeyFile names {options.MasterKeyFile}, which does not exist. Start-up stopped: no secret was read or made.");
            return (Parse(File.ReadAllText(options.MasterKeyFile), options.MasterKeyFile), options.MasterKeyFile);
        }
        var path = Path.Combine(dataDir, SecretsOptions.DefaultFileName);
        if (File.Exists(path)) return (Parse(File.ReadAllText(path), path), path);
        if (expected is not null)
            throw new MasterKeyException(
                $"No master key: {path} does not exist, TAKEDOWN_MASTER_KEY and Secrets:MasterKeyFile are not set, and this database's secrets are sealed with master key {expected}. " +
                "Put that key back (restore it from where you keep it apart from the backups). Start-up stopped: no new key was made.");
        var key = MasterKey.Create();
        WriteNew(path, key);
        SecretsLog.MasterKeyCreated(logger, key.Id);
        return (key, path);
    }

    public static MasterKey Parse(string base64, string source)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { throw new MasterKeyException($"The master key from {source} is not base64."); }
        if (bytes.Length != 32) throw new MasterKeyException($"The master key from {source} is {bytes.Length} bytes; it must be 32 (256 bits, base64-encoded).");
        return new MasterKey(bytes);
    }

    /// <summary>Writes a new key file (mode 0600); refuses to overwrite one.</summary>
    public static void WriteNew(string path, MasterKey key)
    {
        var base64 = key.ExportBase64();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(base64);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
