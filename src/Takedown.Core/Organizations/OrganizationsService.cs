using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Organizations;

public sealed record CreateOrganizationRequest(string? Kind, string? Name, string? Country);

/// <summary>A new key: <c>scopes</c> (default read and write), and <c>person_email</c> to bind it to a member (omit for a service key).</summary>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string?>? Scopes = null, string? PersonEmail = null);

public sealed record OrganizationView(Guid Id, string Kind, string Name, string? Country, DateTimeOffset CreatedAt);

/// <summary>The answer to creating an organisation or key: the only time the key is shown.</summary>
public sealed record CreatedOrganization(Guid Id, string Kind, string Name, string? Country, DateTimeOffset CreatedAt, Guid KeyId, string ApiKey);

public sealed record CreatedKey(Guid Id, string Name, string ApiKey, string Kind, IReadOnlyList<string> Scopes, Guid? PersonId, string? PersonEmail, DateTimeOffset CreatedAt);

/// <summary>A key as its organisation's admins see it: never the secret. Kind is "person" (bound to PersonId) or "service".</summary>
public sealed record KeyView(Guid Id, string Name, string Prefix, string Kind, IReadOnlyList<string> Scopes, Guid? PersonId, string? PersonEmail,
    Guid? CreatedByPerson, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A presented key, resolved: who acts, and the scopes the key holds now.</summary>
public sealed record KeyHolder(Caller Caller, IReadOnlyList<string> Scopes);

public static class KeyKinds
{
    public const string Person = "person";
    public const string Service = "service";
}

/// <summary>Organisations and their API keys: bootstrap, creation by the operator, keys, revocation, and key look-up.</summary>
public sealed class OrganizationsService(IDatabase db, TimeProvider clock)
{
    private sealed record KeyRow(string id, string org_id, string kind, string name, string? revoked_at, string scopes,
        string? person_id, string? person_org, string? role, string? deactivated_at);

    private sealed record KeyListRow(string id, string name, string prefix, string scopes, string? person_id, string? email,
        string? created_by_person, string created_at, string? revoked_at);

    private const string KeySelect =
        "SELECT k.id, k.name, k.prefix, k.scopes, k.person_id, u.email, k.created_by_person, k.created_at, k.revoked_at " +
        "FROM api_keys k LEFT JOIN users u ON u.id = k.person_id";

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

    /// <summary>
    /// Creates a key for an organisation. Needs the <c>admin</c> scope (an admin-scoped key, or an organisation admin
    /// signed in), never grants a scope its creator lacks, binds a person's key only to an active member of that
    /// organisation and within what their role allows, and never gives a service key <c>approve</c>. The operator
    /// may create service keys for another organisation (onboarding), never a person's key there.
    /// </summary>
    public async Task<Result<CreatedKey>> CreateKeyAsync(Caller caller, Guid orgId, CreateKeyRequest request, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("organization");
        var v = new Validator();
        if (v.Require("name", request.Name)) v.MaxLength("name", request.Name, 100);
        var email = request.PersonEmail?.Trim().ToLowerInvariant();
        if (request.PersonEmail is not null && v.Require("person_email", email)) v.MaxLength("person_email", email, 254);
        var scopes = Scopes.Validate("scopes", request.Scopes);
        if (!scopes.IsSuccess)
            foreach (var (field, messages) in scopes.Error!.Fields!)
                foreach (var m in messages) v.Add(field, m);
        if (!v.IsValid) return v.ToError();
        var wanted = scopes.Value;
        if (email is null && wanted.Contains(Scopes.Approve))
            return Error.Invalid("scopes", "a service key never approves: give 'approve' only to a person's key (name the person with person_email)");

        return await db.WriteAsync<CreatedKey>(async (c, tx) =>
        {
            var exists = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM organizations WHERE id = @id", new { id = orgId.ToString() }, tx);
            if (exists == 0) return Error.NotFound("organization");
            var powers = await CallerPowers.OfAsync(c, tx, caller);
            if (!powers.Has(Scopes.Admin))
                return Error.Forbidden("Creating keys needs the 'admin' scope: ask an admin of your organisation.");
            var lacking = wanted.Except(powers.Scopes).ToArray();
            if (lacking.Length > 0)
                return Refused("scopes", $"You cannot grant {Quoted(lacking)}: you do not hold {(lacking.Length == 1 ? "it" : "them")} yourself.");
            Guid? personId = null;
            if (email is not null)
            {
                if (orgId != caller.OrganizationId)
                    return Refused("person_email", "The operator creates only service keys for another organisation; a person's key is created in their own organisation.");
                var person = await c.QuerySingleOrDefaultAsync<(string id, string role)?>(
                    "SELECT id, role FROM users WHERE org_id = @org AND email = @email AND deactivated_at IS NULL",
                    new { org = orgId.ToString(), email }, tx);
                if (person is null)
                    return new Error(ErrorKind.NotFound, "person not found", "person_email: no active member of this organisation has this e-mail address.",
                        new Dictionary<string, string[]> { ["person_email"] = ["is not an active member of this organisation"] });
                var beyondRole = wanted.Except(Scopes.ForRole(person.Value.role)).ToArray();
                if (beyondRole.Length > 0)
                    return Refused("scopes", $"A {person.Value.role}'s key cannot hold {Quoted(beyondRole)}: a person's key never does more than their role allows.");
                personId = Guid.Parse(person.Value.id);
            }
            var name = request.Name!.Trim();
            var (keyId, key, at) = await InsertKeyAsync(c, tx, orgId, name, wanted, personId, powers.PersonId);
            await AuditLog.AppendAsync(c, tx, at, caller, "key.created", subjectId: keyId,
                data: new { org_id = orgId, name, scopes = Scopes.Format(wanted), person_id = personId });
            return new CreatedKey(keyId, name, key, personId is null ? KeyKinds.Service : KeyKinds.Person, wanted, personId, email, at);
        }, ct);
    }

    public async Task<Result<IReadOnlyList<KeyView>>> ListKeysAsync(Caller caller, Guid orgId, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("organization");
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<KeyListRow>(KeySelect + " WHERE k.org_id = @org ORDER BY k.id", new { org = orgId.ToString() });
        var list = rows.Select(ToView).ToList();
        if (list.Count == 0) return Error.NotFound("organization");
        return list;
    }

    public async Task<Result<KeyView>> RevokeKeyAsync(Caller caller, Guid orgId, Guid keyId, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != orgId) return Error.NotFound("key");
        return await db.WriteAsync<KeyView>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<KeyListRow>(KeySelect + " WHERE k.id = @id AND k.org_id = @org",
                new { id = keyId.ToString(), org = orgId.ToString() }, tx);
            if (row is null) return Error.NotFound("key");
            if (!(await CallerPowers.OfAsync(c, tx, caller)).Has(Scopes.Admin))
                return Error.Forbidden("Revoking keys needs the 'admin' scope: ask an admin of your organisation.");
            if (row.revoked_at is not null) return ToView(row);
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id", new { now = Time.Store(now), id = keyId.ToString() }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "key.revoked", subjectId: keyId, data: new { org_id = orgId });
            return ToView(row with { revoked_at = Time.Store(now) });
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

    /// <summary>
    /// Resolves a presented key to its caller and its scopes now; a revoked or unknown key, or a key whose person
    /// is deactivated or no longer a member, gets a reason, never a caller.
    /// </summary>
    public async Task<Result<KeyHolder>> AuthenticateAsync(string presentedKey, CancellationToken ct)
    {
        if (!presentedKey.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) || presentedKey.Length > 200)
            return new Error(ErrorKind.Unauthorized, "Invalid API key", "API keys look like tdk_… and are sent as 'Authorization: Bearer <key>'.");
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<KeyRow>(
            """
            SELECT k.id, k.org_id, o.kind, k.name, k.revoked_at, k.scopes, k.person_id, u.org_id AS person_org, u.role, u.deactivated_at
            FROM api_keys k JOIN organizations o ON o.id = k.org_id LEFT JOIN users u ON u.id = k.person_id
            WHERE k.key_hash = @hash
            """,
            new { hash = ApiKeys.Hash(presentedKey) });
        if (row is null) return new Error(ErrorKind.Unauthorized, "Invalid API key", "This API key is not known.");
        if (row.revoked_at is not null) return new Error(ErrorKind.Unauthorized, "API key revoked", "This API key has been revoked.");
        var scopes = Scopes.Parse(row.scopes);
        if (row.person_id is null)
            return new KeyHolder(new Caller(Guid.Parse(row.org_id), row.kind, Guid.Parse(row.id), row.name),
                scopes.Where(s => s != Scopes.Approve).ToArray());
        if (row.role is null || row.person_org != row.org_id)
            return new Error(ErrorKind.Unauthorized, "API key's person is not a member", "The person this API key belongs to is no longer a member of its organisation.");
        if (row.deactivated_at is not null)
            return new Error(ErrorKind.Unauthorized, "API key's person is deactivated", "The person this API key belongs to has been deactivated; their keys no longer work.");
        var person = Guid.Parse(row.person_id);
        return new KeyHolder(new Caller(Guid.Parse(row.org_id), row.kind, Guid.Parse(row.id), row.name, person), CallerPowers.Effective(scopes, row.role));
    }

    private async Task<Result<CreatedOrganization>> InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx,
        string kind, string name, string? country, Caller caller)
    {
        var id = Guid.CreateVersion7();
        var now = Time.Now(clock);
        await c.ExecuteAsync(
            "INSERT INTO organizations (id, kind, name, country, created_at) VALUES (@id, @kind, @name, @country, @at)",
            new { id = id.ToString(), kind, name, country, at = Time.Store(now) }, tx);
        var (keyId, key, _) = await InsertKeyAsync(c, tx, id, "default", Scopes.ServiceDefault, null, null);
        await AuditLog.AppendAsync(c, tx, now, caller, "organization.created", subjectId: id, data: new { kind, key_id = keyId });
        return new CreatedOrganization(id, kind, name, country, now, keyId, key);
    }

    private async Task<(Guid Id, string Key, DateTimeOffset At)> InsertKeyAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx,
        Guid orgId, string name, IEnumerable<string> scopes, Guid? personId, Guid? createdByPerson)
    {
        var keyId = Guid.CreateVersion7();
        var key = ApiKeys.Generate();
        var now = Time.Now(clock);
        await c.ExecuteAsync(
            """
            INSERT INTO api_keys (id, org_id, name, key_hash, prefix, created_at, scopes, person_id, created_by_person)
            VALUES (@id, @org, @name, @hash, @prefix, @at, @scopes, @person, @creator)
            """,
            new
            {
                id = keyId.ToString(), org = orgId.ToString(), name, hash = ApiKeys.Hash(key), prefix = ApiKeys.DisplayPrefix(key), at = Time.Store(now),
                scopes = Scopes.Format(scopes), person = personId?.ToString(), creator = createdByPerson?.ToString(),
            }, tx);
        return (keyId, key, now);
    }

    private static KeyView ToView(KeyListRow r) => new(Guid.Parse(r.id), r.name, r.prefix, r.person_id is null ? KeyKinds.Service : KeyKinds.Person,
        Scopes.Parse(r.scopes), r.person_id is null ? null : Guid.Parse(r.person_id), r.email,
        r.created_by_person is null ? null : Guid.Parse(r.created_by_person), Time.Load(r.created_at), Time.LoadNullable(r.revoked_at));

    private static Error Refused(string field, string detail) =>
        new(ErrorKind.Forbidden, "Forbidden", detail, new Dictionary<string, string[]> { [field] = [detail] });

    private static string Quoted(IEnumerable<string> scopes) => string.Join(", ", scopes.Select(s => $"'{s}'"));

    private static bool IsCountryCode(string s) => s.Length == 2 && s.All(char.IsAsciiLetter);
}
