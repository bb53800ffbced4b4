using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Users;

/// <summary>What a person may do inside their organisation.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Moderator = "moderator";
    public const string Viewer = "viewer";
    public static readonly string[] All = [Admin, Analyst, Moderator, Viewer];

    /// <summary>Analysts work for authorities and moderators for platforms; admins and viewers exist everywhere.</summary>
    public static string[] For(string organizationKind) => organizationKind switch
    {
        OrganizationKinds.Authority => [Admin, Analyst, Viewer],
        OrganizationKinds.Platform => [Admin, Moderator, Viewer],
        _ => [Admin, Viewer],
    };
}

public sealed record AddUserRequest(string? Email, string? Password, string? Role);

/// <summary>A person as the web interface knows them: one organisation, one role.</summary>
public sealed record UserView(Guid Id, string Email, string Role, Guid OrganizationId, string OrganizationKind, string OrganizationName, DateTimeOffset CreatedAt)
{
    /// <summary>A signed-in person acts as a caller whose "key" is the person, so the audit log names them.</summary>
    public Caller ToCaller() => new(OrganizationId, OrganizationKind, Id, Email, Id);
}

/// <summary>
/// Members of organisations who sign in with a password. Passwords are hashed with ASP.NET Core
/// Identity's PasswordHasher (PBKDF2, salted, versioned), and never stored or logged in clear.
/// </summary>
public sealed class UsersService(IDatabase db, TimeProvider clock)
{
    public const int MinPasswordLength = 12;

    private static readonly PasswordHasher<UserView> Hasher = new();

    /// <summary>Compared against when the e-mail is unknown, so a miss costs as long as a wrong password.</summary>
    private static readonly string DummyHash = Hasher.HashPassword(null!, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    private sealed record Row(string id, string email, string role, string org_id, string kind, string name, string created_at, string password_hash);

    private const string Select = "SELECT u.id, u.email, u.role, u.org_id, o.kind, o.name, u.created_at, u.password_hash FROM users u JOIN organizations o ON o.id = u.org_id";

    /// <summary>Adds a member to an organisation: the operator for any organisation, an organisation's admin for its own.</summary>
    public async Task<Result<UserView>> AddAsync(Caller actor, Guid organizationId, AddUserRequest request, CancellationToken ct)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId) return Error.NotFound("organization");
        var v = new Validator();
        var email = request.Email?.Trim().ToLowerInvariant();
        if (v.Require("email", email))
        {
            if (email!.Length > 254 || email.IndexOf('@') is < 1 || email.EndsWith('@') || email.Any(char.IsWhiteSpace))
                v.Add("email", "is not an e-mail address");
        }
        if (v.Require("password", request.Password))
        {
            if (request.Password!.Length < MinPasswordLength) v.Add("password", $"must be at least {MinPasswordLength} characters");
            else if (request.Password.Length > 200) v.Add("password", "must be at most 200 characters");
        }
        v.OneOf("role", request.Role, Roles.All);
        if (!v.IsValid) return v.ToError();

        return await db.WriteAsync<UserView>(async (c, tx) =>
        {
            var org = await c.QuerySingleOrDefaultAsync<(string kind, string name)?>(
                "SELECT kind, name FROM organizations WHERE id = @id", new { id = organizationId.ToString() }, tx);
            if (org is null) return Error.NotFound("organization");
            if (!Roles.For(org.Value.kind).Contains(request.Role))
                return Error.Invalid("role", $"must be one of {string.Join(", ", Roles.For(org.Value.kind))} in a {org.Value.kind} organisation");
            var taken = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE email = @email", new { email }, tx);
            if (taken > 0) return Error.Conflict("Someone already signs in with this e-mail address.", "email");
            var id = Guid.CreateVersion7();
            var now = Time.Now(clock);
            var view = new UserView(id, email!, request.Role!, organizationId, org.Value.kind, org.Value.name, now);
            await c.ExecuteAsync(
                "INSERT INTO users (id, org_id, email, password_hash, role, created_at) VALUES (@id, @org, @email, @hash, @role, @now)",
                new { id = id.ToString(), org = organizationId.ToString(), email, hash = Hasher.HashPassword(view, request.Password!), role = request.Role, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "user.added", subjectId: id, data: new { org_id = organizationId, role = request.Role });
            return view;
        }, ct);
    }

    /// <summary>Checks an e-mail and password; the same answer for an unknown address and a wrong password.</summary>
    public async Task<Result<UserView>> SignInAsync(string? email, string? password, CancellationToken ct)
    {
        var refused = new Error(ErrorKind.Unauthorized, "Sign-in refused", "The e-mail address or the password is not right.");
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || password.Length > 200) return refused;
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.email = @email", new { email = email.Trim().ToLowerInvariant() });
        if (row is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return refused;
        }
        var view = ToView(row);
        var check = Hasher.VerifyHashedPassword(view, row.password_hash, password);
        if (check == PasswordVerificationResult.Failed) return refused;
        return await db.WriteAsync<UserView>(async (w, tx) =>
        {
            var now = Time.Now(clock);
            if (check == PasswordVerificationResult.SuccessRehashNeeded)
                await w.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @id", new { hash = Hasher.HashPassword(view, password), id = row.id }, tx);
            await AuditLog.AppendAsync(w, tx, now, view.ToCaller(), "user.signed_in", subjectId: view.Id, platformVisible: false);
            return view;
        }, ct);
    }

    /// <summary>The person behind a session, if they still exist (a removed person's cookie stops working).</summary>
    public async Task<UserView?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.id = @id", new { id = id.ToString() });
        return row is null ? null : ToView(row);
    }

    public async Task<Result<IReadOnlyList<UserView>>> ListAsync(Caller actor, Guid organizationId, CancellationToken ct)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId) return Error.NotFound("organization");
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(Select + " WHERE u.org_id = @org ORDER BY u.email", new { org = organizationId.ToString() });
        return rows.Select(ToView).ToList();
    }

    /// <summary>Finds an organisation by id or by exact name (for the command line).</summary>
    public async Task<Guid?> FindOrganizationAsync(string idOrName, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = (await c.QueryAsync<string>("SELECT id FROM organizations WHERE id = @v OR name = @v", new { v = idOrName.Trim() })).ToList();
        return ids.Count == 1 ? Guid.Parse(ids[0]) : null;
    }

    /// <summary>Readable names for the actors of audit events (people and keys) of one organisation.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> ActorNamesAsync(Guid organizationId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string id, string name)>(
            "SELECT id, email AS name FROM users WHERE org_id = @org UNION ALL SELECT id, 'key: ' || name FROM api_keys WHERE org_id = @org",
            new { org = organizationId.ToString() });
        return rows.ToDictionary(r => Guid.Parse(r.id), r => r.name);
    }

    private static UserView ToView(Row r) =>
        new(Guid.Parse(r.id), r.email, r.role, Guid.Parse(r.org_id), r.kind, r.name, Time.Load(r.created_at));
}
