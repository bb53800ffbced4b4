using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Organizations;

public sealed record CreateOrganizationRequest(string? Kind, string? Name, string? Country);

public sealed record CreateKeyRequest(string? Name);

public sealed record OrganizationView(Guid Id, string Kind, string Name, string? Country, DateTimeOffset CreatedAt);

/// <summary>The answer to creating an organisation or key: the only time the key is shown.</summary>
public sealed record CreatedOrganization(Guid Id, string Kind, string Name, string? Country, DateTimeOffset CreatedAt, Guid KeyId, string ApiKey);

public sealed record CreatedKey(Guid Id, string Name, string ApiKey, DateTimeOffset CreatedAt);

public sealed record KeyView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Organisations and their API keys: bootstrap, creation by the operator, keys, revocation, and key look-up.</summary>
public sealed class OrganizationsService(IDatabase db, TimeProvider clock)
{
    private sealed record KeyRow(string id, string org_id, string kind, string name, string? revoked_at);

    /// <summary>Creates the operator organisation and its first key; refuses when one exists.</summary>
    public Task<Result<CreatedOrganization>> BootstrapAsync(CancellationToken ct) =>
        db.WriteAsync<CreatedOrganization>(async (c, tx) =>
        {
            var existing = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM organizations WHERE kind = @kind", new { kind = OrganizationKinds.Operator }, tx);
            if (existing > 0)
                return Error.Conflict("This installation is already bootstrapped: an operator organisation exists. Create further keys with the operator's key.");
            return await InsertAsync(c, tx, OrganizationKinds.Operator, "Operator", null, Caller.System);
        }, ct);

    public async Task<Result<CreatedOrganization>> CreateAsync(Caller caller, CreateOrganizationRequest request, CancellationToken ct)
    {
        if (!caller.IsOperator) return Error.Forbidden("Only the operator creates organisations.");
        var v = new Validator();
        v.OneOf("kind", request.Kind, OrganizationKinds.Creatable);
        if (v.Require("name", request.Name)) v.MaxLength("name", request.Name, 200);
        if (request.Country is not null && !IsCountryCode(request.Country))
            v.Add("country", "must be a two-letter ISO 3166-1 code such as FR");
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<CreatedOrganization>(
            async (c, tx) => await InsertAsync(c, tx, request.Kind!, request.Name!.Trim(), request.Country?.ToUpperInvariant(), caller), ct);
    }

