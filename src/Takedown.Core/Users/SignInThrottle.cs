using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Users;

/// <summary>Whether a sign-in attempt may be checked now; when not, the instant it may be tried again.</summary>
public sealed record ThrottleVerdict(bool Allowed, DateTimeOffset? RetryAt, bool LockedOut)
{
    public static readonly ThrottleVerdict Allow = new(true, null, false);
}

/// <summary>
/// Slows down and then stops password guessing, per account and per client address, in the store so that every
/// node counts the same failures. The account is keyed by a hash of the e-mail address as typed, whether or
/// not anyone signs in with it, so an unknown address is throttled exactly like a known one.
/// </summary>
public sealed class SignInThrottle(IDatabase db, TimeProvider clock, SignInOptions options, ILogger<SignInThrottle> logger)
{
    private sealed record Counter(string key, long failures, string last_failure_at, string? locked_until);

    private sealed record Limit(string Key, string Scope, int Free, int Lockout);

    /// <summary>Before the password is even looked at: is this account, or this address, waiting or locked out?</summary>
    public async Task<ThrottleVerdict> CheckAsync(string? email, string? address, CancellationToken ct)
    {
        var limits = LimitsFor(email, address);
        await using var c = await db.OpenAsync(ct);
        var counters = (await c.QueryAsync<Counter>("SELECT key, failures, last_failure_at, locked_until FROM sign_in_throttle WHERE key = @account OR key = @address",
            new { account = limits[0].Key, address = limits[1].Key })).ToDictionary(r => r.key);
        var now = Time.Now(clock);
        ThrottleVerdict verdict = ThrottleVerdict.Allow;
        foreach (var limit in limits)
        {
            if (!counters.TryGetValue(limit.Key, out var counter)) continue;
            var locked = Time.LoadNullable(counter.locked_until);
            DateTimeOffset? until = null;
            if (locked > now) until = locked;
            else if (locked is null && Time.Load(counter.last_failure_at) > now.AddMinutes(-options.LockoutMinutes))
            {
                var next = Time.Load(counter.last_failure_at) + DelayAfter(counter.failures, limit.Free);
                if (next > now) until = next;
            }
            if (until is not null && (verdict.RetryAt is null || until > verdict.RetryAt))
            {
                verdict = new ThrottleVerdict(false, until, locked > now);
                UsersLog.SignInThrottled(logger, limit.Scope, (int)Math.Ceiling((until.Value - now).TotalSeconds));
            }
        }
        return verdict;
    }

    /// <summary>Counts a failed attempt against the account and the address; the failure that reaches a lockout locks and is audited.</summary>
    public async Task RecordFailureAsync(string? email, string? address, CancellationToken ct)
    {
        var limits = LimitsFor(email, address);
        var result = await db.WriteAsync<bool>(async (c, tx) =>
        {
            var now = Time.Now(clock);
            foreach (var limit in limits)
            {
                // A lockout that has run out, or failures older than the window, start afresh.
                await c.ExecuteAsync(
                    """
                    UPDATE sign_in_throttle SET failures = 0, locked_until = NULL
                    WHERE key = @key AND ((locked_until IS NOT NULL AND locked_until <= @now) OR (locked_until IS NULL AND last_failure_at <= @forget))
                    """, new { key = limit.Key, now = Time.Store(now), forget = Time.Store(now.AddMinutes(-options.LockoutMinutes)) }, tx);
                var failures = await c.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO sign_in_throttle (key, failures, last_failure_at) VALUES (@key, 1, @now)
                    ON CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures + 1, last_failure_at = @now
                    RETURNING failures
                    """, new { key = limit.Key, now = Time.Store(now) }, tx);
                if (limit.Scope == "account") UsersLog.SignInFailed(logger, failures);
                if (failures != limit.Lockout) continue;
                var until = now.AddMinutes(options.LockoutMinutes);
                await c.ExecuteAsync("UPDATE sign_in_throttle SET locked_until = @until WHERE key = @key", new { until = Time.Store(until), key = limit.Key }, tx);
                Guid? subject = null;
                if (limit.Scope == "account" && email is not null)
                    subject = await c.QuerySingleOrDefaultAsync<string>("SELECT id FROM users WHERE email = @email", new { email = Normalize(email) }, tx) is { } id ? Guid.Parse(id) : null;
                await AuditLog.AppendAsync(c, tx, now, Caller.System, "user.locked_out", subjectId: subject, platformVisible: false,
                    data: limit.Scope == "account"
                        ? new { scope = limit.Scope, failures, locked_until = Time.Store(until), known_account = subject is not null }
                        : (object)new { scope = limit.Scope, failures, locked_until = Time.Store(until), address });
                UsersLog.LockedOut(logger, limit.Scope, (int)failures, options.LockoutMinutes);
            }
            return true;
        }, ct);
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error!.Title);
    }

    /// <summary>A right password forgets the account's failures (not the address's: one good account must not reset guessing at others).</summary>
    public async Task RecordSuccessAsync(string? email, CancellationToken ct) =>
        await db.WriteAsync<int>(async (c, tx) => await c.ExecuteAsync("DELETE FROM sign_in_throttle WHERE key = @key", new { key = AccountKey(email) }, tx), ct);

    /// <summary>The wait before the next attempt after <paramref name="failures"/> recent failures: none for the first few, then doubling to a ceiling.</summary>
    internal TimeSpan DelayAfter(long failures, int free)
    {
        if (failures < free) return TimeSpan.Zero;
        var seconds = options.BaseDelaySeconds * Math.Pow(2, Math.Min(failures - free, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, options.MaxDelaySeconds));
    }

    private Limit[] LimitsFor(string? email, string? address) =>
    [
        new(AccountKey(email), "account", options.FreeFailures, options.LockoutFailures),
        new("address:" + (string.IsNullOrEmpty(address) ? "unknown" : address), "address", options.AddressFreeFailures, options.AddressLockoutFailures),
    ];

    private static string Normalize(string? email) => (email ?? "").Trim().ToLowerInvariant();

    private static string AccountKey(string? email) =>
        "account:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(email))));
}
