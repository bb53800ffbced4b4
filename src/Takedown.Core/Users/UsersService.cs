using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>Where a member stands: signs in, has not accepted their invitation yet, or was deactivated.</summary>
public static class MemberStatus
{
    public const string Active = "active";
    public const string Invited = "invited";
    public const string Deactivated = "deactivated";
}

/// <summary>A person as the web interface knows them: one organisation, one role.</summary>
public sealed record UserView(Guid Id, string Email, string Role, Guid OrganizationId, string OrganizationKind, string OrganizationName, DateTimeOffset CreatedAt,
    string Status = MemberStatus.Active)
{
    /// <summary>A signed-in person acts as a caller whose "key" is the person, so the audit log names them.</summary>
    public Caller ToCaller() => new(OrganizationId, OrganizationKind, Id, Email, Id);
}

/// <summary>An invitation just issued: the one-time token goes into the link and is never stored.</summary>
public sealed record IssuedInvitation(UserView User, string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Members of organisations who sign in with a password. Passwords are hashed with ASP.NET Core
/// Identity's PasswordHasher (PBKDF2, salted, versioned), and never stored or logged in clear.
/// A member joins through a one-time invitation link and sets their own password; an admin deactivates
/// and reactivates, never deletes, so past actions stay attributed.
/// </summary>
public sealed class UsersService(IDatabase db, TimeProvider clock)
{
    public const int MinPasswordLength = PasswordPolicy.MinLength;

    private static readonly PasswordHasher<UserView> Hasher = new();

    /// <summary>Compared against when the e-mail is unknown, so a miss costs as long as a wrong password.</summary>
    private static readonly string DummyHash = Hasher.HashPassword(null!, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    private static readonly Error Refused = new(ErrorKind.Unauthorized, "Sign-in refused", "The e-mail address or the password is not right.");

    private sealed record Row(string id, string email, string role, string org_id, string kind, string name, string created_at, string password_hash, string? deactivated_at);

    private const string Select = "SELECT u.id, u.email, u.role, u.org_id, o.kind, o.name, u.created_at, u.password_hash, u.deactivated_at FROM users u JOIN organizations o ON o.id = u.org_id";

    /// <summary>Adds a member with a password chosen now (the operator's command line, the demo): the operator for any organisation, an organisation's admin for its own.</summary>
    public async Task<Result<UserView>> AddAsync(Caller actor, Guid organizationId, AddUserRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var email = ValidateEmail(v, request.Email);
        if (v.Require("password", request.Password)) PasswordPolicy.Validate(v, "password", request.Password, email);
        v.OneOf("role", request.Role, Roles.All);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<UserView>(async (c, tx) =>
        {
            var added = await InsertAsync(c, tx, actor, organizationId, email!, request.Role!, request.Password);
            if (!added.IsSuccess) return added.Error!;
            await AuditLog.AppendAsync(c, tx, added.Value.CreatedAt, actor, "user.added", subjectId: added.Value.Id, data: new { org_id = organizationId, role = request.Role });
            return added.Value;
        }, ct);
    }

    /// <summary>
    /// Invites a new member by e-mail address and role: they have no password until they open the one-time link
    /// (valid for <paramref name="validFor"/>) and choose one.
    /// </summary>
    public async Task<Result<IssuedInvitation>> InviteAsync(Caller actor, Guid organizationId, string? emailInput, string? role, TimeSpan validFor, CancellationToken ct)
    {
        var v = new Validator();
        var email = ValidateEmail(v, emailInput);
        v.OneOf("role", role, Roles.All);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<IssuedInvitation>(async (c, tx) =>
        {
            var added = await InsertAsync(c, tx, actor, organizationId, email!, role!, password: null);
            if (!added.IsSuccess) return added.Error!;
            var user = added.Value;
            var (token, expires) = await IssueInvitationAsync(c, tx, actor, user, user.CreatedAt, validFor);
            await AuditLog.AppendAsync(c, tx, user.CreatedAt, actor, "user.invited", subjectId: user.Id,
                data: new { org_id = organizationId, role, expires_at = Time.Store(expires) });
            return new IssuedInvitation(user, token, expires);
        }, ct);
    }

    /// <summary>
    /// Resets a member's password: their password stops working, their sessions end, older links die, and a new
    /// one-time link lets them choose a new password.
    /// </summary>
    public async Task<Result<IssuedInvitation>> ReinviteAsync(Caller actor, Guid organizationId, Guid userId, TimeSpan validFor, CancellationToken ct) =>
        await db.WriteAsync<IssuedInvitation>(async (c, tx) =>
        {
            var target = await ManagedMemberAsync(c, tx, actor, organizationId, userId);
            if (!target.IsSuccess) return target.Error!;
            if (target.Value.Status == MemberStatus.Deactivated)
                return Error.Conflict("This member is deactivated: reactivate them before issuing a new invitation.");
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE users SET password_hash = '' WHERE id = @id", new { id = userId.ToString() }, tx);
            await SessionStore.EndAllAsync(c, tx, userId, now, "password_reset");
            var (token, expires) = await IssueInvitationAsync(c, tx, actor, target.Value, now, validFor);
            await AuditLog.AppendAsync(c, tx, now, actor, "user.reinvited", subjectId: userId, data: new { expires_at = Time.Store(expires) });
            return new IssuedInvitation(target.Value with { Status = MemberStatus.Invited }, token, expires);
        }, ct);

    /// <summary>The person an invitation link is for, while the link is unused, unrevoked and unexpired; otherwise not found.</summary>
    public async Task<Result<UserView>> FindInvitationAsync(string? token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return Error.NotFound("invitation");
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " JOIN invitations i ON i.user_id = u.id" + OpenInvitation,
            new { hash = TokenHash(token!), now = Time.Store(Time.Now(clock)) });
        return row is null ? Error.NotFound("invitation") : ToView(row);
    }

    /// <summary>Sets the invited person's own password and uses the link up; a used, revoked or expired link is not found.</summary>
    public async Task<Result<UserView>> AcceptInvitationAsync(string? token, string? password, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return Error.NotFound("invitation");
        return await db.WriteAsync<UserView>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " JOIN invitations i ON i.user_id = u.id" + OpenInvitation,
                new { hash = TokenHash(token!), now = Time.Store(now) }, tx);
            if (row is null) return Error.NotFound("invitation");
            var view = ToView(row);
            if (PasswordPolicy.Check(password, view.Email) is { } problem) return Error.Invalid("password", problem);
            // Only one request can use the link: the update that finds it still open wins.
            var used = await c.ExecuteAsync("UPDATE invitations SET accepted_at = @now WHERE token_hash = @hash AND accepted_at IS NULL AND revoked_at IS NULL",
                new { now = Time.Store(now), hash = TokenHash(token!) }, tx);
            if (used != 1) return Error.NotFound("invitation");
            await c.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @id", new { hash = Hasher.HashPassword(view, password!), id = row.id }, tx);
            await AuditLog.AppendAsync(c, tx, now, view.ToCaller(), "user.invitation_accepted", subjectId: view.Id, platformVisible: false);
            return view with { Status = MemberStatus.Active };
        }, ct);
    }

    /// <summary>Changes a signed-in person's own password; the current one is required. Their other sessions end.</summary>
    public async Task<Result<UserView>> ChangePasswordAsync(Guid userId, string? current, string? replacement, string? keepSessionToken, CancellationToken ct)
    {
        await using (var c = await db.OpenAsync(ct))
        {
            var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.id = @id AND u.deactivated_at IS NULL", new { id = userId.ToString() });
            if (row is null) return Error.NotFound("user");
            if (string.IsNullOrEmpty(current) || current.Length > PasswordPolicy.MaxLength || row.password_hash.Length == 0
                || Hasher.VerifyHashedPassword(ToView(row), row.password_hash, current) == PasswordVerificationResult.Failed)
                return Error.Invalid("current_password", "is not right");
        }
        if (PasswordPolicy.Check(replacement, null) is { } problem) return Error.Invalid("new_password", problem);
        if (replacement == current) return Error.Invalid("new_password", "must differ from the current password");
        return await db.WriteAsync<UserView>(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.id = @id AND u.deactivated_at IS NULL", new { id = userId.ToString() }, tx);
            if (row is null) return Error.NotFound("user");
            var view = ToView(row);
            if (PasswordPolicy.Check(replacement, view.Email) is { } personal) return Error.Invalid("new_password", personal);
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @id", new { hash = Hasher.HashPassword(view, replacement!), id = row.id }, tx);
            await SessionStore.EndAllAsync(c, tx, userId, now, "password_changed", keepSessionToken);
            await AuditLog.AppendAsync(c, tx, now, view.ToCaller(), "user.password_changed", subjectId: view.Id, platformVisible: false);
            return view;
        }, ct);
    }

    /// <summary>Deactivates a member: their sessions end and their person keys stop at once, on every node; their history stays theirs.</summary>
    public Task<Result<UserView>> DeactivateAsync(Caller actor, Guid organizationId, Guid userId, CancellationToken ct) =>
        db.WriteAsync<UserView>(async (c, tx) =>
        {
            var target = await ManagedMemberAsync(c, tx, actor, organizationId, userId);
            if (!target.IsSuccess) return target.Error!;
            if (actor.PersonId == userId) return Error.Conflict("You cannot deactivate yourself: ask another admin.");
            if (target.Value.Status == MemberStatus.Deactivated) return target.Value;
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE users SET deactivated_at = @now WHERE id = @id", new { now = Time.Store(now), id = userId.ToString() }, tx);
            await c.ExecuteAsync("UPDATE invitations SET revoked_at = @now WHERE user_id = @id AND accepted_at IS NULL AND revoked_at IS NULL",
                new { now = Time.Store(now), id = userId.ToString() }, tx);
            await SessionStore.EndAllAsync(c, tx, userId, now, "deactivated");
            await AuditLog.AppendAsync(c, tx, now, actor, "user.deactivated", subjectId: userId, platformVisible: false);
            return target.Value with { Status = MemberStatus.Deactivated };
        }, ct);

    /// <summary>Reactivates a member: they sign in again (their person keys, unless revoked, work again).</summary>
    public Task<Result<UserView>> ReactivateAsync(Caller actor, Guid organizationId, Guid userId, CancellationToken ct) =>
        db.WriteAsync<UserView>(async (c, tx) =>
        {
            var target = await ManagedMemberAsync(c, tx, actor, organizationId, userId);
            if (!target.IsSuccess) return target.Error!;
            if (target.Value.Status != MemberStatus.Deactivated) return target.Value;
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE users SET deactivated_at = NULL WHERE id = @id", new { id = userId.ToString() }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "user.reactivated", subjectId: userId, platformVisible: false);
            var row = await c.QuerySingleAsync<Row>(Select + " WHERE u.id = @id", new { id = userId.ToString() }, tx);
            return ToView(row);
        }, ct);

    /// <summary>Checks an e-mail and password; the same answer for an unknown address, a wrong password, an invited or a deactivated person.</summary>
    public async Task<Result<UserView>> SignInAsync(string? email, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || password.Length > PasswordPolicy.MaxLength) return Refused;
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.email = @email", new { email = email.Trim().ToLowerInvariant() });
        if (row is null || row.password_hash.Length == 0)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return Refused;
        }
        var view = ToView(row);
        var check = Hasher.VerifyHashedPassword(view, row.password_hash, password);
        if (check == PasswordVerificationResult.Failed || view.Status != MemberStatus.Active) return Refused;
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

    private const string OpenInvitation = " WHERE i.token_hash = @hash AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > @now AND u.deactivated_at IS NULL";

    private static string? ValidateEmail(Validator v, string? input)
    {
        var email = input?.Trim().ToLowerInvariant();
        if (v.Require("email", email) && (email!.Length > 254 || email.IndexOf('@') is < 1 || email.EndsWith('@') || email.Any(char.IsWhiteSpace)))
            v.Add("email", "is not an e-mail address");
        return email;
    }

    /// <summary>Inserts a member (password null: invited, cannot sign in yet) after checking the actor may add to this organisation.</summary>
    private async Task<Result<UserView>> InsertAsync(DbConnection c, DbTransaction tx, Caller actor, Guid organizationId, string email, string role, string? password)
    {
        if (!await MayManageAsync(c, tx, actor, organizationId)) return Error.NotFound("organization");
        var org = await c.QuerySingleOrDefaultAsync<(string kind, string name)?>(
            "SELECT kind, name FROM organizations WHERE id = @id", new { id = organizationId.ToString() }, tx);
        if (org is null) return Error.NotFound("organization");
        if (!Roles.For(org.Value.kind).Contains(role))
            return Error.Invalid("role", $"must be one of {string.Join(", ", Roles.For(org.Value.kind))} in a {org.Value.kind} organisation");
        var taken = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE email = @email", new { email }, tx);
        if (taken > 0) return Error.Conflict("Someone already signs in with this e-mail address.", "email");
        var id = Guid.CreateVersion7();
        var now = Time.Now(clock);
        var view = new UserView(id, email, role, organizationId, org.Value.kind, org.Value.name, now, password is null ? MemberStatus.Invited : MemberStatus.Active);
        await c.ExecuteAsync(
            "INSERT INTO users (id, org_id, email, password_hash, role, created_at) VALUES (@id, @org, @email, @hash, @role, @now)",
            new { id = id.ToString(), org = organizationId.ToString(), email, hash = password is null ? "" : Hasher.HashPassword(view, password), role, now = Time.Store(now) }, tx);
        return view;
    }

    /// <summary>
    /// The service itself and the operator (command line, API) manage any organisation's members; a person manages
    /// their own organisation's members only while they are an active admin of it (checked in the store, not the cookie).
    /// </summary>
    private static async Task<bool> MayManageAsync(DbConnection c, DbTransaction tx, Caller actor, Guid organizationId)
    {
        if (actor == Caller.System) return true;
        if (actor.OrganizationId != organizationId && !actor.IsOperator) return false;
        var powers = await CallerPowers.OfAsync(c, tx, actor);
        if (!powers.Has(Scopes.Admin)) return false;
        // A person manages only their own organisation, even the operator's admins.
        return powers.PersonId is null || actor.OrganizationId == organizationId;
    }

    private async Task<Result<UserView>> ManagedMemberAsync(DbConnection c, DbTransaction tx, Caller actor, Guid organizationId, Guid userId)
    {
        if (!await MayManageAsync(c, tx, actor, organizationId)) return Error.NotFound("member");
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE u.id = @id AND u.org_id = @org", new { id = userId.ToString(), org = organizationId.ToString() }, tx);
        return row is null ? Error.NotFound("member") : ToView(row);
    }

    /// <summary>Revokes the person's open links and stores a new one (only the hash of its token).</summary>
    private static async Task<(string Token, DateTimeOffset Expires)> IssueInvitationAsync(DbConnection c, DbTransaction tx, Caller actor, UserView user, DateTimeOffset now, TimeSpan validFor)
    {
        await c.ExecuteAsync("UPDATE invitations SET revoked_at = @now WHERE user_id = @id AND accepted_at IS NULL AND revoked_at IS NULL",
            new { now = Time.Store(now), id = user.Id.ToString() }, tx);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expires = now + validFor;
        await c.ExecuteAsync(
            "INSERT INTO invitations (id, token_hash, user_id, org_id, created_at, expires_at, created_by_person) VALUES (@id, @hash, @user, @org, @now, @expires, @by)",
            new { id = Guid.CreateVersion7().ToString(), hash = TokenHash(token), user = user.Id.ToString(), org = user.OrganizationId.ToString(),
                  now = Time.Store(now), expires = Time.Store(expires), by = actor.PersonId?.ToString() }, tx);
        return (token, expires);
    }

    private static bool LooksLikeToken(string? token) => token is { Length: > 20 and < 100 };

    internal static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

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
        new(Guid.Parse(r.id), r.email, r.role, Guid.Parse(r.org_id), r.kind, r.name, Time.Load(r.created_at),
            r.deactivated_at is not null ? MemberStatus.Deactivated : r.password_hash.Length == 0 ? MemberStatus.Invited : MemberStatus.Active);
}
