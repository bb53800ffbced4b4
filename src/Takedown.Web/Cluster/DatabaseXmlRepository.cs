using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Web.Cluster;

/// <summary>
/// The data-protection key ring in the database (table data_protection_keys), so that every node signs
/// and reads the same session cookies and antiforgery tokens, and keys survive a lost data directory.
/// The interface is synchronous; it is called rarely (start-up, key rotation, a key id not yet seen).
/// </summary>
internal sealed class DatabaseXmlRepository(IDatabase db, TimeProvider clock) : IXmlRepository
{
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
}
