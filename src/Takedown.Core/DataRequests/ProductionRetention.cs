using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.DataRequests;

public sealed record DataRequestHoldRequest(string? Reason);

public sealed record DataRequestHoldView(Guid DataRequestId, string? LegalHold, IReadOnlyList<ProductionRetentionView> Productions);

public sealed record ProductionRetentionView(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset RetainUntil, DateTimeOffset? PurgedAt);

/// <summary>What one production sweep did: productions purged, files deleted, productions past retention kept by a legal hold.</summary>
public sealed record ProductionSweep(int Purged, int FilesDeleted, int Held);

/// <summary>
/// How long Takedown keeps the files of a production (<see cref="DataRequestOptions.ProductionRetentionMonths"/> after it was
/// produced, 6 by default), the requesting authority's legal hold on a data request, and the purge of productions whose
/// retention has passed: their file rows go in one transaction (one audit event per production), then each blob no
/// other row still names is deleted. The signed manifest stays, so what was produced can still be shown.
/// </summary>
public sealed partial class ProductionRetention(IDatabase db, BlobStore blobs, TimeProvider clock, IOptions<DataRequestOptions> options,
    ILogger<ProductionRetention> log)
{
    private int Months => options.Value.ProductionRetentionMonths;

    public DateTimeOffset RetainUntil(DateTimeOffset producedAt) => producedAt.AddMonths(Months);

    /// <summary>Sets (<paramref name="hold"/>) or releases the legal hold of a data request: only its requesting authority does.</summary>
    public async Task<Result<DataRequestHoldView>> HoldAsync(Caller caller, Guid id, DataRequestHoldRequest request, bool hold, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reason", request.Reason)) v.MaxLength("reason", request.Reason, 5_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<DataRequestHoldView>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<(string id, string authority_id, string? legal_hold)?>(
                "SELECT id, authority_id, legal_hold FROM data_requests WHERE id = @id AND (authority_id = @org OR platform_id = @org)",
                new { id = id.ToString(), org = caller.OrganizationId.ToString() }, tx);
            if (row is null) return Error.NotFound("data request");
            if (row.Value.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the requesting authority sets or releases a legal hold.");
            if (hold == (row.Value.legal_hold is not null))
                return Error.Conflict(hold ? "The data request is already under a legal hold." : "The data request is not under a legal hold.", "reason");
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE data_requests SET legal_hold = @hold WHERE id = @id", new { hold = hold ? request.Reason!.Trim() : null, id = row.Value.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, hold ? "data_request.legal_hold_set" : "data_request.legal_hold_released", subjectId: id,
                data: new { reason = request.Reason!.Trim() });
            return await ViewAsync(c, tx, row.Value.id);
        }, ct);
    }

    public async Task<Result<DataRequestHoldView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var found = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM data_requests WHERE id = @id AND (authority_id = @org OR platform_id = @org)",
            new { id = id.ToString(), org = caller.OrganizationId.ToString() });
        return found == 0 ? Error.NotFound("data request") : await ViewAsync(c, null, id.ToString());
    }

    /// <summary>Purges every production produced more than the retention period ago whose data request is under no legal hold.</summary>
    public async Task<ProductionSweep> SweepAsync(CancellationToken ct)
    {
        var shas = new HashSet<string>(StringComparer.Ordinal);
        var result = await db.WriteAsync<ProductionSweep>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var cutoff = Time.Store(now.AddMonths(-Months));
            var due = (await c.QueryAsync<(string id, string data_request_id, string created_at)>(
                """
                SELECT p.id, p.data_request_id, p.created_at FROM productions p JOIN data_requests r ON r.id = p.data_request_id
                WHERE p.purged_at IS NULL AND p.created_at <= @cutoff AND r.legal_hold IS NULL
                ORDER BY p.created_at, p.id LIMIT 500
                """, new { cutoff }, tx)).ToList();
            var deleted = 0;
            foreach (var p in due)
            {
                // Another node may have purged the same production first.
                if (await c.ExecuteAsync("UPDATE productions SET purged_at = @now WHERE id = @id AND purged_at IS NULL", new { now = Time.Store(now), id = p.id }, tx) == 0)
                    continue;
                var files = (await c.QueryAsync<(string id, string sha256)>(
                    "SELECT id, sha256 FROM data_request_files WHERE production_id = @id ORDER BY position", new { id = p.id }, tx)).ToList();
                await c.ExecuteAsync("DELETE FROM data_request_files WHERE production_id = @id", new { id = p.id }, tx);
                foreach (var f in files) shas.Add(f.sha256);
                deleted += files.Count;
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "data_request.production_purged", subjectId: Guid.Parse(p.id),
                    data: new
                    {
                        data_request_id = Guid.Parse(p.data_request_id), produced_at = Time.Load(p.created_at), retain_until = RetainUntil(Time.Load(p.created_at)),
                        files = files.Select(f => f.sha256),
                    });
            }
            if (shas.Count > 0)
            {
                // A blob row no file row names any more goes with its bytes (after the commit, below).
                var stillNamed = (await c.QueryAsync<string>($"SELECT DISTINCT sha256 FROM data_request_files WHERE {Sql.In(c, "sha256", "@shas")}",
                    new { shas = shas.ToList() }, tx)).ToHashSet(StringComparer.Ordinal);
                shas.ExceptWith(stillNamed);
                if (shas.Count > 0) await BlobStore.ForgetAsync(c, tx, shas);
            }
            var held = await c.ExecuteScalarAsync<long>(
                """
                SELECT COUNT(*) FROM productions p JOIN data_requests r ON r.id = p.data_request_id
                WHERE p.purged_at IS NULL AND p.created_at <= @cutoff AND r.legal_hold IS NOT NULL
                """, new { cutoff }, tx);
            return new ProductionSweep(due.Count, deleted, (int)held);
        }, ct);
        if (shas.Count > 0)
        {
            // An upload of the same bytes since the commit names them again: keep those.
            await using var c = await db.OpenAsync(ct);
            shas.ExceptWith(await c.QueryAsync<string>($"SELECT sha256 FROM blobs WHERE {Sql.In(c, "sha256", "@shas")}", new { shas = shas.ToList() }));
        }
        foreach (var sha in shas) blobs.Delete(sha);
        var sweep = result.Value;
        if (sweep.Purged > 0 || sweep.Held > 0) Swept(log, sweep.Purged, sweep.FilesDeleted, sweep.Held);
        return sweep;
    }

    private async Task<DataRequestHoldView> ViewAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, string id)
    {
        var hold = await c.QuerySingleAsync<string?>("SELECT legal_hold FROM data_requests WHERE id = @id", new { id }, tx);
        var productions = (await c.QueryAsync<(string id, string created_at, string? purged_at)>(
                "SELECT id, created_at, purged_at FROM productions WHERE data_request_id = @id ORDER BY id", new { id }, tx))
            .Select(p => new ProductionRetentionView(Guid.Parse(p.id), Time.Load(p.created_at), RetainUntil(Time.Load(p.created_at)), Time.LoadNullable(p.purged_at)))
            .ToList();
        return new DataRequestHoldView(Guid.Parse(id), hold, productions);
    }

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Production sweep: {Purged} productions purged, {Files} files deleted, {Held} kept by a legal hold")]
    private static partial void Swept(ILogger logger, int purged, int files, int held);
}
