using System.Security.Cryptography;
using System.Text;

namespace Takedown.Core.Delivery;

/// <summary>
/// Seals endpoint secrets at rest with AES-256-GCM. The sender needs the secret itself to sign, so it
/// cannot be hashed like an API key; sealing it means a copy of the database alone (a backup, a stolen
/// file) does not reveal it. The key lives in its own file (mode 0600), created on first use.
/// </summary>
public sealed class SecretBox(string keyFile)
{
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreate(keyFile));

    public static string NewSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public string Seal(string secret)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(secret);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(_key.Value, 16)) aes.Encrypt(nonce, plain, cipher, tag);
        return "v1." + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string Open(string sealedSecret)
    {
        if (!sealedSecret.StartsWith("v1.", StringComparison.Ordinal)) throw new CryptographicException("unknown sealed-secret format");
        var all = Convert.FromBase64String(sealedSecret[3..]);
        var plain = new byte[all.Length - 28];
        using (var aes = new AesGcm(_key.Value, 16)) aes.Decrypt(all.AsSpan(0, 12), all.AsSpan(28), all.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        return key;
    }
}
