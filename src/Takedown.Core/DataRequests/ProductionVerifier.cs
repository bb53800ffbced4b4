using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Takedown.Core.Common;

namespace Takedown.Core.DataRequests;

/// <summary>The outcome of checking a production offline: ok, or each problem found (naming the file).</summary>
public sealed record ProductionCheck(bool Ok, IReadOnlyList<string> Problems, int Files);

/// <summary>
/// Checks a downloaded production without the service: the manifest's Ed25519 signature, then every
/// listed file's size and SHA-256, and that no unlisted file was slipped in.
/// </summary>
public static class ProductionVerifier
{
    /// <param name="path">The archive (.zip) or a folder it was unpacked into.</param>
    /// <param name="publicKey">The service's public key (base64); when null, the signing-key.json shipped with the production is used.</param>
    public static ProductionCheck Verify(string path, string? publicKey)
    {
        using var source = Directory.Exists(path) ? (IProductionSource)new FolderSource(path) : new ZipSource(path);
        var problems = new List<string>();
        var manifestBytes = source.Read("manifest.json");
        var signature = source.Read("manifest.sig");
        if (manifestBytes is null) return new(false, ["manifest.json is missing"], 0);
        if (signature is null) return new(false, ["manifest.sig is missing"], 0);
        if (publicKey is null)
        {
            var keyJson = source.Read("signing-key.json");
            if (keyJson is null) return new(false, ["no public key: pass --public-key, or keep signing-key.json in the production"], 0);
            publicKey = JsonSerializer.Deserialize<PublicSigningKey>(keyJson, TakedownJson.Options)?.PublicKey;
        }
        if (publicKey is null || !SigningKeys.Verify(publicKey, manifestBytes, Encoding.UTF8.GetString(signature).Trim()))
            return new(false, ["manifest.json: the signature does not verify (the manifest was changed, or signed by another key)"], 0);
        ProductionManifest manifest;
        try { manifest = JsonSerializer.Deserialize<ProductionManifest>(manifestBytes, TakedownJson.Options)!; }
        catch (JsonException ex) { return new(false, [$"manifest.json: unreadable ({ex.Message})"], 0); }
        foreach (var f in manifest.Files)
        {
            using var stream = source.Open("files/" + f.Name);
            if (stream is null) { problems.Add($"files/{f.Name}: missing"); continue; }
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long size = 0;
            int read;
            while ((read = stream.Read(buffer)) > 0) { sha.AppendData(buffer, 0, read); size += read; }
            if (size != f.Size) problems.Add($"files/{f.Name}: size {size} bytes, manifest says {f.Size}");
            else if (Convert.ToHexStringLower(sha.GetHashAndReset()) != f.Sha256) problems.Add($"files/{f.Name}: SHA-256 does not match the manifest");
        }
        var listed = manifest.Files.Select(f => "files/" + f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in source.List("files/").Where(n => !listed.Contains(n))) problems.Add($"{extra}: not listed in the manifest");
        return new(problems.Count == 0, problems, manifest.Files.Count);
    }

    private interface IProductionSource : IDisposable
    {
        byte[]? Read(string name);
        Stream? Open(string name);
        IEnumerable<string> List(string prefix);
    }

    private sealed class ZipSource(string path) : IProductionSource
    {
        private readonly ZipArchive _zip = ZipFile.OpenRead(path);

        public byte[]? Read(string name)
        {
            using var s = Open(name);
            if (s is null) return null;
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }

        public Stream? Open(string name) => _zip.GetEntry(name)?.Open();

        public IEnumerable<string> List(string prefix) =>
            _zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !n.EndsWith('/'));

        public void Dispose() => _zip.Dispose();
    }

    private sealed class FolderSource(string root) : IProductionSource
    {
        public byte[]? Read(string name) => File.Exists(Path.Combine(root, name)) ? File.ReadAllBytes(Path.Combine(root, name)) : null;

        public Stream? Open(string name) => File.Exists(Path.Combine(root, name)) ? File.OpenRead(Path.Combine(root, name)) : null;

        public IEnumerable<string> List(string prefix)
        {
            var dir = Path.Combine(root, prefix);
            return Directory.Exists(dir)
                ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                : [];
        }

        public void Dispose() { }
    }
}
