using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NSec.Cryptography;
using Takedown.Core.DataRequests;
using Takedown.Core.Delivery;
using Takedown.Core.Secrets;
using Takedown.Web.Cluster;

namespace Takedown.Web.Tests.Secrets;

/// <summary>
/// The service's own secrets (the production signing key, the data-protection key ring, webhook secrets) are
/// in the database only sealed under the master key; a start-up with a wrong or missing key stops; what an
/// older version left in clear is sealed at the next start without losing a key.
/// </summary>
public sealed class SecretsAtRestTests
{
    [Fact]
    public async Task SigningKeyAndKeyRing_AreStoredSealed_UnderAMasterKeyFileOnlyItsOwnerCanRead()
    {
        await using var node = await RestartableNode.CreateAsync();
        var app = await node.StartAsync();
        var published = JsonNode.Parse(await node.App!.GetTestClient().GetStringAsync("/.well-known/takedown-signing-key"))!;
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var token = protector.Protect("session");

        Assert.True(File.Exists(node.MasterKeyFile));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(node.MasterKeyFile));
        var master = Productions.ReadMasterKey(node.MasterKeyFile);

        // The signing key: sealed in its row, and what it seals is the private half of the published key.
        var keyId = published["key_id"]!.GetValue<string>();
        var stored = (string)(await node.ScalarAsync($"SELECT private_key FROM signing_keys WHERE id = '{keyId}'"))!;
        Assert.StartsWith(MasterKey.Prefix, stored);
        var privateKey = master.Open(SigningKeys.Purpose(keyId), stored);
        using (var key = Key.Import(SignatureAlgorithm.Ed25519, privateKey, KeyBlobFormat.RawPrivateKey))
            Assert.Equal(published["public_key"]!.GetValue<string>(), Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        // Another key, or the same value moved to another key's row, does not open it.
        Assert.ThrowsAny<CryptographicException>(() => MasterKey.Create().Open(SigningKeys.Purpose(keyId), stored));
        Assert.ThrowsAny<CryptographicException>(() => master.Open(SigningKeys.Purpose("ed25519-other"), stored));

        // The key ring: no <masterKey> element in clear, only what the master key sealed.
        var xml = (string)(await node.ScalarAsync("SELECT xml FROM data_protection_keys"))!;
        Assert.DoesNotContain("<masterKey", xml);
        var sealedSecret = XElement.Parse(xml).Descendants(MasterKeyXmlEncryptor.ElementName).Single();
        Assert.Contains("masterKey", master.OpenString(SealPurposes.DataProtection, sealedSecret.Value));
        Assert.Equal("session", protector.Unprotect(token));

        // The published document keeps its fields for the current key and lists it with its status.
        Assert.Equal(SigningKeys.Fingerprint(published["public_key"]!.GetValue<string>()), published["fingerprint"]!.GetValue<string>());
        var listed = Assert.Single(published["keys"]!.AsArray());
        Assert.Equal("current", listed!["status"]!.GetValue<string>());
        Assert.Equal(keyId, listed["key_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongOrMissingMasterKey_StopsStartUp_WithAClearMessage_AndMakesNoNewKey()
    {
        await using var node = await RestartableNode.CreateAsync();
        await node.StartAsync();
        var keyId = JsonNode.Parse(await node.App!.GetTestClient().GetStringAsync("/.well-known/takedown-signing-key"))!["key_id"]!.GetValue<string>();
        var sealedBefore = await node.ScalarAsync("SELECT private_key FROM signing_keys");
        await node.StopAsync();
        var right = Productions.ReadMasterKey(node.MasterKeyFile);

        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var wrong = await Assert.ThrowsAsync<MasterKeyException>(() => node.StartAsync("--Secrets:MasterKey=" + other));
        Assert.Contains("is not the one this database's secrets are sealed with", wrong.Message);
        Assert.Contains(right.Id, wrong.Message);

        var kept = node.MasterKeyFile + ".elsewhere";
        File.Move(node.MasterKeyFile, kept);
        var missing = await Assert.ThrowsAsync<MasterKeyException>(() => node.StartAsync());
        Assert.Contains("No master key", missing.Message);
        Assert.Contains(right.Id, missing.Message);
        Assert.False(File.Exists(node.MasterKeyFile), "a start-up without its key must not make a new one");

        var absent = await Assert.ThrowsAsync<MasterKeyException>(() => node.StartAsync("--Secrets:MasterKeyFile=" + Path.Combine(node.DataDir, "nope.key")));
        Assert.Contains("does not exist", absent.Message);

        // The key given by file (as a mounted secret) or by value starts it, and nothing was replaced meanwhile.
        var app = await node.StartAsync("--Secrets:MasterKeyFile=" + kept);
        Assert.Equal(sealedBefore, await node.ScalarAsync("SELECT private_key FROM signing_keys"));
        Assert.Equal(1L, Convert.ToInt64(await node.ScalarAsync("SELECT COUNT(*) FROM signing_keys")));
        Assert.Equal(keyId, JsonNode.Parse(await app.GetTestClient().GetStringAsync("/.well-known/takedown-signing-key"))!["key_id"]!.GetValue<string>());
        await node.StopAsync();
        await node.StartAsync("--Secrets:MasterKey=" + File.ReadAllText(kept).Trim());
    }

    [Fact]
    public async Task AnOlderInstallation_ClearSigningKey_OldWebhookKeyFile_ClearKeyRing_IsSealedAtStartUp_WithoutLosingAnything()
    {
        await using var node = await RestartableNode.CreateAsync();
        await node.StartAsync("--Webhooks:AllowedHosts:0=127.0.0.1");
        var op = await node.OperatorAsync();
        var platform = await op.PostOkAsync("/api/v1/organizations", new { kind = "platform", name = "OldPlatform", country = "IE" });
        var platformClient = new ApiClient(node.App!.GetTestClient(), platform["api_key"]!.GetValue<string>(), Guid.Parse(platform["id"]!.GetValue<string>()));
        var hook = await platformClient.PostOkAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "order.created" } });
        var webhookSecret = hook["secret"]!.GetValue<string>();

        // The state an older version left: a clear signing key, a webhook secret sealed with webhook-secrets.key, a clear key ring.
        using var signing = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var clearPrivate = Convert.ToBase64String(signing.Export(KeyBlobFormat.RawPrivateKey));
        var publicKey = Convert.ToBase64String(signing.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        await node.ExecuteAsync("DELETE FROM signing_keys");
        await node.ExecuteAsync("INSERT INTO signing_keys (id, algorithm, private_key, public_key, created_at, status) VALUES ('ed25519-old', 'Ed25519', @p, @q, '2025-01-01T00:00:00.0000000Z', 'current')",
            ("@p", clearPrivate), ("@q", publicKey));
        var legacyKey = RandomNumberGenerator.GetBytes(32);
        var legacyFile = Path.Combine(node.DataDir, "webhook-secrets.key");
        await File.WriteAllTextAsync(legacyFile, Convert.ToBase64String(legacyKey));
        await node.ExecuteAsync("UPDATE webhook_endpoints SET secret_sealed = @s", ("@s", Productions.LegacySeal(legacyKey, webhookSecret)));
        var ringDir = Path.Combine(node.DataDir, "old-ring");
        var oldProvider = DataProtectionProvider.Create(new DirectoryInfo(ringDir), b => b.SetApplicationName("takedown"));
        var oldToken = oldProvider.CreateProtector("session").Protect("signed-in before the upgrade");
        var clearXml = XElement.Load(Directory.GetFiles(ringDir, "key-*.xml").Single());
        Assert.Contains("<masterKey", clearXml.ToString());
        await node.ExecuteAsync("DELETE FROM data_protection_keys");
        await node.ExecuteAsync("INSERT INTO data_protection_keys (name, xml, created_at) VALUES ('old', @x, '2025-01-01T00:00:00.0000000Z')",
            ("@x", clearXml.ToString(SaveOptions.DisableFormatting)));
        Directory.Delete(ringDir, recursive: true);
        await node.StopAsync();

        var app = await node.StartAsync("--Webhooks:AllowedHosts:0=127.0.0.1");
        var master = Productions.ReadMasterKey(node.MasterKeyFile);
        // Signing key: same id, same key, now sealed.
        var stored = (string)(await node.ScalarAsync("SELECT private_key FROM signing_keys WHERE id = 'ed25519-old'"))!;
        Assert.StartsWith(MasterKey.Prefix, stored);
        Assert.Equal(clearPrivate, Convert.ToBase64String(master.Open(SigningKeys.Purpose("ed25519-old"), stored)));
        var published = JsonNode.Parse(await app.GetTestClient().GetStringAsync("/.well-known/takedown-signing-key"))!;
        Assert.Equal("ed25519-old", published["key_id"]!.GetValue<string>());
        Assert.Equal(publicKey, published["public_key"]!.GetValue<string>());
        // Webhook secret: resealed under the master key, the old file folded into the database and gone.
        var sealedSecret = (string)(await node.ScalarAsync("SELECT secret_sealed FROM webhook_endpoints"))!;
        Assert.StartsWith(MasterKey.Prefix, sealedSecret);
        Assert.Equal(webhookSecret, app.Services.GetRequiredService<SecretBox>().Open(sealedSecret));
        Assert.False(File.Exists(legacyFile));
        var folded = (string)(await node.ScalarAsync("SELECT sealed FROM sealed_secrets WHERE name = 'legacy-webhook-key'"))!;
        Assert.Equal(legacyKey, master.Open(SealPurposes.LegacyWebhookKey, folded));
        // Key ring: encrypted in place, and what it protected before still opens.
        var xml = (string)(await node.ScalarAsync("SELECT xml FROM data_protection_keys WHERE name = 'old'"))!;
        Assert.DoesNotContain("<masterKey", xml);
        Assert.Contains(MasterKeyXmlEncryptor.ElementName, xml);
        Assert.Equal("signed-in before the upgrade", app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(oldToken));

        // A second start changes nothing more.
        await node.StopAsync();
        await node.StartAsync("--Webhooks:AllowedHosts:0=127.0.0.1");
        Assert.Equal(stored, await node.ScalarAsync("SELECT private_key FROM signing_keys WHERE id = 'ed25519-old'"));
        Assert.Equal(xml, await node.ScalarAsync("SELECT xml FROM data_protection_keys WHERE name = 'old'"));
    }
}
