using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Takedown.Core.Users;

namespace Takedown.Core.SecondFactors;

/// <summary>The second factors a person can hold, named as the session and the audit log name them.</summary>
public static class SecondFactorKinds
{
    public const string Totp = "totp";
    public const string Passkey = "passkey";
    public const string Recovery = "recovery";
}

/// <summary>The roles of one organisation that must sign in with a second factor.</summary>
public sealed record SecondFactorPolicy(Guid OrganizationId, IReadOnlyList<string> RequiredRoles, bool IsDefault)
{
    public bool Requires(string role) => RequiredRoles.Contains(role, StringComparer.Ordinal);
}

public sealed record PasskeyView(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A passkey as the WebAuthn check needs it.</summary>
public sealed record StoredPasskey(Guid Id, byte[] CredentialId, byte[] PublicKey, uint SignCount);

/// <summary>What a person holds, and whether their organisation requires them to hold something.</summary>
public sealed record SecondFactorStatus(bool Required, bool HasTotp, IReadOnlyList<PasskeyView> Passkeys, int RecoveryCodesLeft, DateTimeOffset? LockedUntil)
{
    public bool HasAny => HasTotp || Passkeys.Count > 0;
}

/// <summary>An authenticator app being set up: the secret in base32 and the otpauth:// address for the QR code.</summary>
public sealed record TotpEnrolment(string Secret, string Uri);

/// <summary>A session under its organisation's policy: fine, its person must enrol a factor, or it was opened without the factor they hold.</summary>
public enum SessionStanding
{
    Satisfied,
    MustEnrol,
    MustSignInAgain,
}

/// <summary>A member's second factors as their admin sees them (never the secrets).</summary>
public sealed record MemberFactors(Guid UserId, string Email, string Role, bool HasTotp, int Passkeys, int RecoveryCodesLeft, DateTimeOffset? LockedUntil);

/// <summary>
/// Second factors: authenticator apps (TOTP, secret sealed by the master key, no code accepted twice), passkeys
/// (checked by the web host, stored here), single-use recovery codes (stored as hashes), each organisation's
/// policy, and a lockout after repeated failures. Every change and every use is audited.
/// </summary>
public sealed class SecondFactorsService(IDatabase db, TimeProvider clock, MasterKey master)
{
    /// <summary>Failures in a row before the second-factor step locks.</summary>
    public const int MaxFailures = 5;

    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    public const int RecoveryCodeCount = 10;

    /// <summary>Without a policy of its own, an organisation requires a second factor of its admins and analysts.</summary>
    public static readonly string[] DefaultRequiredRoles = [Roles.Admin, Roles.Analyst];

    public const string Issuer = "Takedown";

    private const string SealPurpose = "totp-secret";

    private static readonly Error Locked = new(ErrorKind.Forbidden, "Locked",
        "Too many wrong second-factor attempts. Try again in 15 minutes, or ask an admin of your organisation.");

    private static readonly Error Wrong = Error.Invalid("code", "is not right");

    public async Task<SecondFactorPolicy> PolicyAsync(Guid organizationId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await PolicyAsync(c, null, organizationId);
    }

    /// <summary>Sets the roles that must have a second factor; an organisation's admin for their own, the operator for any.</summary>
    public async Task<Result<SecondFactorPolicy>> SetPolicyAsync(Caller actor, Guid organizationId, IReadOnlyCollection<string>? roles, CancellationToken ct)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId) return Error.NotFound("organization");
        roles ??= [];
        return await db.WriteAsync<SecondFactorPolicy>(async (c, tx) =>
        {
            var kind = await c.QuerySingleOrDefaultAsync<string>("SELECT kind FROM organizations WHERE id = @id", new { id = organizationId.ToString() }, tx);
            if (kind is null) return Error.NotFound("organization");
            var allowed = Roles.For(kind);
            var bad = roles.Where(r => !allowed.Contains(r)).ToList();
            if (bad.Count > 0) return Error.Invalid("required_roles", $"must be among {string.Join(", ", allowed)} in a {kind} organisation");
            var ordered = allowed.Where(roles.Contains).ToList();
            var now = Time.Now(clock);
            await c.ExecuteAsync("DELETE FROM second_factor_policies WHERE org_id = @org", new { org = organizationId.ToString() }, tx);
            await c.ExecuteAsync("INSERT INTO second_factor_policies (org_id, required_roles, updated_at) VALUES (@org, @roles, @now)",
                new { org = organizationId.ToString(), roles = string.Join(' ', ordered), now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, actor, "second_factor.policy_changed", subjectId: organizationId,
                data: new { required_roles = ordered }, platformVisible: false);
            return new SecondFactorPolicy(organizationId, ordered, false);
        }, ct);
    }

    public async Task<SecondFactorStatus> StatusAsync(UserView user, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var policy = await PolicyAsync(c, null, user.OrganizationId);
        var id = user.Id.ToString();
        var hasTotp = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NOT NULL", new { id }) > 0;
        var passkeys = (await c.QueryAsync<(string id, string name, string created_at, string? last_used_at)>(
                "SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = @id ORDER BY created_at", new { id }))
            .Select(p => new PasskeyView(Guid.Parse(p.id), p.name, Time.Load(p.created_at), Time.LoadNullable(p.last_used_at))).ToList();
        var codes = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM recovery_codes WHERE user_id = @id AND used_at IS NULL", new { id });
        var locked = Time.LoadNullable(await c.QuerySingleOrDefaultAsync<string?>("SELECT locked_until FROM second_factor_guard WHERE user_id = @id", new { id }));
        return new SecondFactorStatus(policy.Requires(user.Role), hasTotp, passkeys, (int)codes, locked > Time.Now(clock) ? locked : null);
    }

    /// <summary>Whether a session may go on under its organisation's policy, and if not, what the person must do.</summary>
    public async Task<SessionStanding> StandingAsync(Guid userId, Guid organizationId, string role, bool sessionUsedSecondFactor, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (!(await PolicyAsync(c, null, organizationId)).Requires(role)) return SessionStanding.Satisfied;
        if (!await HoldsAnyAsync(c, null, userId.ToString())) return SessionStanding.MustEnrol;
        return sessionUsedSecondFactor ? SessionStanding.Satisfied : SessionStanding.MustSignInAgain;
    }

    /// <summary>Starts (or restarts) setting up an authenticator app; refused while a confirmed one exists.</summary>
    public async Task<Result<TotpEnrolment>> BeginTotpAsync(UserView user, CancellationToken ct) =>
        await db.WriteAsync<TotpEnrolment>(async (c, tx) =>
        {
            var id = user.Id.ToString();
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NOT NULL", new { id }, tx) > 0)
                return Error.Conflict("An authenticator app is already set up. Remove it first to set up another.");
            var secret = Totp.NewSecret();
            await c.ExecuteAsync("DELETE FROM totp_authenticators WHERE user_id = @id", new { id }, tx);
            await c.ExecuteAsync("INSERT INTO totp_authenticators (user_id, secret_sealed, created_at) VALUES (@id, @s, @now)",
                new { id, s = master.Seal(SealPurpose, secret), now = Time.Store(Time.Now(clock)) }, tx);
            return Enrolment(user, secret);
        }, ct);

    /// <summary>The authenticator app being set up, if any (to show its QR code again).</summary>
    public async Task<TotpEnrolment?> PendingTotpAsync(UserView user, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var sealedSecret = await c.QuerySingleOrDefaultAsync<string?>(
            "SELECT secret_sealed FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NULL", new { id = user.Id.ToString() });
        return sealedSecret is null ? null : Enrolment(user, master.Open(SealPurpose, sealedSecret));
    }

    /// <summary>Confirms the app with a code it shows. Returns new recovery codes when the person had none left (shown once), else none.</summary>
    public async Task<Result<string[]>> ConfirmTotpAsync(UserView user, string? code, CancellationToken ct) =>
        await db.WriteAsync<string[]>(async (c, tx) =>
        {
            var id = user.Id.ToString();
            var sealedSecret = await c.QuerySingleOrDefaultAsync<string?>(
                "SELECT secret_sealed FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NULL", new { id }, tx);
            if (sealedSecret is null) return Error.Conflict("Start setting up an authenticator app first.");
            var now = Time.Now(clock);
            if (Totp.Match(master.Open(SealPurpose, sealedSecret), code, now) is not { } step) return Wrong;
            await c.ExecuteAsync("UPDATE totp_authenticators SET confirmed_at = @now, last_step = @step WHERE user_id = @id",
                new { id, now = Time.Store(now), step }, tx);
            await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.enrolled", subjectId: user.Id, data: new { kind = SecondFactorKinds.Totp }, platformVisible: false);
            return await RecoveryCodesIfNoneAsync(c, tx, user, now);
        }, ct);

    /// <summary>Keeps a passkey the web host has verified. Returns new recovery codes when the person had none left.</summary>
    public async Task<Result<string[]>> AddPasskeyAsync(UserView user, byte[] credentialId, byte[] publicKey, uint signCount, string? name, CancellationToken ct)
    {
        name = string.IsNullOrWhiteSpace(name) ? "Passkey" : name.Trim();
        if (name.Length > 100) return Error.Invalid("name", "must be at most 100 characters");
        return await db.WriteAsync<string[]>(async (c, tx) =>
        {
            var credential = Base64Url(credentialId);
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM passkeys WHERE credential_id = @credential", new { credential }, tx) > 0)
                return Error.Conflict("This passkey is already registered.");
            var now = Time.Now(clock);
            var id = Guid.CreateVersion7();
            await c.ExecuteAsync(
                "INSERT INTO passkeys (id, user_id, credential_id, public_key, sign_count, name, created_at) VALUES (@id, @user, @credential, @key, @count, @name, @now)",
                new { id = id.ToString(), user = user.Id.ToString(), credential, key = Base64Url(publicKey), count = (long)signCount, name, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.enrolled", subjectId: user.Id,
                data: new { kind = SecondFactorKinds.Passkey, passkey_id = id }, platformVisible: false);
            return await RecoveryCodesIfNoneAsync(c, tx, user, now);
        }, ct);
    }

    public async Task<IReadOnlyList<StoredPasskey>> PasskeysOfAsync(Guid userId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string id, string credential_id, string public_key, long sign_count)>(
                "SELECT id, credential_id, public_key, sign_count FROM passkeys WHERE user_id = @id ORDER BY created_at", new { id = userId.ToString() }))
            .Select(p => new StoredPasskey(Guid.Parse(p.id), FromBase64Url(p.credential_id), FromBase64Url(p.public_key), (uint)p.sign_count)).ToList();
    }

    /// <summary>Refused while the person is locked out; checked before a passkey assertion is verified.</summary>
    public async Task<Error?> LockedAsync(UserView user, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await IsLockedAsync(c, null, user.Id.ToString()) ? Locked : null;
    }

    /// <summary>Signs in with a code: six digits from the authenticator app, or a recovery code (used up). Returns the kind used.</summary>
    public async Task<Result<string>> VerifyCodeAsync(UserView user, string? code, CancellationToken ct)
    {
        var result = await db.WriteAsync<string>(async (c, tx) =>
        {
            var id = user.Id.ToString();
            if (await IsLockedAsync(c, tx, id)) return Locked;
            var now = Time.Now(clock);
            string? kind = null;
            if (Totp.Normalise(code) is not null)
            {
                var sealedSecret = await c.QuerySingleOrDefaultAsync<string?>(
                    "SELECT secret_sealed FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NOT NULL", new { id }, tx);
                // A code already accepted (this step or a later one) is refused: the update only moves forward.
                if (sealedSecret is not null && Totp.Match(master.Open(SealPurpose, sealedSecret), code, now) is { } step
                    && await c.ExecuteAsync("UPDATE totp_authenticators SET last_step = @step WHERE user_id = @id AND (last_step IS NULL OR last_step < @step)",
                        new { id, step }, tx) == 1)
                    kind = SecondFactorKinds.Totp;
            }
            else if (NormaliseRecovery(code) is { } recovery
                && await c.ExecuteAsync("UPDATE recovery_codes SET used_at = @now WHERE user_id = @id AND code_hash = @hash AND used_at IS NULL",
                    new { id, hash = RecoveryHash(user.Id, recovery), now = Time.Store(now) }, tx) == 1)
                kind = SecondFactorKinds.Recovery;
            if (kind is null) return Error.Invalid("code", "wrong");
            await SucceededAsync(c, tx, user, kind, now);
            return kind;
        }, ct);
        if (result.Error is { Kind: ErrorKind.Validation }) return await RecordFailureAsync(user, Totp.Normalise(code) is null ? SecondFactorKinds.Recovery : SecondFactorKinds.Totp, ct);
        return result;
    }

    /// <summary>A passkey assertion the web host verified: its counter moves on, the use is audited.</summary>
    public async Task<Result<string>> PasskeyUsedAsync(UserView user, Guid passkeyId, uint signCount, CancellationToken ct) =>
        await db.WriteAsync<string>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            if (await IsLockedAsync(c, tx, user.Id.ToString())) return Locked;
            var updated = await c.ExecuteAsync("UPDATE passkeys SET sign_count = @count, last_used_at = @now WHERE id = @id AND user_id = @user",
                new { id = passkeyId.ToString(), user = user.Id.ToString(), count = (long)signCount, now = Time.Store(now) }, tx);
            if (updated == 0) return Error.NotFound("passkey");
            await SucceededAsync(c, tx, user, SecondFactorKinds.Passkey, now);
            return SecondFactorKinds.Passkey;
        }, ct);

    /// <summary>Counts a failed attempt; the answer is "wrong", or "locked" once <see cref="MaxFailures"/> are reached.</summary>
    public async Task<Error> RecordFailureAsync(UserView user, string kind, CancellationToken ct)
    {
        var locked = await db.WriteAsync<bool>(async (c, tx) =>
        {
            var id = user.Id.ToString();
            var now = Time.Now(clock);
            var failures = await c.QuerySingleOrDefaultAsync<long?>("SELECT failures FROM second_factor_guard WHERE user_id = @id", new { id }, tx) ?? 0;
            failures++;
            var lockNow = failures >= MaxFailures;
            await c.ExecuteAsync("DELETE FROM second_factor_guard WHERE user_id = @id", new { id }, tx);
            await c.ExecuteAsync("INSERT INTO second_factor_guard (user_id, failures, locked_until) VALUES (@id, @f, @until)",
                new { id, f = lockNow ? 0 : failures, until = lockNow ? Time.Store(now + LockFor) : null }, tx);
            await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.failed", subjectId: user.Id, data: new { kind, failures }, platformVisible: false);
            if (lockNow)
                await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.locked", subjectId: user.Id,
                    data: new { until = Time.Store(now + LockFor) }, platformVisible: false);
            return lockNow;
        }, ct);
        return !locked.IsSuccess ? locked.Error! : locked.Value ? Locked : Wrong;
    }

    public async Task<Result<bool>> RemoveTotpAsync(UserView user, CancellationToken ct) =>
        await RemoveAsync(user, SecondFactorKinds.Totp, "DELETE FROM totp_authenticators WHERE user_id = @user", null, ct);

    public async Task<Result<bool>> RemovePasskeyAsync(UserView user, Guid passkeyId, CancellationToken ct) =>
        await RemoveAsync(user, SecondFactorKinds.Passkey, "DELETE FROM passkeys WHERE user_id = @user AND id = @id", passkeyId, ct);

    /// <summary>A fresh set of recovery codes (the old ones stop working), shown once.</summary>
    public async Task<Result<string[]>> RenewRecoveryCodesAsync(UserView user, CancellationToken ct) =>
        await db.WriteAsync<string[]>(async (c, tx) =>
        {
            if (!await HoldsAnyAsync(c, tx, user.Id.ToString())) return Error.Conflict("Set up an authenticator app or a passkey first.");
            await c.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @id", new { id = user.Id.ToString() }, tx);
            var now = Time.Now(clock);
            await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.recovery_codes_renewed", subjectId: user.Id, platformVisible: false);
            return await RecoveryCodesIfNoneAsync(c, tx, user, now);
        }, ct);

    /// <summary>The members of an organisation and what they hold; for its admins, or the operator.</summary>
    public async Task<Result<IReadOnlyList<MemberFactors>>> MembersAsync(Caller actor, Guid organizationId, CancellationToken ct)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId) return Error.NotFound("organization");
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string id, string email, string role, long totp, long passkeys, long codes, string? locked_until)>("""
            SELECT u.id, u.email, u.role,
                   (SELECT COUNT(*) FROM totp_authenticators t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp,
                   (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys,
                   (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes,
                   (SELECT g.locked_until FROM second_factor_guard g WHERE g.user_id = u.id) AS locked_until
            FROM users u WHERE u.org_id = @org ORDER BY u.email
            """, new { org = organizationId.ToString() });
        var now = Time.Now(clock);
        return rows.Select(r => new MemberFactors(Guid.Parse(r.id), r.email, r.role, r.totp > 0, (int)r.passkeys, (int)r.codes,
            Time.LoadNullable(r.locked_until) is { } until && until > now ? until : null)).ToList();
    }

    /// <summary>
    /// Removes every second factor of a member (a lost phone), and lifts a lockout. Their organisation's admin, or the
    /// operator; a member of another organisation is not found. Where a factor is required, the member enrols again at
    /// their next sign-in.
    /// </summary>
    public async Task<Result<bool>> ResetAsync(Caller actor, Guid organizationId, Guid userId, CancellationToken ct)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId) return Error.NotFound("user");
        return await db.WriteAsync<bool>(async (c, tx) =>
        {
            var id = userId.ToString();
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE id = @id AND org_id = @org", new { id, org = organizationId.ToString() }, tx) == 0)
                return Error.NotFound("user");
            await DeleteAllAsync(c, tx, id);
            var now = Time.Now(clock);
            await AuditLog.AppendAsync(c, tx, now, actor, "second_factor.reset", subjectId: userId, platformVisible: false);
            return true;
        }, ct);
    }

    /// <summary>For the operator's command line: the member signing in with <paramref name="email"/>, in any organisation.</summary>
    public async Task<Result<bool>> ResetByEmailAsync(Caller actor, string? email, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email)) return Error.Invalid("email", "is required");
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(string id, string org_id)?>("SELECT id, org_id FROM users WHERE email = @e", new { e = email.Trim().ToLowerInvariant() });
        if (row is null) return Error.NotFound("user");
        return await ResetAsync(actor, Guid.Parse(row.Value.org_id), Guid.Parse(row.Value.id), ct);
    }

    private async Task<Result<bool>> RemoveAsync(UserView user, string kind, string sql, Guid? passkeyId, CancellationToken ct) =>
        await db.WriteAsync<bool>(async (c, tx) =>
        {
            var userId = user.Id.ToString();
            var removed = await c.ExecuteAsync(sql, new { user = userId, id = passkeyId?.ToString() }, tx);
            if (removed == 0) return Error.NotFound(kind == SecondFactorKinds.Totp ? "authenticator app" : "passkey");
            if (!await HoldsAnyAsync(c, tx, userId))
            {
                if ((await PolicyAsync(c, tx, user.OrganizationId)).Requires(user.Role))
                    return Error.Conflict("Your organisation requires a second factor: add another before removing your last one.");
                await c.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @id", new { id = userId }, tx);
            }
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), user.ToCaller(), "second_factor.removed", subjectId: user.Id,
                data: new { kind, passkey_id = passkeyId }, platformVisible: false);
            return true;
        }, ct);

    private static async Task DeleteAllAsync(DbConnection c, DbTransaction tx, string userId)
    {
        foreach (var table in new[] { "totp_authenticators", "passkeys", "recovery_codes", "second_factor_guard" })
            await c.ExecuteAsync($"DELETE FROM {table} WHERE user_id = @id", new { id = userId }, tx);
    }

    private async Task SucceededAsync(DbConnection c, DbTransaction tx, UserView user, string kind, DateTimeOffset now)
    {
        await c.ExecuteAsync("DELETE FROM second_factor_guard WHERE user_id = @id", new { id = user.Id.ToString() }, tx);
        await AuditLog.AppendAsync(c, tx, now, user.ToCaller(), "second_factor.used", subjectId: user.Id, data: new { kind }, platformVisible: false);
    }

    private async Task<bool> IsLockedAsync(DbConnection c, DbTransaction? tx, string userId)
    {
        var until = await c.QuerySingleOrDefaultAsync<string?>("SELECT locked_until FROM second_factor_guard WHERE user_id = @id", new { id = userId }, tx);
        return until is not null && Time.Load(until) > Time.Now(clock);
    }

    private static async Task<bool> HoldsAnyAsync(DbConnection c, DbTransaction? tx, string userId) =>
        await c.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM totp_authenticators WHERE user_id = @id AND confirmed_at IS NOT NULL) + (SELECT COUNT(*) FROM passkeys WHERE user_id = @id)",
            new { id = userId }, tx) > 0;

    private static async Task<SecondFactorPolicy> PolicyAsync(DbConnection c, DbTransaction? tx, Guid organizationId)
    {
        var roles = await c.QuerySingleOrDefaultAsync<string?>("SELECT required_roles FROM second_factor_policies WHERE org_id = @org",
            new { org = organizationId.ToString() }, tx);
        return roles is null
            ? new SecondFactorPolicy(organizationId, DefaultRequiredRoles, true)
            : new SecondFactorPolicy(organizationId, roles.Split(' ', StringSplitOptions.RemoveEmptyEntries), false);
    }

    private async Task<string[]> RecoveryCodesIfNoneAsync(DbConnection c, DbTransaction tx, UserView user, DateTimeOffset now)
    {
        var id = user.Id.ToString();
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM recovery_codes WHERE user_id = @id AND used_at IS NULL", new { id }, tx) > 0) return [];
        await c.ExecuteAsync("DELETE FROM recovery_codes WHERE user_id = @id", new { id }, tx);
        var codes = new List<string>();
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            // 16 characters of base32: 80 bits, so that the stored hash cannot be searched back to its code.
            var raw = Totp.Base32(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
            codes.Add(string.Join('-', raw.Chunk(4).Select(ch => new string(ch))));
            await c.ExecuteAsync("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (@id, @hash, @now)",
                new { id, hash = RecoveryHash(user.Id, raw), now = Time.Store(now) }, tx);
        }
        return [.. codes];
    }

    private static string? NormaliseRecovery(string? code)
    {
        if (code is null) return null;
        var raw = new string(code.Where(ch => ch is not (' ' or '-')).ToArray()).ToLowerInvariant();
        return raw.Length == 16 ? raw : null;
    }

    private static string RecoveryHash(Guid userId, string raw) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"takedown/recovery/{userId}/{raw}")));

    private static TotpEnrolment Enrolment(UserView user, byte[] secret) =>
        new(Totp.Base32(secret), Totp.ProvisioningUri(Issuer, user.Email, secret));

    public static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b + new string('=', (4 - b.Length % 4) % 4));
    }
}
