using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Web.Cluster;

/// <summary>
/// The data-protection key ring in the database (table data_protection_keys), so that every node signs
/// and reads the same session cookies and antiforgery tokens, and keys survive a lost data directory.
/// The secret of each key is encrypted under the master key (<see cref="MasterKeyXmlEncryptor"/>).
/// The interface is synchronous; it is called rarely (start-up, key rotation, a key id not yet seen).
/// </summary>
internal sealed partial class DatabaseXmlRepository(IDatabase db, TimeProvider clock) : IXmlRepository
{
    private const string DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", DataProtectionNamespace);
    // The framework looks for its encrypted secrets by this namespaced name; an un-namespaced one is never decrypted.
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", DataProtectionNamespace);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return c.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString() : friendlyName;
        var xml = element.ToString(SaveOptions.DisableFormatting);
        var stored = db.WriteAsync<bool>(async (c, tx) =>
        {
            await c.ExecuteAsync(
                "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO UPDATE SET xml = excluded.xml",
                new { name, xml, at = Time.Store(Time.Now(clock)) }, tx);
            return true;
        }, CancellationToken.None).GetAwaiter().GetResult();
        if (!stored.IsSuccess) throw new InvalidOperationException("The data-protection key could not be stored: " + stored.Error?.Detail);
    }

    /// <summary>
    /// Keys stored in clear by versions before the master key: each secret element is replaced, in place,
    /// by its encrypted form, exactly as the framework writes a key made with an encryptor. Runs at start-up.
    /// </summary>
    public void EncryptClearKeys(IXmlEncryptor encryptor, ILogger logger)
    {
        var count = db.WriteAsync<int>(async (c, tx) =>
        {
            if (db.Dialect == "sqlite") await c.ExecuteAsync("PRAGMA secure_delete = ON", transaction: tx);
            var n = 0;
            foreach (var (name, xml) in (await c.QueryAsync<(string name, string xml)>("SELECT name, xml FROM data_protection_keys", transaction: tx)).ToList())
            {
                var root = XElement.Parse(xml);
                var clear = root.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
                if (clear.Count == 0) continue;
                foreach (var element in clear)
                {
                    var info = encryptor.Encrypt(new XElement(element));
                    element.ReplaceWith(new XElement(EncryptedSecret,
                        new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
                }
                await c.ExecuteAsync("UPDATE data_protection_keys SET xml = @xml WHERE name = @name",
                    new { name, xml = root.ToString(SaveOptions.DisableFormatting) }, tx);
                n++;
            }
            return n;
        }, CancellationToken.None).GetAwaiter().GetResult();
        if (count.Value > 0) Sealed(logger, count.Value);
    }

    [LoggerMessage(EventId = 10350, Level = LogLevel.Information, Message = "Encrypted {Count} data-protection key(s) that an older version stored in clear")]
    private static partial void Sealed(ILogger logger, int count);
}