    public async Task<Result<IReadOnlyList<OrganizationView>>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsOperator && !caller.IsOversight) return Error.Forbidden("Only the operator and oversight list organisations.");
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string id, string kind, string name, string? country, string created_at)>(
            "SELECT id, kind, name, country, created_at FROM organizations ORDER BY id");
        return rows.Select(r => new OrganizationView(Guid.Parse(r.id), r.kind, r.name, r.country, Time.Load(r.created_at))).ToList();
    }

    public async Task<Result<CreatedKey>> CreateKeyAsync(Caller caller, Guid orgId, CreateKeyRequest request, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("organization");
        var v = new Validator();
        if (v.Require("name", request.Name)) v.MaxLength("name", request.Name, 100);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<CreatedKey>(async (c, tx) =>
        {
            var exists = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM organizations WHERE id = @id", new { id = orgId.ToString() }, tx);
            if (exists == 0) return Error.NotFound("organization");
            var (keyId, key, at) = await InsertKeyAsync(c, tx, orgId, request.Name!.Trim());
            await AuditLog.AppendAsync(c, tx, at, caller, "key.created", subjectId: keyId, data: new { org_id = orgId, name = request.Name });
            return new CreatedKey(keyId, request.Name!.Trim(), key, at);
        }, ct);
    }

    public async Task<Result<IReadOnlyList<KeyView>>> ListKeysAsync(Caller caller, Guid orgId, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("organization");
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string id, string name, string prefix, string created_at, string? revoked_at)>(
            "SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE org_id = @org ORDER BY id", new { org = orgId.ToString() });
        var list = rows.Select(r => new KeyView(Guid.Parse(r.id), r.name, r.prefix, Time.Load(r.created_at), Time.LoadNullable(r.revoked_at))).ToList();
        if (list.Count == 0) return Error.NotFound("organization");
        return list;
    }

    public async Task<Result<KeyView>> RevokeKeyAsync(Caller caller, Guid orgId, Guid keyId, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("key");
        return await db.WriteAsync<KeyView>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<(string id, string name, string prefix, string created_at, string? revoked_at)?>(
                "SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE id = @id AND org_id = @org",
                new { id = keyId.ToString(), org = orgId.ToString() }, tx);
            if (row is null) return Error.NotFound("key");
            var r = row.Value;
            if (r.revoked_at is not null) return new KeyView(keyId, r.name, r.prefix, Time.Load(r.created_at), Time.Load(r.revoked_at));
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id", new { now = Time.Store(now), id = keyId.ToString() }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "key.revoked", subjectId: keyId, data: new { org_id = orgId });
            return new KeyView(keyId, r.name, r.prefix, Time.Load(r.created_at), now);
        }, ct);
    }

    /// <summary>Display names of organisations (names are not secret: they appear on every order).</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().Select(i => i.ToString()).ToList();
        if (list.Count == 0) return new Dictionary<Guid, string>();
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string id, string name)>($"SELECT id, name FROM organizations WHERE {Sql.In(c, "id", "@list")}", new { list });
        return rows.ToDictionary(r => Guid.Parse(r.id), r => r.name);
    }

    /// <summary>Resolves a presented key to its caller; a revoked or unknown key gets a reason, never a caller.</summary>
    public async Task<Result<Caller>> AuthenticateAsync(string presentedKey, CancellationToken ct)
    {
        if (!presentedKey.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) || presentedKey.Length > 200)
            return new Error(ErrorKind.Unauthorized, "Invalid API key", "API keys look like tdk_… and are sent as 'Authorization: Bearer <key>'.");
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<KeyRow>(
            "SELECT k.id, k.org_id, o.kind, k.name, k.revoked_at FROM api_keys k JOIN organizations o ON o.id = k.org_id WHERE k.key_hash = @hash",
            new { hash = ApiKeys.Hash(presentedKey) });
        if (row is null) return new Error(ErrorKind.Unauthorized, "Invalid API key", "This API key is not known.");
        if (row.revoked_at is not null) return new Error(ErrorKind.Unauthorized, "API key revoked", "This API key has been revoked.");
        return new Caller(Guid.Parse(row.org_id), row.kind, Guid.Parse(row.id), row.name);
    }

    private async Task<Result<CreatedOrganization>> InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx,
        string kind, string name, string? country, Caller caller)
    {
        var id = Guid.CreateVersion7();
        var now = Time.Now(clock);
        await c.ExecuteAsync(
            "INSERT INTO organizations (id, kind, name, country, created_at) VALUES (@id, @kind, @name, @country, @at)",
            new { id = id.ToString(), kind, name, country, at = Time.Store(now) }, tx);
        var (keyId, key, _) = await InsertKeyAsync(c, tx, id, "default");
        await AuditLog.AppendAsync(c, tx, now, caller, "organization.created", subjectId: id, data: new { kind, key_id = keyId });
        return new CreatedOrganization(id, kind, name, country, now, keyId, key);
    }

    private async Task<(Guid Id, string Key, DateTimeOffset At)> InsertKeyAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Guid orgId, string name)
    {
        var keyId = Guid.CreateVersion7();
        var key = ApiKeys.Generate();
        var now = Time.Now(clock);
        await c.ExecuteAsync(
            "INSERT INTO api_keys (id, org_id, name, key_hash, prefix, created_at) VALUES (@id, @org, @name, @hash, @prefix, @at)",
            new { id = keyId.ToString(), org = orgId.ToString(), name, hash = ApiKeys.Hash(key), prefix = ApiKeys.DisplayPrefix(key), at = Time.Store(now) }, tx);
        return (keyId, key, now);
    }

    private static bool IsCountryCode(string s) => s.Length == 2 && s.All(char.IsAsciiLetter);
}
