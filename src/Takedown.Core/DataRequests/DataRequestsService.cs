using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.DataRequests;

/// <summary>A file received in a multipart upload, already in the blob store.</summary>
public sealed record UploadedFile(string Name, StoredBlob Blob);

/// <summary>
/// Law-enforcement data requests: preservation, disclosure and emergency disclosure, with their
/// deadlines, the platform's answers, and productions signed by the service's key.
/// </summary>
public sealed class DataRequestsService(IDatabase db, TimeProvider clock, SigningKeys keys, IOptions<DataRequestOptions> options)
{
    private DataRequestOptions Options => options.Value;

    private sealed record Row(string id, string authority_id, string platform_id, string kind, string status, string case_reference,
        string process_type, string body_json, string? preservation_id, string received_at, string due_at, string? acknowledged_at,
        string? preserve_until, long extensions, string? escalated_at, string? answer_json, string? answered_at);

    private const string Columns = "id, authority_id, platform_id, kind, status, case_reference, process_type, body_json, preservation_id, received_at, due_at, acknowledged_at, preserve_until, extensions, escalated_at, answer_json, answered_at";

    /// <summary>Only the requesting authority and the addressed platform see a request; oversight sees its metadata.</summary>
    private const string Visible = "(authority_id = @org OR platform_id = @org OR @oversight = 1)";

