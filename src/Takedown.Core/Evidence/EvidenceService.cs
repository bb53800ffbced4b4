using System.Data.Common;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Evidence;

/// <summary>Where evidence files are kept and how large one may be.</summary>
public sealed class EvidenceOptions
{
    /// <summary>The folder holding evidence/ab/cd/&lt;sha256&gt; (default ./data/evidence).</summary>
    public string Directory { get; set; } = "./data/evidence";

    /// <summary>The largest file accepted (default 20 MiB: a full-page screenshot or an archived page as PDF).</summary>
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;
}

public sealed record EvidenceView(Guid Id, Guid OrderId, Guid ItemId, string Sha256, string MediaType, long Size, string? FileName, DateTimeOffset CreatedAt);

/// <summary>An evidence file opened for reading; the caller disposes the stream.</summary>
public sealed record EvidenceContent(EvidenceView Evidence, Stream Content);

/// <summary>
/// Evidence attached by the issuing authority to an item: screenshots and archived pages. The type is
/// decided from the bytes, never from the name or the declared type; the bytes are stored once by
/// their SHA-256; the row and its audit event commit together; every read is itself audited.
/// </summary>
public sealed class EvidenceService(IDatabase db, TimeProvider clock, EvidenceOptions options)
{
    private sealed record Row(string id, string order_id, string item_id, string sha256, string media_type, long size, string? file_name, string created_at);

    private const string Columns = "id, order_id, item_id, sha256, media_type, size, file_name, created_at";

    /// <summary>The types evidence may be, decided from the bytes (<see cref="FileTypes.Sniff"/>).</summary>
    private static readonly HashSet<string> Accepted = [FileTypes.Png, FileTypes.Jpeg, FileTypes.Gif, FileTypes.Webp, FileTypes.Pdf];

    private readonly BlobStore _files = new(Path.GetFullPath(options.Directory));

    public async Task<Result<EvidenceView>> AddAsync(Caller caller, Guid orderId, Guid itemId, string? fileName, Stream content, CancellationToken ct)
    {
        var allowed = await CheckIssuerAsync(caller, orderId, itemId, ct);
        if (allowed is not null) return allowed;
        if (fileName is not null)
        {
            fileName = Path.GetFileName(fileName.Trim());
            if (fileName.Length > 200) fileName = fileName[^200..];
            if (fileName.Length == 0) fileName = null;
        }

        // Streamed into the content-addressed store while hashing, so a large upload never sits in memory.
        var stored = await _files.PutAsync(content, options.MaxBytes, "file", ct, type => Accepted.Contains(type) ? null
            : Error.Invalid("file", "must be an image (PNG, JPEG, GIF, WebP) or a PDF; its content is neither"));
        if (!stored.IsSuccess) return stored.Error!.Kind == ErrorKind.TooLarge ? TooLarge() : stored.Error!;
        var (sha, size, mediaType) = (stored.Value.Sha256, stored.Value.Size, stored.Value.ContentType);

        return await db.WriteAsync<EvidenceView>(async (c, tx) =>
        {
            var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
            if (order is null) return Error.NotFound("order");
            var now = Time.Now(clock);
            var view = new EvidenceView(Guid.CreateVersion7(), orderId, itemId, sha, mediaType, size, fileName, now);
            await c.ExecuteAsync(
                $"INSERT INTO evidence ({Columns}, created_by) VALUES (@id, @order, @item, @sha, @type, @size, @name, @now, @by)",
                new { id = view.Id.ToString(), order = orderId.ToString(), item = itemId.ToString(), sha, type = mediaType, size, name = fileName, now = Time.Store(now), by = caller.KeyId.ToString() }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "evidence.added", orderId: orderId, itemId: itemId, subjectId: view.Id,
                data: new { sha256 = sha, media_type = mediaType, size });
            return view;
        }, ct);
    }

    /// <summary>The evidence of an order, for its authority and its platform; 404 for everyone else.</summary>
    public async Task<Result<IReadOnlyList<EvidenceView>>> ListAsync(Caller caller, Guid orderId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await OrderStore.FindVisibleAsync(c, null, orderId, caller.OrganizationId) is null) return Error.NotFound("order");
        var rows = await c.QueryAsync<Row>($"SELECT {Columns} FROM evidence WHERE order_id = @order ORDER BY id", new { order = orderId.ToString() });
        return rows.Select(ToView).ToList();
    }

    /// <summary>Opens one file; the read is written to the audit log before a byte is returned.</summary>
    public async Task<Result<EvidenceContent>> OpenAsync(Caller caller, Guid orderId, Guid itemId, Guid evidenceId, CancellationToken ct)
    {
        var found = await db.WriteAsync<EvidenceView>(async (c, tx) =>
        {
            if (await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId) is null) return Error.NotFound("order");
            var row = await c.QuerySingleOrDefaultAsync<Row>(
                $"SELECT {Columns} FROM evidence WHERE id = @id AND order_id = @order AND item_id = @item",
                new { id = evidenceId.ToString(), order = orderId.ToString(), item = itemId.ToString() }, tx);
            if (row is null) return Error.NotFound("evidence");
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), caller, "evidence.read", orderId: orderId, itemId: itemId, subjectId: evidenceId);
            return ToView(row);
        }, ct);
        if (!found.IsSuccess) return found.Error!;
        var path = PathOf(found.Value.Sha256);
        if (!File.Exists(path)) return new Error(ErrorKind.Unavailable, "Evidence file missing", "The stored file for this evidence is missing; tell the operator.");
        return new EvidenceContent(found.Value, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous));
    }

    private async Task<Error?> CheckIssuerAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var order = await OrderStore.FindVisibleAsync(c, null, orderId, caller.OrganizationId);
        if (order is null) return Error.NotFound("order");
        if (order.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the issuing authority attaches evidence.");
        var item = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM order_items WHERE id = @id AND order_id = @order",
            new { id = itemId.ToString(), order = order.id });
        return item == 0 ? Error.NotFound("item") : null;
    }

    internal string PathOf(string sha) => _files.PathOf(sha);

    /// <summary>Removes a stored file that no evidence row names any longer (the preservation purge).</summary>
    internal void DeleteFile(string sha) => _files.Delete(sha);

    /// <summary>Inside the caller's transaction: removes the item's evidence rows and returns them; the files go after commit (<see cref="DeleteFile"/>), once no row names them.</summary>
    internal static async Task<List<(string id, string sha256)>> DeleteRowsOfItemAsync(DbConnection c, DbTransaction tx, string itemId)
    {
        var files = (await c.QueryAsync<(string id, string sha256)>("SELECT id, sha256 FROM evidence WHERE item_id = @id ORDER BY id", new { id = itemId }, tx)).ToList();
        await c.ExecuteAsync("DELETE FROM evidence WHERE item_id = @id", new { id = itemId }, tx);
        return files;
    }

    private Error TooLarge() => new(ErrorKind.TooLarge, "File too large", $"Evidence files are at most {options.MaxBytes} bytes.",
        new Dictionary<string, string[]> { ["file"] = [$"must be at most {options.MaxBytes} bytes"] });

    private static EvidenceView ToView(Row r) => new(Guid.Parse(r.id), Guid.Parse(r.order_id), Guid.Parse(r.item_id), r.sha256, r.media_type, r.size, r.file_name, Time.Load(r.created_at));
}
