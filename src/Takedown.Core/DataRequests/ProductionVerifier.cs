using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Takedown.Core.Common;

namespace Takedown.Core.DataRequests;

/// <summary>
/// The outcome of checking a production offline: ok (files intact and the signature verifies against the
/// key used), each problem found (naming the file), and whether that key was pinned by the caller; a
/// production checked against the key it ships itself proves only integrity, not who signed it.
/// </summary>
public sealed record ProductionCheck(bool Ok, IReadOnlyList<string> Problems, int Files, bool Pinned = false, string? KeyId = null, string? Fingerprint = null);

/// <summary>
/// The keys a verification trusts, from outside the production: public keys (with their ids, from the
/// well-known list or a key file) or the SHA-256 fingerprint of the one key. Empty: nothing is pinned.
/// </summary>
public sealed record TrustedKeys(IReadOnlyList<PublicSigningKey> Keys, string? Fingerprint)
{
    public static readonly TrustedKeys None = new([], null);

    public bool IsPinned => Keys.Count > 0 || Fingerprint is not null;

    /// <summary>Reads a key file or a /.well-known/takedown-signing-key answer: the list of keys, one key as JSON, or a raw base64 key.</summary>
    public static TrustedKeys Parse(string text)
    {
        text = text.Trim();
        if (!text.StartsWith('{')) return new([new PublicSigningKey("", SigningKeys.Algorithm, text)], null);
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        if (node["keys"] is System.Text.Json.Nodes.JsonArray list)
            return new(list.Select(k => KeyOf(k, "keys[]")).ToList(), null);
        return new([KeyOf(node, "the key")], null);
    }

    /// <summary>One key object; a missing or non-string field is a <see cref="JsonException"/> naming it, never a crash.</summary>
    private static PublicSigningKey KeyOf(System.Text.Json.Nodes.JsonNode? node, string where)
    {
        string? Text(string name) =>
            node?[name] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s
            : node?[name] is null ? null
            : throw new JsonException($"{where}: '{name}' is not a string");
        var publicKey = Text("public_key") ?? throw new JsonException($"{where}: 'public_key' is missing");
        return new PublicSigningKey(Text("key_id") ?? "", SigningKeys.Algorithm, publicKey);
    }

    /// <summary>A fingerprint as printed by the service: hex SHA-256, optionally "sha256:"-prefixed or with colons.</summary>
    public static TrustedKeys ForFingerprint(string fingerprint)
    {
        var f = fingerprint.Trim();
        if (f.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) f = f[7..];
        return new([], f.Replace(":", "").ToLowerInvariant());
    }
}

/// <summary>
/// Checks a downloaded production without the service: the manifest's Ed25519 signature, then every
/// listed file's size and SHA-256, and that no unlisted file was slipped in. The signature is checked
/// against pinned keys (chosen by the key id the manifest names) or, when nothing is pinned, against the
/// key shipped in the production, which an attacker who re-signs a production would ship too.
/// </summary>
public static class ProductionVerifier
{
    /// <param name="path">The archive (.zip) or a folder it was unpacked into.</param>
    /// <param name="publicKey">A pinned public key (base64); when null, nothing is pinned and signing-key.json shipped with the production is used.</param>
    public static ProductionCheck Verify(string path, string? publicKey) =>
        Verify(path, publicKey is null ? TrustedKeys.None : new TrustedKeys([new PublicSigningKey("", SigningKeys.Algorithm, publicKey)], null));

    public static ProductionCheck Verify(string path, TrustedKeys trust)
    {
        using var source = Directory.Exists(path) ? (IProductionSource)new FolderSource(path) : new ZipSource(path);
        var problems = new List<string>();
        var manifestBytes = source.Read("manifest.json");
        var signature = source.Read("manifest.sig");
        if (manifestBytes is null) return new(false, ["manifest.json is missing"], 0, trust.IsPinned);
        if (signature is null) return new(false, ["manifest.sig is missing"], 0, trust.IsPinned);
        ProductionManifest manifest;
        try { manifest = JsonSerializer.Deserialize<ProductionManifest>(manifestBytes, TakedownJson.Options)!; }
        catch (JsonException ex) { return new(false, [$"manifest.json: unreadable ({ex.Message})"], 0, trust.IsPinned); }
        var sig = Encoding.UTF8.GetString(signature).Trim();

        PublicSigningKey? shipped = null;
        if (source.Read("signing-key.json") is { } keyJson)
        {
            try { shipped = JsonSerializer.Deserialize<PublicSigningKey>(keyJson, TakedownJson.Options); }
            catch (JsonException) { }
        }
        // The keys to try: the pinned ones (the one the manifest names first), or the shipped one when that matches the pinned fingerprint or nothing is pinned.
        IEnumerable<PublicSigningKey> candidates;
        if (trust.Keys.Count > 0)
            candidates = trust.Keys.OrderBy(k => manifest.KeyId is not null && k.KeyId == manifest.KeyId ? 0 : 1);
        else if (shipped is null)
            return new(false, ["no public key: signing-key.json is missing from the production; pass --key"], 0, trust.IsPinned);
        else if (trust.Fingerprint is not null && !FingerprintMatches(shipped.PublicKey, trust.Fingerprint))
            return new(false, [$"signing-key.json: the production's key (fingerprint {SafeFingerprint(shipped.PublicKey)}) is not the pinned key {trust.Fingerprint}"], 0, true);
        else
            candidates = [shipped];
        var used = candidates.FirstOrDefault(k => SigningKeys.Verify(k.PublicKey, manifestBytes, sig));
        if (used is null)
            return new(false, [trust.Keys.Count > 0
                ? $"manifest.json: the signature does not verify with any pinned key{(manifest.KeyId is null ? "" : $" (the manifest names key {manifest.KeyId})")}: the manifest was changed, or signed by another key"
                : "manifest.json: the signature does not verify (the manifest was changed, or signed by another key)"], 0, trust.IsPinned);
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
        return new(problems.Count == 0, problems, manifest.Files.Count, trust.IsPinned, manifest.KeyId ?? (used.KeyId is { Length: > 0 } k ? k : null), SafeFingerprint(used.PublicKey));
    }

    private static bool FingerprintMatches(string publicKey, string fingerprint) =>
        SafeFingerprint(publicKey) is { } f && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(f), Encoding.ASCII.GetBytes(fingerprint));

    private static string? SafeFingerprint(string publicKey)
    {
        try { return SigningKeys.Fingerprint(publicKey); }
        catch (FormatException) { return null; }
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
