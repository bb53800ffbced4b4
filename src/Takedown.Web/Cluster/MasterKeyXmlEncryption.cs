using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Takedown.Core.Secrets;

namespace Takedown.Web.Cluster;

/// <summary>
/// Encrypts the secret part of each data-protection key (what the framework marks requiresEncryption)
/// under the master key before the key ring reaches the database, so a copy of the database or of a
/// backup cannot forge session cookies or antiforgery tokens.
/// </summary>
public sealed class MasterKeyXmlEncryptor(MasterKey master) : IXmlEncryptor
{
    public const string ElementName = "sealedByMasterKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement(ElementName, new XAttribute("masterKeyId", master.Id),
                master.Seal(SealPurposes.DataProtection, plaintextElement.ToString(SaveOptions.DisableFormatting))),
            typeof(MasterKeyXmlDecryptor));
}

/// <summary>Opens what <see cref="MasterKeyXmlEncryptor"/> sealed; the framework makes it by type name, handing it the service provider.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<MasterKey>().OpenString(SealPurposes.DataProtection, encryptedElement.Value));
}
