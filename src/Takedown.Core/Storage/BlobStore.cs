using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Takedown.Core.Common;

namespace Takedown.Core.Storage;

/// <summary>A file as stored: named by its SHA-256, so the same bytes are kept once and cannot change unnoticed.</summary>
public sealed record StoredBlob(string Sha256, long Size, string ContentType);

/// <summary>
/// Content-addressed files under the data directory (blobs/ab/cd/&lt;sha256&gt;). A file is written to a
/// temporary name, flushed to disk, then moved into place before its row is committed, so a
/// committed row always has its bytes; bytes without a row (a crash in between) are harmless.
/// </summary>
public sealed class BlobStore(string root)
{
    public string Root { get; } = root;

    /// <summary>
    /// Copies <paramref name="content"/> into the store, refusing it past <paramref name="maxBytes"/>, or
    /// when <paramref name="check"/> refuses the type sniffed from its first bytes (nothing is kept then).
    /// </summary>
    public async Task<Result<StoredBlob>> PutAsync(Stream content, long maxBytes, string field, CancellationToken ct, Func<string, Error?>? check = null)
    {
        Directory.CreateDirectory(Path.Combine(Root, "tmp"));
        var temp = Path.Combine(Root, "tmp", Guid.NewGuid().ToString("N"));
        long size = 0;
        var head = new byte[512];
        var headLength = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                        return new Error(ErrorKind.TooLarge, "File too large", $"{field}: a file exceeds {maxBytes} bytes.",
                            new Dictionary<string, string[]> { [field] = [$"must be at most {maxBytes} bytes"] });
                    if (headLength < head.Length)
                    {
                        var n = Math.Min(read, head.Length - headLength);
                        Array.Copy(buffer, 0, head, headLength, n);
                        headLength += n;
                    }
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            if (size == 0) return Error.Invalid(field, "is empty (0 bytes)");
            var type = FileTypes.Sniff(head.AsSpan(0, headLength));
            if (check?.Invoke(type) is { } refused) return refused;
            var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            var path = PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path)) File.Delete(temp);
            else File.Move(temp, path);
            return new StoredBlob(hash, size, type);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Records the blob's row (idempotent) inside the caller's transaction.</summary>
    public static Task RecordAsync(DbConnection c, DbTransaction tx, StoredBlob blob, DateTimeOffset now) =>
        c.ExecuteAsync(
            "INSERT INTO blobs (sha256, size, content_type, created_at) VALUES (@sha, @size, @type, @now) ON CONFLICT (sha256) DO NOTHING",
            new { sha = blob.Sha256, size = blob.Size, type = blob.ContentType, now = Time.Store(now) }, tx);

    /// <summary>Inside the caller's transaction: removes the rows of blobs nothing names any more; their files go after commit (<see cref="Delete"/>).</summary>
    public static Task ForgetAsync(DbConnection c, DbTransaction tx, IEnumerable<string> sha256s) =>
        c.ExecuteAsync($"DELETE FROM blobs WHERE {Sql.In(c, "sha256", "@shas")}", new { shas = sha256s.ToList() }, tx);

    public Stream OpenRead(string sha256) => new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public string PathOf(string sha256) => Path.Combine(Root, sha256[..2], sha256[2..4], sha256);

    /// <summary>Removes a file once no row names it (a purge); a file already gone is not an error.</summary>
    public void Delete(string sha256)
    {
        var path = PathOf(sha256);
        if (File.Exists(path)) File.Delete(path);
    }
}
