using System.IO.Compression;
using NSec.Cryptography;
using Takedown.Core.DataRequests;

namespace Takedown.Web.Tests.Secrets;

/// <summary>
/// `takedown admin rotate-signing-key` on a running service, and `takedown verify-production`, which trusts no key
/// unless told which: a production signed before a rotation still verifies after it against the published
/// list, its own retired key pinned by file or fingerprint; another key, an edited file, or no pin at all fail.
/// </summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "takedown-rotation", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private ServiceProcess _service = null!;
    private string Data => Path.Combine(_root, "data");
    private string WellKnown => _service.Url + "/.well-known/takedown-signing-key";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _service = new ServiceProcess(Data, _database.Args);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [Fact]
    public async Task ProductionSignedBeforeARotation_StillVerifiesAfterIt_AndOnlyWithAPinnedKey()
    {
        var boot = await ServiceProcess.RunCliAsync(null, ["admin", "bootstrap", "--data", Data, .. _database.Args]);
        Assert.True(boot.Code == 0, boot.Err);
        await _service.StartAsync();
        var (authority, platform) = await OrganizationsAsync(boot.Out.Trim());
        using var anonymous = new HttpClient();

        var before = JsonNode.Parse(await anonymous.GetStringAsync(WellKnown))!;
        var oldKeyId = before["key_id"]!.GetValue<string>();
        var oldFingerprint = before["fingerprint"]!.GetValue<string>();
        var keptKeyFile = Path.Combine(_root, "signing-key-kept-before-rotation.json");
        await File.WriteAllTextAsync(keptKeyFile, before.ToJsonString());
        var csv = "account_id,ip\n1234567,192.0.2.10\n"u8.ToArray();
        var (firstRequest, first) = await Productions.ProduceAsync(authority, platform, "subscriber.csv", csv);
        Assert.Equal(oldKeyId, first["key_id"]!.GetValue<string>());
        Assert.Equal(oldKeyId, first["manifest"]!["key_id"]!.GetValue<string>());
        var firstZip = await Productions.DownloadAsync(authority, firstRequest, first, _root);

        // Rotated while the service runs: it signs with the new key from its next production on.
        var rotate = await ServiceProcess.RunCliAsync(null, ["admin", "rotate-signing-key", "--data", Data, .. _database.Args]);
        Assert.True(rotate.Code == 0, rotate.Err);
        var newKeyId = rotate.Out.Trim();
        Assert.NotEqual(oldKeyId, newKeyId);
        Assert.Contains($"Retired {oldKeyId}", rotate.Err);

        var after = JsonNode.Parse(await anonymous.GetStringAsync(WellKnown))!;
        Assert.Equal(newKeyId, after["key_id"]!.GetValue<string>());
        var listed = after["keys"]!.AsArray().ToDictionary(k => k!["key_id"]!.GetValue<string>(), k => k!["status"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { [newKeyId] = "current", [oldKeyId] = "retired" }, listed);
        var newFingerprint = after["fingerprint"]!.GetValue<string>();
        Assert.Contains(newFingerprint, rotate.Err);

        var (secondRequest, second) = await Productions.ProduceAsync(authority, platform, "subscriber.csv", csv);
        Assert.Equal(newKeyId, second["manifest"]!["key_id"]!.GetValue<string>());
        var secondZip = await Productions.DownloadAsync(authority, secondRequest, second, _root);
        using (var zip = ZipFile.OpenRead(firstZip))
        using (var shipped = zip.GetEntry("signing-key.json")!.Open())
            Assert.Equal(oldKeyId, JsonNode.Parse(shipped)!["key_id"]!.GetValue<string>());

        // The older production: the published list (URL), the retired key kept from before (file) or its fingerprint.
        foreach (var pin in new[] { new[] { "--key", WellKnown }, ["--key", keptKeyFile], ["--fingerprint", oldFingerprint], ["--fingerprint", "sha256:" + oldFingerprint.ToUpperInvariant()] })
        {
            var ok = await Productions.VerifyAsync([firstZip, .. pin]);
            Assert.True(ok.Code == 0, $"{string.Join(' ', pin)}: {ok.Err}");
            Assert.Contains($"pinned key {oldKeyId}", ok.Out);
        }
        Assert.Equal(0, (await Productions.VerifyAsync(secondZip, "--key", WellKnown)).Code);
        Assert.Equal(0, (await Productions.VerifyAsync(secondZip, "--fingerprint", newFingerprint)).Code);

        // Without a pin: the files are checked, the answer is still a failure.
        var unpinned = await Productions.VerifyAsync(firstZip);
        Assert.Equal(7, unpinned.Code);
        Assert.Contains("signature key not pinned", unpinned.Err);
        Assert.Contains("integrity ok: all 1 file(s) match", unpinned.Out);

        // Keys that did not sign it: a stranger's, the new key for the old production, the old key for the new one.
        var strangerFile = Path.Combine(_root, "stranger.json");
        using (var stranger = Key.Create(SignatureAlgorithm.Ed25519))
            await File.WriteAllTextAsync(strangerFile, new JsonObject
            {
                ["key_id"] = oldKeyId,
                ["public_key"] = Convert.ToBase64String(stranger.PublicKey.Export(KeyBlobFormat.RawPublicKey)),
            }.ToJsonString());
        foreach (var (zip, pin) in new[] { (firstZip, new[] { "--key", strangerFile }), (firstZip, ["--fingerprint", newFingerprint]), (secondZip, ["--key", keptKeyFile]) })
        {
            var refused = await Productions.VerifyAsync([zip, .. pin]);
            Assert.Equal(1, refused.Code);
            Assert.DoesNotContain("ok:", refused.Out);
            Assert.Contains(pin[0] == "--fingerprint" ? "is not the pinned key" : "does not verify with any pinned key", refused.Err);
        }

        // One byte of a file changed in the archive: refused naming the file, pinned or not.
        var edited = Path.Combine(_root, "edited.zip");
        File.Copy(firstZip, edited);
        using (var zip = ZipFile.Open(edited, ZipArchiveMode.Update))
        {
            zip.GetEntry("files/subscriber.csv")!.Delete();
            var changed = (byte[])csv.Clone();
            changed[^2] ^= 0x01;
            await using var s = zip.CreateEntry("files/subscriber.csv").Open();
            await s.WriteAsync(changed);
        }
        foreach (var pin in new[] { new[] { "--key", WellKnown }, [] })
        {
            var bad = await Productions.VerifyAsync([edited, .. pin]);
            Assert.Equal(1, bad.Code);
            Assert.Contains("files/subscriber.csv: SHA-256 does not match the manifest", bad.Err);
        }

        // A key file that is not one is a usage error naming --key, not a crash.
        var junk = Path.Combine(_root, "junk.json");
        await File.WriteAllTextAsync(junk, "{\"keys\": [{\"kid\": 1}]}");
        var unreadable = await Productions.VerifyAsync(firstZip, "--key", junk);
        Assert.Equal(2, unreadable.Code);
        Assert.Contains("--key", unreadable.Err);
    }

    private async Task<(ApiClient Authority, ApiClient Platform)> OrganizationsAsync(string operatorKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(_service.Url) };
        var op = new ApiClient(http, operatorKey, Guid.Empty);
        var a = await op.PostOkAsync("/api/v1/organizations", new { kind = "authority", name = "OCLCTIC", country = "FR" });
        var p = await op.PostOkAsync("/api/v1/organizations", new { kind = "platform", name = "VideoHost", country = "IE" });
        return (new ApiClient(http, a["api_key"]!.GetValue<string>(), Guid.Parse(a["id"]!.GetValue<string>())),
            new ApiClient(http, p["api_key"]!.GetValue<string>(), Guid.Parse(p["id"]!.GetValue<string>())));
    }
}
