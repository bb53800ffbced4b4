using System.Text.Json;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Platforms;

public sealed record ContactPoint(string? Name, string? Email, string? Phone);

public sealed record ContentRule(string? Id, string? Title, string? Text);

/// <summary>What a platform publishes about itself to the authorities that send it orders.</summary>
public sealed record PlatformProfileRequest(
    ContactPoint? ContactPoint, string? LegalRepresentative, string? MemberState, List<string>? Languages,
    int? ReferralDeadlineHours, List<ContentRule>? Rules);

public sealed record PlatformView(
    Guid Id, string Name, string? Country, ContactPoint? ContactPoint, string? LegalRepresentative, string? MemberState,
    IReadOnlyList<string> Languages, int ReferralDeadlineHours, IReadOnlyList<ContentRule> Rules, DateTimeOffset? UpdatedAt);

/// <summary>The platform directory and each platform's profile (contact point, languages, referral deadline, content rules).</summary>
public sealed class PlatformsService(IDatabase db, TimeProvider clock)
{
    /// <summary>Referral deadline when a platform has not set one (Europol practice: processed with priority, within a day).</summary>
    public const int DefaultReferralDeadlineHours = 24;

    private sealed record Row(string id, string name, string? country, long? referral_deadline_hours, string? profile_json, string? updated_at);

    private const string Select = """
        SELECT o.id, o.name, o.country, p.referral_deadline_hours, p.profile_json, p.updated_at
        FROM organizations o LEFT JOIN platform_profiles p ON p.org_id = o.id
        WHERE o.kind = 'platform'
        """;

    public async Task<Result<IReadOnlyList<PlatformView>>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (!(caller.IsAuthority || caller.IsOperator || caller.IsOversight))
            return Error.Forbidden("The platform directory is for authorities, oversight and the operator.");
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Row>(Select + " ORDER BY o.name, o.id")).Select(ToView).ToList();
    }

    public async Task<Result<PlatformView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var canSeeAll = caller.IsAuthority || caller.IsOperator || caller.IsOversight;
        if (!canSeeAll && caller.OrganizationId != id) return Error.NotFound("platform");
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(Select + " AND o.id = @id", new { id = id.ToString() });
        return row is null ? Error.NotFound("platform") : ToView(row);
    }

    public async Task<Result<PlatformView>> PutProfileAsync(Caller caller, Guid id, PlatformProfileRequest request, CancellationToken ct)
    {
        if (!caller.IsOperator && caller.OrganizationId != id) return Error.NotFound("platform");
        var v = new Validator();
        if (request.ContactPoint is null) v.Add("contact_point", "is required (the 24/7 point of contact for removal orders)");
        else
        {
            v.Require("contact_point.name", request.ContactPoint.Name);
            if (string.IsNullOrWhiteSpace(request.ContactPoint.Email) && string.IsNullOrWhiteSpace(request.ContactPoint.Phone))
                v.Add("contact_point.email", "an e-mail or a phone is required");
            if (request.ContactPoint.Email is { } e && !e.Contains('@')) v.Add("contact_point.email", "is not an e-mail address");
        }
        if (request.MemberState is not null && !(request.MemberState.Length == 2 && request.MemberState.All(char.IsAsciiLetter)))
            v.Add("member_state", "must be a two-letter country code such as IE");
        if (request.Languages is not null)
            for (var i = 0; i < request.Languages.Count; i++)
                if (request.Languages[i] is not { Length: 2 } l || !l.All(char.IsAsciiLetterLower))
                    v.Add($"languages[{i}]", "must be a two-letter lower-case ISO 639-1 code such as fr");
        if (request.ReferralDeadlineHours is { } h && (h < 1 || h > 24 * 14))
            v.Add("referral_deadline_hours", "must be between 1 and 336");
        var rules = request.Rules ?? [];
        if (rules.Count > 500) v.Add("rules", "at most 500 rules");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            if (v.Require($"rules[{i}].id", rules[i].Id) && !seen.Add(rules[i].Id!)) v.Add($"rules[{i}].id", "is used twice");
            v.Require($"rules[{i}].title", rules[i].Title);
            v.MaxLength($"rules[{i}].text", rules[i].Text, 20_000);
        }
        if (!v.IsValid) return v.ToError();

        return await db.WriteAsync<PlatformView>(async (c, tx) =>
        {
            var org = await c.QuerySingleOrDefaultAsync<string>(
                "SELECT kind FROM organizations WHERE id = @id", new { id = id.ToString() }, tx);
            if (org != OrganizationKinds.Platform) return Error.NotFound("platform");
            var now = Time.Now(clock);
            var json = JsonSerializer.Serialize(request with { ReferralDeadlineHours = null }, TakedownJson.Options);
            await c.ExecuteAsync(
                """
                INSERT INTO platform_profiles (org_id, referral_deadline_hours, profile_json, updated_at) VALUES (@id, @hours, @json, @now)
                ON CONFLICT (org_id) DO UPDATE SET referral_deadline_hours = excluded.referral_deadline_hours, profile_json = excluded.profile_json, updated_at = excluded.updated_at
                """,
                new { id = id.ToString(), hours = request.ReferralDeadlineHours ?? DefaultReferralDeadlineHours, json, now = Time.Store(now) }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "platform.profile_updated", subjectId: id);
            var row = await c.QuerySingleAsync<Row>(Select + " AND o.id = @id", new { id = id.ToString() }, tx);
            return ToView(row);
        }, ct);
    }

    private static PlatformView ToView(Row r)
    {
        var p = r.profile_json is null ? null : JsonSerializer.Deserialize<PlatformProfileRequest>(r.profile_json, TakedownJson.Options);
        return new PlatformView(Guid.Parse(r.id), r.name, r.country, p?.ContactPoint, p?.LegalRepresentative, p?.MemberState,
            p?.Languages ?? [], (int)(r.referral_deadline_hours ?? DefaultReferralDeadlineHours), p?.Rules ?? [], Time.LoadNullable(r.updated_at));
    }
}
