using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Storage;

namespace Takedown.Core.Secrets;

/// <summary>
/// Brings secrets left by older versions under the master key, once, at start-up: signing keys kept in
/// clear are sealed; webhook secrets sealed with the old webhook-secrets.key are resealed, and that file's
/// key is itself sealed into the database before the file is removed, so nothing is lost.
/// </summary>
public static class SecretsMigration
{
    private const string LegacyKeyName = "legacy-webhook-key";

    public static async Task RunAsync(IDatabase db, MasterKey master, string legacyWebhookKeyFile, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var sealedKeys = await db.WriteAsync<int>(async (c, tx) =>
        {
            await SecureDeleteAsync(db, c, tx);
            var clear = (await c.QueryAsync<(string id, string private_key)>(
                "SELECT id, private_key FROM signing_keys WHERE private_key NOT LIKE 'mk1.%'", transaction: tx)).ToList();
            foreach (var (id, priv) in clear)
                await c.ExecuteAsync("UPDATE signing_keys SET private_key = @s WHERE id = @id",
                    new { id, s = master.Seal(DataRequests.SigningKeys.Purpose(id), Convert.FromBase64String(priv)) }, tx);
            return clear.Count;
        }, ct);
        if (sealedKeys.Value > 0) SecretsLog.SigningKeysSealed(logger, sealedKeys.Value);

        var fileExists = File.Exists(legacyWebhookKeyFile);
        var resealed = await db.WriteAsync<int>(async (c, tx) =>
        {
            await SecureDeleteAsync(db, c, tx);
            var old = (await c.QueryAsync<(string id, string secret_sealed)>(
                "SELECT id, secret_sealed FROM webhook_endpoints WHERE secret_sealed LIKE 'v1.%'", transaction: tx)).ToList();
            byte[]? legacyKey = null;
            if (fileExists) legacyKey = Convert.FromBase64String((await File.ReadAllTextAsync(legacyWebhookKeyFile, ct)).Trim());
            else if (old.Count > 0)
            {
                var stored = await c.QuerySingleOrDefaultAsync<string?>("SELECT sealed FROM sealed_secrets WHERE name = @n", new { n = LegacyKeyName }, tx);
                if (stored is null)
                    throw new MasterKeyException(
                        $"{old.Count} webhook secret(s) are sealed with the old key file {legacyWebhookKeyFile}, which is missing. " +
                        "Put it back (or point Webhooks:SecretKeyFile at it) and start again; it is folded into the master key then.");
                legacyKey = master.Open(SealPurposes.LegacyWebhookKey, stored);
            }
            foreach (var (id, secret) in old)
            {
                string plain;
                try { plain = SecretBox.OpenLegacy(legacyKey!, secret); }
                catch (CryptographicException)
                {
                    throw new MasterKeyException($"The webhook secret of endpoint {id} does not open with the old key file {legacyWebhookKeyFile}: it is not the file this database's secrets were sealed with.");
                }
                await c.ExecuteAsync("UPDATE webhook_endpoints SET secret_sealed = @s WHERE id = @id", new { id, s = master.Seal(SealPurposes.WebhookSecret, plain) }, tx);
            }
            if (fileExists)
                await c.ExecuteAsync(
                    "INSERT INTO sealed_secrets (name, master_key_id, sealed, created_at) VALUES (@n, @k, @s, @at) ON CONFLICT (name) DO NOTHING",
                    new { n = LegacyKeyName, k = master.Id, s = master.Seal(SealPurposes.LegacyWebhookKey, legacyKey!), at = Time.Store(Time.Now(clock)) }, tx);
            return old.Count;
        }, ct);
        if (resealed.Value > 0) SecretsLog.WebhookSecretsResealed(logger, resealed.Value);
        if (fileExists)
        {
            try
            {
                File.Delete(legacyWebhookKeyFile);
                SecretsLog.LegacyKeyFileFolded(logger);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SecretsLog.LegacyKeyFileNotRemoved(logger, ex);
            }
        }
    }

    /// <summary>On SQLite, overwrite what an update frees, so the clear value does not linger in a free page (and so in a backup).</summary>
    internal static async Task SecureDeleteAsync(IDatabase db, System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx)
    {
        if (db.Dialect == "sqlite") await c.ExecuteAsync("PRAGMA secure_delete = ON", transaction: tx);
    }
}