    public async Task<Result<DataRequestView>> CreateAsync(Caller caller, CreateDataRequest r, CancellationToken ct)
    {
        if (!caller.IsAuthority) return Error.Forbidden("Only authorities send data requests.");
        var now = Time.Now(clock);
        var v = Validate(r);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<DataRequestView>(async (c, tx) =>
        {
            var kind = await c.QuerySingleOrDefaultAsync<string>("SELECT kind FROM organizations WHERE id = @id", new { id = r.PlatformId!.Value.ToString() }, tx);
            if (kind != OrganizationKinds.Platform) return Error.Invalid("platform_id", "is not a known platform");
            if (r.PreservationRequestId is { } pid)
            {
                var p = await c.QuerySingleOrDefaultAsync<(string kind, string platform_id)?>(
                    "SELECT kind, platform_id FROM data_requests WHERE id = @id AND authority_id = @a", new { id = pid.ToString(), a = caller.OrganizationId.ToString() }, tx);
                if (p is null || p.Value.kind != DataRequestKinds.Preservation || p.Value.platform_id != r.PlatformId.Value.ToString())
                    return Error.Invalid("preservation_request_id", "is not one of your preservation requests to this platform");
            }
            var id = Guid.CreateVersion7();
            var due = now + r.Kind switch
            {
                DataRequestKinds.EmergencyDisclosure => TimeSpan.FromHours(Options.EmergencyHours),
                DataRequestKinds.Disclosure => TimeSpan.FromDays(Options.DisclosureDays),
                _ => TimeSpan.FromHours(Options.PreservationAckHours),
            };
            DateTimeOffset? preserveUntil = r.Kind == DataRequestKinds.Preservation ? now.AddDays(RuleFor(r.ProcessType!).Days) : null;
            await c.ExecuteAsync(
                $"""
                INSERT INTO data_requests ({Columns})
                VALUES (@id, @a, @p, @kind, 'open', @case, @process, @body, @pres, @now, @due, NULL, @until, 0, NULL, NULL, NULL)
                """,
                new
                {
                    id = id.ToString(), a = caller.OrganizationId.ToString(), p = r.PlatformId.Value.ToString(), kind = r.Kind,
                    @case = r.CaseReference!.Trim(), process = r.ProcessType, body = JsonSerializer.Serialize(r, TakedownJson.Options),
                    pres = r.PreservationRequestId?.ToString(), now = Time.Store(now), due = Time.Store(due), until = Time.Store(preserveUntil),
                }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.created", subjectId: id, data: new { kind = r.Kind, platform_id = r.PlatformId });
            var view = await ViewAsync(c, tx, id, caller, now);
            await Outbox.EnqueueAsync(c, tx, now, r.PlatformId.Value, EventTypes.DataRequestCreated, view);
            if (r.Kind == DataRequestKinds.EmergencyDisclosure)
            {
                // Paged at once: the platform's contact point is told in the same commit.
                await AuditLog.AppendAsync(c, tx, now, caller, "data_request.emergency", subjectId: id);
                await Outbox.EnqueueAsync(c, tx, now, r.PlatformId.Value, EventTypes.DataRequestEmergency, view);
            }
            return view;
        }, ct);
    }

    private Validator Validate(CreateDataRequest r)
    {
        var v = new Validator();
        v.OneOf("kind", r.Kind, DataRequestKinds.All);
        if (r.PlatformId is null) v.Add("platform_id", "is required");
        foreach (var (field, value, max) in new[]
                 {
                     ("case_reference", r.CaseReference, 100), ("agency", r.Agency, 300), ("officer", r.Officer, 300),
                     ("official_email", r.OfficialEmail, 300), ("phone", r.Phone, 50), ("legal_basis", r.LegalBasis, 2000),
                 })
            if (v.Require(field, value)) v.MaxLength(field, value, max);
        if (r.OfficialEmail is { } e && !string.IsNullOrWhiteSpace(e) && (!e.Contains('@') || e.Contains(' '))) v.Add("official_email", "is not an e-mail address");
        v.OneOf("process_type", r.ProcessType, ProcessTypes.All);
        var targets = r.Targets ?? [];
        if (targets.Count == 0) v.Add("targets", "at least one target is required");
        if (targets.Count > 100) v.Add("targets", "at most 100 targets");
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            if (t is null || (string.IsNullOrWhiteSpace(t.Id) && string.IsNullOrWhiteSpace(t.Url) && string.IsNullOrWhiteSpace(t.Handle)))
            {
                v.Add($"targets[{i}]", "needs an id, a url or a handle");
                continue;
            }
            if (t.Url is not null && Urls.Problem(t.Url) is { } p) v.Add($"targets[{i}].url", p);
            v.MaxLength($"targets[{i}].id", t.Id, 200);
            v.MaxLength($"targets[{i}].handle", t.Handle, 200);
        }
        var categories = r.DataCategories ?? [];
        if (r.Kind != DataRequestKinds.Preservation && categories.Count == 0)
            v.Add("data_categories", $"at least one is required (any of: {string.Join(", ", DataCategories.All)})");
        for (var i = 0; i < categories.Count; i++) v.OneOf($"data_categories[{i}]", categories[i], DataCategories.All);
        if (r.DateFrom is { } from && r.DateTo is { } to && to < from) v.Add("date_to", "must not be before date_from");
        if (r.Kind == DataRequestKinds.EmergencyDisclosure)
        {
            if (v.Require("danger_description", r.DangerDescription)) v.MaxLength("danger_description", r.DangerDescription, 10_000);
        }
        else if (r.DangerDescription is not null) v.Add("danger_description", "is only for emergency_disclosure");
        if (r.PreservationRequestId is not null && r.Kind == DataRequestKinds.Preservation)
            v.Add("preservation_request_id", "links a disclosure to an earlier preservation; a preservation cannot link to one");
        return v;
    }

    private PreservationRule RuleFor(string processType) =>
        Options.PreservationByProcessType.TryGetValue(processType, out var rule)
            ? rule
            : new PreservationRule { Days = Options.PreservationDays, ExtensionDays = Options.ExtensionDays, MaxExtensions = Options.MaxExtensions };

