using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Takedown.Core.DataRequests;
using Takedown.Web.Demo;
using Takedown.Web.Tests.Secrets;

namespace Takedown.Web.Tests.Operations;

/// <summary>
/// `admin backup` holds no secret in clear, in any form, not even the master key kept under another name;
/// `admin restore` into an empty directory gives back every stored file byte for byte, and refuses a backup
/// with one changed or missing file, naming it, before writing anything.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_OfAServerWithEverySecret_HoldsNoneInClear_InAnyEncoding()
    {
        await using var node = await RestartableNode.CreateAsync();
        var backup = node.DataDir + "-backup";
        try
        {
            // The master key mounted from a file of its own name inside the data directory, which the backup is not told about.
            await node.StartAsync();
            await node.StopAsync();
            var mounted = Path.Combine(node.DataDir, "conf", "mounted.key");
            Directory.CreateDirectory(Path.GetDirectoryName(mounted)!);
            File.Move(node.MasterKeyFile, mounted);
            var app = await node.StartAsync("--Secrets:MasterKeyFile=" + mounted, "--Webhooks:AllowedHosts:0=127.0.0.1");
            var http = app.GetTestClient();
            var op = await node.OperatorAsync();
            var platform = await op.PostOkAsync("/api/v1/organizations", new { kind = "platform", name = "SecretsPlatform", country = "IE" });
            var platformKey = platform["api_key"]!.GetValue<string>();
            var client = new ApiClient(http, platformKey, Guid.Parse(platform["id"]!.GetValue<string>()));

            var secrets = new List<(string Name, byte[] Bytes)>();
            // Webhook secrets: two endpoints, one of them rotated (the secret it had before as well).
            var first = await client.PostOkAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/first", events = new[] { "order.created" } });
            var second = await client.PostOkAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/second-endpoint", events = new[] { "order.created" } });
            var rotated = await client.PostOkAsync($"/api/v1/webhooks/{second["id"]}/rotate-secret");
            foreach (var (name, hook) in new[] { ("webhook secret 1", first), ("webhook secret 2 (rotated away)", second), ("webhook secret 2", rotated) })
            {
                var secret = hook["secret"]!.GetValue<string>();
                secrets.Add((name, Encoding.UTF8.GetBytes(secret)));
                secrets.Add((name + " (decoded)", Base64Url(secret["whsec_".Length..])));
            }
            // API keys are kept as hashes only.
            secrets.Add(("operator API key", Encoding.UTF8.GetBytes(op.Key)));
            secrets.Add(("platform API key", Encoding.UTF8.GetBytes(platformKey)));

            // Signing keys: the first one, retired by a rotation, and the current one.
            var publicKey = JsonNode.Parse(await http.GetStringAsync("/.well-known/takedown-signing-key"))!["public_key"]!.GetValue<string>();
            var rotate = await ServiceProcess.RunCliAsync(new Dictionary<string, string> { ["TAKEDOWN_Secrets__MasterKeyFile"] = mounted },
                ["admin", "rotate-signing-key", "--data", node.DataDir, .. node.Database.Args]);
            Assert.True(rotate.Code == 0, rotate.Err);
            var master = Productions.ReadMasterKey(mounted);
            foreach (var id in JsonNode.Parse(await http.GetStringAsync("/.well-known/takedown-signing-key"))!["keys"]!.AsArray().Select(k => k!["key_id"]!.GetValue<string>()))
            {
                var sealedKey = (string)(await node.ScalarAsync($"SELECT private_key FROM signing_keys WHERE id = '{id}'"))!;
                secrets.Add(($"signing key {id} (private)", master.Open(SigningKeys.Purpose(id), sealedKey)));
            }
            Assert.Equal(2, secrets.Count(s => s.Name.StartsWith("signing key", StringComparison.Ordinal)));

            // The data-protection key ring (sessions, antiforgery): the master secret of each key, read from the framework itself.
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect("x");
            var ring = app.Services.GetRequiredService<IKeyManager>().GetAllKeys();
            Assert.NotEmpty(ring);
            foreach (var key in ring)
            {
                var descriptor = key.Descriptor.ExportToXml().SerializedDescriptorElement;
                var value = descriptor.Descendants().Single(e => e.Name.LocalName == "masterKey").Elements().Single(e => e.Name.LocalName == "value").Value;
                secrets.Add(($"data-protection key {key.KeyId}", Convert.FromBase64String(value)));
            }
            secrets.Add(("master key", Convert.FromBase64String(File.ReadAllText(mounted).Trim())));

            // The service keeps running: the backup is online.
            var made = await ServiceProcess.RunCliAsync(null, ["admin", "backup", "--data", node.DataDir, "--out", backup, .. node.Database.Args]);
            Assert.True(made.Code == 0, made.Err);
            Assert.Contains("master key is NOT in this backup", made.Err);

            var contents = await BackupContentsAsync(backup);
            Assert.Contains(contents.Keys, f => f.EndsWith(".db", StringComparison.Ordinal) || f.EndsWith(".pgdump (as SQL)", StringComparison.Ordinal));
            Assert.DoesNotContain(contents.Keys, f => f.EndsWith("mounted.key", StringComparison.Ordinal) || f.EndsWith("master.key", StringComparison.Ordinal));
            // The search finds what is there: the public key, and an endpoint's URL, are in the backup as stored.
            Assert.Contains(contents, f => Contains(f.Value, Encoding.UTF8.GetBytes(publicKey)));
            Assert.Contains(contents, f => Contains(f.Value, "http://127.0.0.1:9/second-endpoint"u8.ToArray()));
            foreach (var (name, bytes) in secrets)
                foreach (var (form, encoded) in Forms(bytes))
                    foreach (var (file, data) in contents)
                        Assert.False(Contains(data, encoded), $"{name} is in the backup in clear ({form}) in {file}");
        }
        finally
        {
            try { Directory.Delete(backup, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Restore_IntoAnEmptyDirectory_ServesEveryFileByteForByte_AndATamperedBackupIsRefusedBeforeAnythingIsWritten()
    {
        await using var node = await RestartableNode.CreateAsync();
        var root = node.DataDir + "-restore";
        var service = new ServiceProcess(Path.Combine(root, "restored"), node.Database.Args);
        try
        {
            var app = await node.StartAsync();
            var op = await node.OperatorAsync();
            var authority = await OrganizationAsync(op, "authority", "Restored authority");
            var platform = await OrganizationAsync(op, "platform", "Restored platform");
            var order = await authority.IssueOrderAsync(platform.Id, "https://video.example/a", "https://video.example/b");
            var uploaded = new List<(string Path, byte[] Bytes)>();
            var files = new[] { SyntheticImage.Png(seed: 11), SyntheticImage.Png(width: 200, height: 120, seed: 12), "%PDF-1.4\n% synthetic capture\n%%EOF\n"u8.ToArray() };
            for (var i = 0; i < files.Length; i++)
            {
                var itemPath = $"/api/v1/orders/{order["id"]}/items/{order["items"]![i % 2]!["id"]}/evidence";
                var evidence = await ApiClient.ReadOkAsync(await authority.UploadAsync(itemPath, "file", ($"capture-{i}", files[i])));
                uploaded.Add(($"{itemPath}/{evidence["id"]}", files[i]));
            }
            var request = await authority.PostOkAsync("/api/v1/data-requests", Productions.RequestBody(platform.Id));
            var instrument = "%PDF-1.4\n% synthetic legal instrument\n%%EOF\n"u8.ToArray();
            await ApiClient.ReadOkAsync(await authority.UploadAsync($"/api/v1/data-requests/{request["id"]}/attachments", "file", ("order.pdf", instrument)));
            var produced = new Dictionary<string, byte[]> { ["subscriber.csv"] = "account_id,ip\n1,192.0.2.1\n"u8.ToArray(), ["logins.bin"] = RandomNumberGenerator.GetBytes(5000) };
            var production = await ApiClient.ReadOkAsync(await platform.UploadAsync($"/api/v1/data-requests/{request["id"]}/productions", "files",
                [.. produced.Select(p => (p.Key, p.Value))]));
            await node.StopAsync();

            var backup = Path.Combine(root, "backup");
            var made = await ServiceProcess.RunCliAsync(null, ["admin", "backup", "--data", node.DataDir, "--out", backup, .. node.Database.Args]);
            Assert.True(made.Code == 0, made.Err);
            var manifestSha = made.Err.Split('\n').Single(l => l.StartsWith("SHA-256 of backup.json", StringComparison.Ordinal)).Split(' ')[^1].Trim();
            var listed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "backup.json")))!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
            Assert.Equal(3, listed.Count(p => p.StartsWith("evidence/", StringComparison.Ordinal)));
            Assert.Equal(3, listed.Count(p => p.StartsWith("blobs/", StringComparison.Ordinal)));

            // Everything is lost: the data directory, and on PostgreSQL the schema itself.
            await DropDatabaseAsync(node.Database);
            var target = service.DataDir;

            // A tampered backup: one byte of a stored file, a stored file gone, the database changed, or the whole manifest rewritten.
            var evidenceFile = listed.First(p => p.StartsWith("evidence/", StringComparison.Ordinal));
            var blobFile = listed.First(p => p.StartsWith("blobs/", StringComparison.Ordinal));
            var databaseFile = node.Database.ConnectionString is null ? "takedown.db" : "takedown.pgdump";
            var tampers = new (string Name, Action<string> Tamper, string Expected)[]
            {
                ("byte", dir => FlipByte(Path.Combine(dir, "files", evidenceFile)), $"files/{evidenceFile}: SHA-256 does not match the backup's manifest"),
                ("missing", dir => File.Delete(Path.Combine(dir, "files", blobFile)), $"files/{blobFile} is missing from the backup"),
                ("database", dir => FlipByte(Path.Combine(dir, databaseFile)), $"{databaseFile}: SHA-256 does not match"),
                ("extra", dir => File.WriteAllText(Path.Combine(dir, "files", "evidence", "slipped-in"), "x"), "files/evidence/slipped-in is not listed"),
            };
            foreach (var (name, tamper, expected) in tampers)
            {
                var copy = Path.Combine(root, "tampered-" + name);
                CopyTree(backup, copy);
                tamper(copy);
                var refused = await ServiceProcess.RunCliAsync(null, ["admin", "restore", "--data", target, "--from", copy, .. node.Database.Args]);
                Assert.True(refused.Code == 1, $"{name}: {refused.Code} {refused.Err}");
                Assert.Contains(expected, refused.Err);
                Assert.Contains("nothing was restored", refused.Err);
                Assert.False(HasFiles(target), $"{name}: files were written");
                Assert.False(await SchemaExistsAsync(node.Database), $"{name}: the database was written");
            }
            if (node.Database.ConnectionString is { } cs)
            {
                // pg_restore would put the dump back into its own schema whatever the target names: a target naming another schema is refused.
                var elsewhere = new NpgsqlConnectionStringBuilder(cs) { SearchPath = "td_elsewhere" }.ConnectionString;
                var wrongSchema = await ServiceProcess.RunCliAsync(null, "admin", "restore", "--data", target, "--from", backup, "--database", elsewhere);
                Assert.True(wrongSchema.Code == 1, wrongSchema.Err);
                Assert.Contains($"the backup is of schema {new NpgsqlConnectionStringBuilder(cs).SearchPath}", wrongSchema.Err);
                Assert.False(HasFiles(target));
            }
            // The manifest rewritten to match a changed file passes the sums, but not the manifest's SHA-256 noted apart.
            var rewritten = Path.Combine(root, "tampered-manifest");
            CopyTree(backup, rewritten);
            var info = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(rewritten, "backup.json")))!;
            FlipByte(Path.Combine(rewritten, "files", evidenceFile));
            var entry = info["files"]!.AsArray().Single(f => f!["path"]!.GetValue<string>() == evidenceFile)!;
            entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(rewritten, "files", evidenceFile))));
            await File.WriteAllTextAsync(Path.Combine(rewritten, "backup.json"), info.ToJsonString());
            var forged = await ServiceProcess.RunCliAsync(null, ["admin", "restore", "--data", target, "--from", rewritten, "--expect-sha256", manifestSha, .. node.Database.Args]);
            Assert.True(forged.Code == 1, forged.Err);
            Assert.Contains("backup.json: SHA-256 is not the one noted", forged.Err);
            Assert.False(HasFiles(target));

            // The real backup, into the empty directory; the operator brings the master key back from where it is kept.
            var restored = await ServiceProcess.RunCliAsync(null, ["admin", "restore", "--data", target, "--from", backup, "--expect-sha256", manifestSha, .. node.Database.Args]);
            Assert.True(restored.Code == 0, restored.Err);
            Assert.Contains("6 file(s), every SHA-256 checked", restored.Err);
            File.Copy(node.MasterKeyFile, Path.Combine(target, "master.key"));
            // The data was made on the test clock (months ago for the real one): keep the production past its retention.
            service.Environment["TAKEDOWN_DataRequests__ProductionRetentionMonths"] = "120";
            await service.StartAsync();

            using var http = new HttpClient { BaseAddress = new Uri(service.Url) };
            var asAuthority = new ApiClient(http, authority.Key, authority.Id);
            foreach (var (path, bytes) in uploaded)
            {
                var read = await asAuthority.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal(bytes, await read.Content.ReadAsByteArrayAsync());
            }
            var archive = await asAuthority.GetAsync($"/api/v1/data-requests/{request["id"]}/productions/{production["id"]}/archive");
            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
            var zipPath = Path.Combine(root, "production.zip");
            await File.WriteAllBytesAsync(zipPath, await archive.Content.ReadAsByteArrayAsync());
            using (var zip = ZipFile.OpenRead(zipPath))
                foreach (var (name, bytes) in produced)
                {
                    using var s = zip.GetEntry("files/" + name)!.Open();
                    using var m = new MemoryStream();
                    await s.CopyToAsync(m);
                    Assert.Equal(bytes, m.ToArray());
                }
            var verified = await Productions.VerifyAsync(zipPath, "--key", service.Url + "/.well-known/takedown-signing-key");
            Assert.True(verified.Code == 0, verified.Err);
            // The legal instrument has no download route: it is where its row says, with its SHA-256.
            var attachment = (await asAuthority.GetOkAsync($"/api/v1/data-requests/{request["id"]}"))["attachments"]![0]!;
            var sha = attachment["sha256"]!.GetValue<string>();
            Assert.Equal(instrument, await File.ReadAllBytesAsync(Path.Combine(target, "blobs", sha[..2], sha[2..4], sha)));

            // A stored file lost after all (a restore without it, a disk): the archive names it instead of failing half-way.
            var lostSha = Convert.ToHexStringLower(SHA256.HashData(produced["logins.bin"]));
            File.Delete(Path.Combine(target, "blobs", lostSha[..2], lostSha[2..4], lostSha));
            var lost = await asAuthority.GetAsync($"/api/v1/data-requests/{request["id"]}/productions/{production["id"]}/archive");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
            Assert.Contains("logins.bin", await lost.Content.ReadAsStringAsync());
        }
        finally
        {
            await service.DisposeAsync();
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }

    private static async Task<ApiClient> OrganizationAsync(ApiClient op, string kind, string name)
    {
        var org = await op.PostOkAsync("/api/v1/organizations", new { kind, name, country = kind == "platform" ? "IE" : "FR" });
        return new ApiClient(op.Http, org["api_key"]!.GetValue<string>(), Guid.Parse(org["id"]!.GetValue<string>()));
    }

    /// <summary>Every file of the backup, and for a PostgreSQL dump (compressed) also the SQL it restores, which is what its bytes mean.</summary>
    private static async Task<Dictionary<string, byte[]>> BackupContentsAsync(string backup)
    {
        var contents = new Dictionary<string, byte[]>();
        foreach (var file in Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories))
        {
            contents[Path.GetRelativePath(backup, file)] = await File.ReadAllBytesAsync(file);
            if (!file.EndsWith(".pgdump", StringComparison.Ordinal)) continue;
            var psi = new System.Diagnostics.ProcessStartInfo("pg_restore") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("--file=-");
            psi.ArgumentList.Add(file);
            using var p = System.Diagnostics.Process.Start(psi)!;
            using var m = new MemoryStream();
            await p.StandardOutput.BaseStream.CopyToAsync(m);
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
            contents[Path.GetRelativePath(backup, file) + " (as SQL)"] = m.ToArray();
        }
        return contents;
    }

    /// <summary>A secret as raw bytes and in each text form it could be written in.</summary>
    private static IEnumerable<(string Form, byte[] Bytes)> Forms(byte[] secret)
    {
        var base64 = Convert.ToBase64String(secret);
        yield return ("raw", secret);
        yield return ("base64", Encoding.ASCII.GetBytes(base64.TrimEnd('=')));
        yield return ("base64url", Encoding.ASCII.GetBytes(base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')));
        yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret)));
        yield return ("HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(secret)));
        yield return ("UTF-16", Encoding.Unicode.GetBytes(base64.TrimEnd('=')));
    }

    private static bool HasFiles(string dir) => Directory.Exists(dir) && Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Any();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static void FlipByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Loses the data: on PostgreSQL the schema and everything in it (the data directory is never reused).</summary>
    private static async Task DropDatabaseAsync(TestDatabase database)
    {
        if (database.ConnectionString is null) return;
        await using var c = new NpgsqlConnection(database.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA {new NpgsqlConnectionStringBuilder(database.ConnectionString).SearchPath} CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<bool> SchemaExistsAsync(TestDatabase database)
    {
        if (database.ConnectionString is null) return false;
        await using var c = new NpgsqlConnection(database.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = @s", c);
        cmd.Parameters.AddWithValue("s", new NpgsqlConnectionStringBuilder(database.ConnectionString).SearchPath!);
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }
}
