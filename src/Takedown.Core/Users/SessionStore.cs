using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Core.Users;

/// <summary>A session as checked on a request: the person behind it now, or why it no longer counts.</summary>
public sealed record SessionCheck(bool Valid, string? EndReason, string? SecondFactor);

/// <summary>
/// Web sessions kept in the store, so that every node sees sign-out, deactivation and expiry at once. The
/// cookie carries a random token; the store keeps only its SHA-256. A session ends after
/// <see cref="WebSessionOptions.IdleHours"/> without a request and <see cref="WebSessionOptions.AbsoluteHours"/> after sign-in.
/// </summary>
public sealed class SessionStore(IDatabase db, TimeProvider clock, WebSessionOptions options, ILogger<SessionStore> logger)
{
    /// <summary>last_seen_at is written at most this often per session, not on every request.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    private sealed record Row(string user_id, string role, string last_seen_at, string expires_at, string? ended_at, string? deactivated_at, string? second_factor);

    /// <summary>Opens a session for a person who has passed sign-in; returns the token for their cookie.</summary>
    public async Task<string> StartAsync(UserView user, string? secondFactor, CancellationToken ct)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var result = await db.WriteAsync<bool>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            await c.ExecuteAsync(
                "INSERT INTO sessions (id, user_id, org_id, created_at, last_seen_at, expires_at, second_factor) VALUES (@id, @user, @org, @now, @now, @expires, @factor)",
                new { id = UsersService.TokenHash(token), user = user.Id.ToString(), org = user.OrganizationId.ToString(), now = Time.Store(now),
                      expires = Time.Store(now.AddHours(options.AbsoluteHours)), factor = secondFactor }, tx);
            return true;
        }, ct);
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error!.Title);
        UsersLog.SessionStarted(logger, user.Id);
        return token;
    }

    /// <summary>
    /// Whether the session named by <paramref name="token"/> still lets <paramref name="userId"/> in with
    /// <paramref name="role"/>: not ended, not idle, not past its absolute end, the person active and their role unchanged.
    /// </summary>
    public async Task<SessionCheck> CheckAsync(string? token, Guid userId, string role, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return new(false, "no_session", null);
        var id = UsersService.TokenHash(token);
        Row? row;
        await using (var c = await db.OpenAsync(ct))
            row = await c.QuerySingleOrDefaultAsync<Row>(
                """
                SELECT s.user_id, u.role, s.last_seen_at, s.expires_at, s.ended_at, u.deactivated_at, s.second_factor
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = @id
                """, new { id });
        if (row is null || row.user_id != userId.ToString()) return new(false, "no_session", null);
        if (row.ended_at is not null) return new(false, "ended", null);
        if (row.deactivated_at is not null) return new(false, "deactivated", null);
        if (row.role != role) return new(false, "role_changed", null);
        var now = Time.Now(clock);
        var lastSeen = Time.Load(row.last_seen_at);
        string? expired = now >= Time.Load(row.expires_at) ? "expired" : now >= lastSeen.AddHours(options.IdleHours) ? "idle" : null;
        if (expired is not null)
        {
            await EndAsync(token, expired, ct);
            return new(false, expired, null);
        }
        if (now - lastSeen >= TouchEvery)
            await db.WriteAsync<int>(async (c, tx) => await c.ExecuteAsync(
                "UPDATE sessions SET last_seen_at = @now WHERE id = @id AND ended_at IS NULL", new { now = Time.Store(now), id }, tx), ct);
        return new(true, null, row.second_factor);
    }

    /// <summary>Ends one session (sign-out, expiry).</summary>
    public async Task EndAsync(string? token, string reason, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return;
        await db.WriteAsync<int>(async (c, tx) => await c.ExecuteAsync(
            "UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE id = @id AND ended_at IS NULL",
            new { now = Time.Store(Time.Now(clock)), reason, id = UsersService.TokenHash(token) }, tx), ct);
        UsersLog.SessionEnded(logger, reason);
    }

    /// <summary>Ends every open session of a person inside the caller's transaction, but the one named by <paramref name="keepToken"/>.</summary>
    internal static Task<int> EndAllAsync(DbConnection c, DbTransaction tx, Guid userId, DateTimeOffset now, string reason, string? keepToken = null) =>
        c.ExecuteAsync(
            "UPDATE sessions SET ended_at = @now, end_reason = @reason WHERE user_id = @user AND ended_at IS NULL AND id <> @keep",
            new { now = Time.Store(now), reason, user = userId.ToString(), keep = keepToken is null ? "" : UsersService.TokenHash(keepToken) }, tx);
}