    public async Task<IReadOnlyList<DataRequestView>> ListAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>($"SELECT {Columns} FROM data_requests WHERE {Visible} ORDER BY id DESC LIMIT 500",
            new { org = caller.OrganizationId.ToString(), oversight = caller.IsOversight ? 1 : 0 });
        var now = Time.Now(clock);
        var list = new List<DataRequestView>();
        foreach (var row in rows) list.Add(await ToViewAsync(c, null, row, caller, now));
        return list;
    }

    public async Task<Result<DataRequestView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller);
        return row is null ? Error.NotFound("data request") : await ToViewAsync(c, null, row, caller, Time.Now(clock));
    }

    public Task<Result<DataRequestView>> AcknowledgeAsync(Caller caller, Guid id, CancellationToken ct) =>
        PlatformStepAsync(caller, id, ct, async (c, tx, row, now) =>
        {
            if (row.acknowledged_at is not null) return null;
            if (row.status is not (DataRequestStatuses.Open or DataRequestStatuses.ClarificationRequested))
                return Error.Conflict($"The request is already {row.status}.");
            var status = row.kind == DataRequestKinds.Preservation ? DataRequestStatuses.Preserved : DataRequestStatuses.Acknowledged;
            await c.ExecuteAsync("UPDATE data_requests SET acknowledged_at = @now, status = @status WHERE id = @id",
                new { now = Time.Store(now), status, id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.acknowledged", subjectId: id);
            return null;
        });

    public Task<Result<DataRequestView>> RequestClarificationAsync(Caller caller, Guid id, DataRequestAnswer answer, CancellationToken ct) =>
        AnswerAsync(caller, id, answer, DataRequestStatuses.ClarificationRequested, "data_request.clarification_requested", ct);

    public Task<Result<DataRequestView>> NarrowAsync(Caller caller, Guid id, DataRequestAnswer answer, CancellationToken ct) =>
        AnswerAsync(caller, id, answer, DataRequestStatuses.Narrowed, "data_request.narrowed", ct);

    public Task<Result<DataRequestView>> ObjectAsync(Caller caller, Guid id, DataRequestAnswer answer, CancellationToken ct) =>
        AnswerAsync(caller, id, answer, DataRequestStatuses.Objected, "data_request.objected", ct);

    private Task<Result<DataRequestView>> AnswerAsync(Caller caller, Guid id, DataRequestAnswer answer, string status, string auditType, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reasons", answer.Reasons)) v.MaxLength("reasons", answer.Reasons, 20_000);
        if (!v.IsValid) return Task.FromResult<Result<DataRequestView>>(v.ToError());
        return PlatformStepAsync(caller, id, ct, async (c, tx, row, now) =>
        {
            if (row.status is DataRequestStatuses.Objected or DataRequestStatuses.Produced or DataRequestStatuses.Expired)
                return Error.Conflict($"The request is already {row.status}.");
            if (status == DataRequestStatuses.Narrowed && row.kind == DataRequestKinds.Preservation)
                return Error.Conflict("A preservation request is acknowledged or objected to, not narrowed.");
            await c.ExecuteAsync("UPDATE data_requests SET status = @status, answer_json = @answer, answered_at = @now WHERE id = @id",
                new { status, answer = answer.Reasons!.Trim(), now = Time.Store(now), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, auditType, subjectId: id);
            return null;
        });
    }

    /// <summary>The authority answers a clarification request; the deadline restarts from now.</summary>
    public async Task<Result<DataRequestView>> ClarifyAsync(Caller caller, Guid id, DataRequestAnswer answer, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("reasons", answer.Reasons)) v.MaxLength("reasons", answer.Reasons, 20_000);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<DataRequestView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("data request");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the requesting authority clarifies its request.");
            if (row.status != DataRequestStatuses.ClarificationRequested) return Error.Conflict("The platform has not asked for clarification.");
            var now = Time.Now(clock);
            var due = now + (Time.Load(row.due_at) - Time.Load(row.received_at));
            var status = row.acknowledged_at is null ? DataRequestStatuses.Open
                : row.kind == DataRequestKinds.Preservation ? DataRequestStatuses.Preserved : DataRequestStatuses.Acknowledged;
            await c.ExecuteAsync("UPDATE data_requests SET status = @status, due_at = @due WHERE id = @id", new { status, due = Time.Store(due), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.clarified", subjectId: id);
            return await ViewAsync(c, tx, id, caller, now);
        }, ct);
    }

    public async Task<Result<DataRequestView>> ExtendAsync(Caller caller, Guid id, CancellationToken ct) =>
        await db.WriteAsync<DataRequestView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("data request");
            if (row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the requesting authority extends a preservation.");
            if (row.kind != DataRequestKinds.Preservation) return Error.Conflict("Only a preservation request can be extended.");
            var now = Time.Now(clock);
            var until = Time.Load(row.preserve_until!);
            if (now >= until || row.status == DataRequestStatuses.Expired)
                return Error.Conflict($"The preservation expired at {until:u}; it can no longer be extended. Send a new preservation request.");
            if (row.status == DataRequestStatuses.Objected) return Error.Conflict("The platform objected to this preservation.");
            var rule = RuleFor(row.process_type);
            if (row.extensions >= rule.MaxExtensions) return Error.Conflict($"This preservation was already extended {row.extensions} time(s), the most allowed.");
            var newUntil = until.AddDays(rule.ExtensionDays);
            await c.ExecuteAsync("UPDATE data_requests SET preserve_until = @until, extensions = extensions + 1 WHERE id = @id",
                new { until = Time.Store(newUntil), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.extended", subjectId: id, data: new { preserve_until = newUntil });
            return await ViewAsync(c, tx, id, caller, now);
        }, ct);

    /// <summary>Checks, before any bytes are stored, that the caller may upload to this request in this role.</summary>
    public async Task<Result<bool>> CanUploadAsync(Caller caller, Guid id, bool production, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller);
        if (row is null || caller.IsOversight && row.authority_id != caller.OrganizationId.ToString() && row.platform_id != caller.OrganizationId.ToString())
            return Error.NotFound("data request");
        if (production && row.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform answers with a production.");
        if (!production && row.authority_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the requesting authority attaches its legal instrument.");
        if (production && row.kind == DataRequestKinds.Preservation)
            return Error.Conflict("A preservation request is answered by acknowledging it; data is disclosed on a disclosure request.");
        if (production && row.status is DataRequestStatuses.Objected or DataRequestStatuses.Expired)
            return Error.Conflict($"The request is {row.status}.");
        return true;
    }

    public async Task<Result<DataRequestView>> AttachAsync(Caller caller, Guid id, IReadOnlyList<UploadedFile> files, CancellationToken ct)
    {
        var check = await CanUploadAsync(caller, id, production: false, ct);
        if (!check.IsSuccess) return check.Error!;
        if (files.Count == 0) return Error.Invalid("file", "at least one file is required");
        return await db.WriteAsync<DataRequestView>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            await InsertFilesAsync(c, tx, id, null, "attachment", files, now);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.attachment_added", subjectId: id, data: new { files = files.Count });
            return await ViewAsync(c, tx, id, caller, now);
        }, ct);
    }

    public async Task<Result<ProductionView>> ProduceAsync(Caller caller, Guid id, IReadOnlyList<UploadedFile> files, CancellationToken ct)
    {
        var check = await CanUploadAsync(caller, id, production: true, ct);
        if (!check.IsSuccess) return check.Error!;
        if (files.Count == 0) return Error.Invalid("files", "at least one file is required");
        var productionId = Guid.CreateVersion7();
        var now = Time.Now(clock);
        var named = UniqueNames(files);
        await using (var c = await db.OpenAsync(ct))
        {
            var row = (await FindAsync(c, null, id, caller))!;
            var manifest = new ProductionManifest(productionId, id, row.case_reference, Guid.Parse(row.platform_id), Guid.Parse(row.authority_id), now,
                named.Select(f => new ManifestFile(f.Name, f.Blob.Sha256, f.Blob.Size, f.Blob.ContentType)).ToList());
            // The manifest names the key that signs it, so it still verifies after the key is rotated.
            var (keyId, signed, signature) = await keys.SignAsync(k => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest = manifest with { KeyId = k }, TakedownJson.Options)), ct);
            var manifestJson = Encoding.UTF8.GetString(signed);
            return await db.WriteAsync<ProductionView>(async (w, tx) =>
            {
                await InsertFilesAsync(w, tx, id, productionId, "production", named, now);
                await w.ExecuteAsync("INSERT INTO productions (id, data_request_id, manifest_json, signature, key_id, created_at) VALUES (@p, @id, @m, @s, @k, @now)",
                    new { p = productionId.ToString(), id = id.ToString(), m = manifestJson, s = signature, k = keyId, now = Time.Store(now) }, tx);
                await w.ExecuteAsync("UPDATE data_requests SET status = 'produced', answered_at = @now WHERE id = @id", new { now = Time.Store(now), id = id.ToString() }, tx);
                await AuditLog.AppendAsync(w, tx, now, caller, "data_request.produced", subjectId: id,
                    data: new { production_id = productionId, files = named.Count, bytes = named.Sum(f => f.Blob.Size) });
                await Outbox.EnqueueAsync(w, tx, now, Guid.Parse(row.authority_id), EventTypes.DataRequestProduced, new { id, production_id = productionId, manifest });
                return new ProductionView(productionId, id, now, manifest, signature, keyId);
            }, ct);
        }
    }

    /// <summary>A production for its authority or platform, with the audit event of the read; oversight never gets files.</summary>
    public async Task<Result<(ProductionView Production, string ManifestJson)>> OpenProductionAsync(Caller caller, Guid id, Guid productionId, CancellationToken ct)
    {
        if (caller.IsOversight) return Error.NotFound("production");
        var result = await db.WriteAsync<(ProductionView, string)>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("production");
            var p = await c.QuerySingleOrDefaultAsync<(string manifest_json, string signature, string key_id, string created_at, string? purged_at)?>(
                "SELECT manifest_json, signature, key_id, created_at, purged_at FROM productions WHERE id = @p AND data_request_id = @id",
                new { p = productionId.ToString(), id = id.ToString() }, tx);
            if (p is null) return Error.NotFound("production");
            if (p.Value.purged_at is not null)
                return Error.Conflict($"This production's files were purged on {p.Value.purged_at}, when its retention had passed.", "production_id");
            var now = Time.Now(clock);
            await AuditLog.AppendAsync(c, tx, now, caller, "data_request.production_downloaded", subjectId: productionId, data: new { data_request_id = id });
            var manifest = JsonSerializer.Deserialize<ProductionManifest>(p.Value.manifest_json, TakedownJson.Options)!;
            return (new ProductionView(productionId, id, Time.Load(p.Value.created_at), manifest, p.Value.signature, p.Value.key_id), p.Value.manifest_json);
        }, ct);
        return result;
    }

    /// <summary>Escalates every emergency still unacknowledged after the configured minutes, once each. Returns how many.</summary>
    public async Task<int> EscalateAsync(CancellationToken ct)
    {
        var result = await db.WriteAsync<int>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var cutoff = now.AddMinutes(-Options.EmergencyEscalationMinutes);
            var due = (await c.QueryAsync<(string id, string authority_id, string platform_id)>(
                "SELECT id, authority_id, platform_id FROM data_requests WHERE kind = 'emergency_disclosure' AND status = 'open' AND escalated_at IS NULL AND received_at <= @cutoff",
                new { cutoff = Time.Store(cutoff) }, tx)).ToList();
            foreach (var (id, authorityId, platformId) in due)
            {
                if (await c.ExecuteAsync("UPDATE data_requests SET escalated_at = @now WHERE id = @id AND escalated_at IS NULL", new { now = Time.Store(now), id }, tx) == 0) continue;
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "data_request.escalated", subjectId: Guid.Parse(id));
                var escalation = new { id = Guid.Parse(id), kind = DataRequestKinds.EmergencyDisclosure, escalated_at = now };
                await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(platformId), EventTypes.DataRequestEscalated, escalation);
                await Outbox.EnqueueAsync(c, tx, now, Guid.Parse(authorityId), EventTypes.DataRequestEscalated, escalation);
            }
            var expired = (await c.QueryAsync<string>(
                "SELECT id FROM data_requests WHERE kind = 'preservation' AND status IN ('open', 'preserved') AND preserve_until <= @now",
                new { now = Time.Store(now) }, tx)).ToList();
            foreach (var id in expired)
            {
                await c.ExecuteAsync("UPDATE data_requests SET status = 'expired' WHERE id = @id", new { id }, tx);
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "data_request.expired", subjectId: Guid.Parse(id));
            }
            return due.Count + expired.Count;
        }, ct);
        return result.Value;
    }

    private Task<Result<DataRequestView>> PlatformStepAsync(Caller caller, Guid id, CancellationToken ct,
        Func<DbConnection, DbTransaction, Row, DateTimeOffset, Task<Error?>> step) =>
        db.WriteAsync<DataRequestView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("data request");
            if (row.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the addressed platform answers a data request.");
            var now = Time.Now(clock);
            var error = await step(c, tx, row, now);
            if (error is not null) return error;
            return await ViewAsync(c, tx, id, caller, now);
        }, ct);

    private static async Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Caller caller) =>
        await c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM data_requests WHERE id = @id AND {Visible}",
            new { id = id.ToString(), org = caller.OrganizationId.ToString(), oversight = caller.IsOversight ? 1 : 0 }, tx);

    private static async Task<DataRequestView> ViewAsync(DbConnection c, DbTransaction tx, Guid id, Caller caller, DateTimeOffset now) =>
        await ToViewAsync(c, tx, (await FindAsync(c, tx, id, caller))!, caller, now);

    private static async Task<DataRequestView> ToViewAsync(DbConnection c, DbTransaction? tx, Row r, Caller caller, DateTimeOffset now)
    {
        var party = r.authority_id == caller.OrganizationId.ToString() || r.platform_id == caller.OrganizationId.ToString();
        var attachments = party
            ? (await c.QueryAsync<(string id, string name, string sha256, long size, string content_type)>(
                "SELECT id, name, sha256, size, content_type FROM data_request_files WHERE data_request_id = @id AND role = 'attachment' ORDER BY position, id",
                new { id = r.id }, tx)).Select(f => new DataRequestFileView(Guid.Parse(f.id), f.name, f.sha256, f.size, f.content_type)).ToList()
            : [];
        var productions = (await c.QueryAsync<string>("SELECT id FROM productions WHERE data_request_id = @id ORDER BY id", new { id = r.id }, tx))
            .Select(Guid.Parse).ToList();
        // Oversight sees that a request exists and how it went, not what it asks for.
        var details = party ? JsonSerializer.Deserialize<CreateDataRequest>(r.body_json, TakedownJson.Options) : null;
        return new DataRequestView(Guid.Parse(r.id), r.kind, r.status, Guid.Parse(r.authority_id), Guid.Parse(r.platform_id),
            r.case_reference, r.process_type, Time.Load(r.received_at), Time.Load(r.due_at), Time.LoadNullable(r.acknowledged_at),
            Time.LoadNullable(r.preserve_until), (int)r.extensions, Time.LoadNullable(r.escalated_at),
            r.preservation_id is null ? null : Guid.Parse(r.preservation_id), party ? r.answer_json : null, Time.LoadNullable(r.answered_at),
            details, attachments, productions);
    }

    private static async Task InsertFilesAsync(DbConnection c, DbTransaction tx, Guid requestId, Guid? productionId, string role,
        IReadOnlyList<UploadedFile> files, DateTimeOffset now)
    {
        for (var i = 0; i < files.Count; i++)
        {
            await BlobStore.RecordAsync(c, tx, files[i].Blob, now);
            await c.ExecuteAsync(
                """
                INSERT INTO data_request_files (id, data_request_id, production_id, role, name, sha256, size, content_type, position, created_at)
                VALUES (@id, @r, @p, @role, @name, @sha, @size, @type, @pos, @now)
                """,
                new
                {
                    id = Guid.CreateVersion7().ToString(), r = requestId.ToString(), p = productionId?.ToString(), role, name = files[i].Name,
                    sha = files[i].Blob.Sha256, size = files[i].Blob.Size, type = files[i].Blob.ContentType, pos = i, now = Time.Store(now),
                }, tx);
        }
    }

    /// <summary>File names as they will appear in the archive: no directories, no control characters, unique.</summary>
    public static IReadOnlyList<UploadedFile> UniqueNames(IReadOnlyList<UploadedFile> files)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<UploadedFile>();
        foreach (var f in files)
        {
            var name = SafeName(f.Name);
            var candidate = name;
            for (var n = 2; !seen.Add(candidate); n++)
                candidate = Path.GetFileNameWithoutExtension(name) + $" ({n})" + Path.GetExtension(name);
            list.Add(f with { Name = candidate });
        }
        return list;
    }

    public static string SafeName(string name)
    {
        var baseName = name.Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new string(baseName.Where(ch => !char.IsControl(ch)).ToArray()).Trim().Trim('.');
        if (clean.Length > 200) clean = clean[^200..];
        return clean.Length == 0 ? "file" : clean;
    }
}
