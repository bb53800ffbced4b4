using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;

namespace Takedown.Core.Transparency;

/// <summary>Time to action overall and broken down by counterpart (platform or authority), by kind and by month (YYYY-MM, UTC).</summary>
public sealed record TimeToActionReport(
    TimeToActionFigures Overall, IReadOnlyDictionary<string, TimeToActionFigures> ByCounterpart,
    IReadOnlyDictionary<string, TimeToActionFigures> ByKind, IReadOnlyDictionary<string, TimeToActionFigures> ByMonth);

/// <summary>TCO Art. 7: what a hosting service provider publishes for a period.</summary>
public sealed record PlatformReport(
    IReadOnlyList<string> Measures,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ItemsActioned,
    IReadOnlyDictionary<string, int> RemovalOrderItemsNotExecuted,
    IReadOnlyDictionary<string, int> ReferralItemsNotActioned,
    IReadOnlyDictionary<string, int> Complaints,
    IReadOnlyDictionary<string, int> Scrutiny,
    IReadOnlyDictionary<string, int> Reinstatements);

/// <summary>TCO Art. 8: what a competent authority publishes for a period.</summary>
public sealed record AuthorityReport(
    IReadOnlyDictionary<string, int> OrdersIssued,
    int CrossBorderRemovalOrders,
    IReadOnlyDictionary<string, int> Scrutiny,
    IReadOnlyDictionary<string, int> RemovalOrderItems,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> DataRequests,
    IReadOnlyDictionary<string, int> Blocklist);

public sealed record TransparencyReport(
    string Kind, Guid OrganizationId, DateTimeOffset From, DateTimeOffset To, PlatformReport? Platform, AuthorityReport? Authority,
    TimeToActionReport TimeToAction);

/// <summary>
/// The yearly reports the law asks for, for any period, for the caller's own organisation by its kind: a platform
/// gets its Art. 7 figures, an authority its Art. 8 figures; both get time to action. Periods are [from, to).
/// Orders count by creation, actions by their time, complaints and scrutiny by request, reinstatements by their time.
/// </summary>
public sealed class TransparencyReportsService(IDatabase db)
{
    private sealed record ItemRow(string order_id, string kind, string authority_id, string platform_id, string counterpart_name,
        string created_at, string? received_at, string status, string? action, string? reason, string? acted_at, long? late, string? due_at,
        string? reinstated_at, string? reinstated_because);

    public async Task<Result<TransparencyReport>> ComputeAsync(Caller caller, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        if (!caller.IsPlatform && !caller.IsAuthority) return Error.Forbidden("Transparency reports are for platforms (Art. 7) and authorities (Art. 8).");
        var v = new Validator();
        v.Require("from", from);
        v.Require("to", to);
        if (from is not null && to is not null && to <= from) v.Add("to", "must be after from");
        if (!v.IsValid) return v.ToError();
        var f = Time.Store(from!.Value);
        var t = Time.Store(to!.Value);
        var org = caller.OrganizationId.ToString();
        await using var c = await db.OpenAsync(ct);
        var mine = caller.IsPlatform ? "o.platform_id = @org AND o.received_at IS NOT NULL" : "o.authority_id = @org";
        var items = (await c.QueryAsync<ItemRow>(
            $"""
            SELECT o.id AS order_id, o.kind, o.authority_id, o.platform_id, cp.name AS counterpart_name, o.created_at, o.received_at,
                   i.status, i.action, i.reason, i.acted_at, i.late, i.due_at, i.reinstated_at, i.reinstated_because
            FROM orders o JOIN order_items i ON i.order_id = o.id
            JOIN organizations cp ON cp.id = {(caller.IsPlatform ? "o.authority_id" : "o.platform_id")}
            WHERE {mine}
            """, new { org })).ToList();

        bool In(string? at) => at is not null && string.CompareOrdinal(at, f) >= 0 && string.CompareOrdinal(at, t) < 0;
        var acted = items.Where(i => In(i.acted_at)).ToList();
        var timed = acted.Where(i => i.action is Actions.Removed or Actions.Disabled && i.received_at is not null).ToList();
        (TimeSpan, bool) Point(ItemRow i) => (Time.Load(i.acted_at!) - Time.Load(i.received_at!), i.late != 1);
        Dictionary<string, TimeToActionFigures> By(Func<ItemRow, string> key) =>
            timed.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => OrderStatisticsService.Figures(g.Select(Point)));
        var timeToAction = new TimeToActionReport(OrderStatisticsService.Figures(timed.Select(Point)), By(i => i.counterpart_name), By(i => i.kind),
            By(i => i.acted_at![..7]));

        if (caller.IsPlatform)
        {
            var profile = await c.QuerySingleOrDefaultAsync<string>("SELECT profile_json FROM platform_profiles WHERE org_id = @org", new { org });
            var rules = profile is null ? [] : JsonSerializer.Deserialize<PlatformProfileRequest>(profile, TakedownJson.Options)?.Rules ?? [];
            var measures = rules.Select(r => $"{r.Id}: {r.Title}").ToList();
            var banks = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM banks WHERE owner_org_id = @org", new { org });
            if (banks > 0) measures.Add($"hash matching against {banks} hash bank(s) of its own");
            var actionedKinds = OrderKinds.All.ToDictionary(k => k, k => (IReadOnlyDictionary<string, int>)new[] { Actions.Removed, Actions.Disabled }
                .ToDictionary(a => a, a => acted.Count(i => i.kind == k && i.action == a)));
            var complaints = await CountsAsync(c, "SELECT status, outcome, late, created_at AS at FROM complaints WHERE platform_id = @org", org);
            var scrutiny = await CountsAsync(c, "SELECT status, outcome, late, requested_at AS at FROM scrutiny_requests WHERE platform_id = @org", org);
            var report = new PlatformReport(measures, actionedKinds,
                Count(acted.Where(i => i.kind == OrderKinds.RemovalOrder && i.action == Actions.Impossible), i => i.reason ?? "unknown", Actions.ImpossibleReasons),
                Count(acted.Where(i => i.kind == OrderKinds.Referral && i.action == Actions.NotActioned), i => i.reason ?? "unknown", Actions.NotActionedReasons),
                Summarise(complaints, f, t, ["upheld", "reinstated"]), Summarise(scrutiny, f, t, ["infringes", "upheld"]),
                Count(items.Where(i => In(i.reinstated_at)), i => i.reinstated_because ?? "unknown", Accountability.ReinstatementCauses.All));
            return new TransparencyReport("platform", caller.OrganizationId, from.Value, to.Value, report, null, timeToAction);
        }

        var issued = items.Where(i => In(i.created_at)).GroupBy(i => i.order_id).Select(g => g.First()).ToList();
        var country = await c.QuerySingleOrDefaultAsync<string>("SELECT country FROM organizations WHERE id = @org", new { org });
        var memberStates = new Dictionary<string, string?>();
        foreach (var platformId in issued.Where(i => i.kind == OrderKinds.RemovalOrder).Select(i => i.platform_id).Distinct())
        {
            var p = await c.QuerySingleOrDefaultAsync<(string? profile_json, string? country)>(
                "SELECT p.profile_json, g.country FROM organizations g LEFT JOIN platform_profiles p ON p.org_id = g.id WHERE g.id = @id", new { id = platformId });
            var state = p.profile_json is null ? null : JsonSerializer.Deserialize<PlatformProfileRequest>(p.profile_json, TakedownJson.Options)?.MemberState;
            memberStates[platformId] = (state ?? p.country)?.ToUpperInvariant();
        }
        var removalItems = items.Where(i => i.kind == OrderKinds.RemovalOrder && In(i.created_at)).ToList();
        var scrutinyOfMine = await CountsAsync(c, "SELECT status, outcome, late, requested_at AS at FROM scrutiny_requests WHERE authority_id = @org", org);
        var dataRequests = (await c.QueryAsync<(string kind, string status)>(
                "SELECT kind, status FROM data_requests WHERE authority_id = @org AND received_at >= @f AND received_at < @t", new { org, f, t }))
            .ToList();
        var blocklist = new Dictionary<string, int>
        {
            ["proposed"] = await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM blocklist_listings WHERE authority_id = @org AND proposed_at >= @f AND proposed_at < @t", new { org, f, t }),
            ["activated"] = await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM blocklist_listings WHERE authority_id = @org AND activated_at >= @f AND activated_at < @t", new { org, f, t }),
            ["delisted"] = await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM blocklist_listings WHERE authority_id = @org AND delisted_at >= @f AND delisted_at < @t", new { org, f, t }),
            ["flagged_after_reinstatement"] = await c.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM blocklist_listings WHERE authority_id = @org AND reinstatement_flagged_at >= @f AND reinstatement_flagged_at < @t", new { org, f, t }),
        };
        var authority = new AuthorityReport(
            OrderKinds.All.ToDictionary(k => k, k => issued.Count(i => i.kind == k)),
            issued.Count(i => i.kind == OrderKinds.RemovalOrder && memberStates.GetValueOrDefault(i.platform_id) is { } s && !string.Equals(s, country, StringComparison.OrdinalIgnoreCase)),
            Summarise(scrutinyOfMine, f, t, ["infringes", "upheld"]),
            new Dictionary<string, int>
            {
                ["total"] = removalItems.Count,
                ["complied_on_time"] = removalItems.Count(i => i.action is Actions.Removed or Actions.Disabled && i.late != 1),
                ["complied_late"] = removalItems.Count(i => i.action is Actions.Removed or Actions.Disabled && i.late == 1),
                ["not_executed"] = removalItems.Count(i => i.action == Actions.Impossible),
                ["unanswered"] = removalItems.Count(i => i.action is null && i.status is ItemStatuses.Pending or ItemStatuses.Overdue),
                ["withdrawn"] = removalItems.Count(i => i.status == ItemStatuses.Withdrawn),
                ["reinstated"] = removalItems.Count(i => i.status == ItemStatuses.Reinstated),
            },
            dataRequests.GroupBy(d => d.kind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.GroupBy(d => d.status).OrderBy(x => x.Key, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count())),
            blocklist);
        return new TransparencyReport("authority", caller.OrganizationId, from.Value, to.Value, null, authority, timeToAction);
    }

    private static async Task<List<(string status, string? outcome, long? late, string at)>> CountsAsync(System.Data.Common.DbConnection c, string sql, string org) =>
        (await c.QueryAsync<(string status, string? outcome, long? late, string at)>(sql, new { org })).ToList();

    private static Dictionary<string, int> Summarise(List<(string status, string? outcome, long? late, string at)> rows, string f, string t, string[] outcomes)
    {
        var inPeriod = rows.Where(r => string.CompareOrdinal(r.at, f) >= 0 && string.CompareOrdinal(r.at, t) < 0).ToList();
        var result = new Dictionary<string, int> { ["requested"] = inPeriod.Count, ["open"] = inPeriod.Count(r => r.status == "open") };
        foreach (var o in outcomes) result[o] = inPeriod.Count(r => r.outcome == o);
        result["decided_late"] = inPeriod.Count(r => r.late == 1);
        return result;
    }

    private static Dictionary<string, int> Count(IEnumerable<ItemRow> rows, Func<ItemRow, string> key, string[] known)
    {
        var result = known.ToDictionary(k => k, _ => 0);
        foreach (var r in rows) result[key(r)] = result.GetValueOrDefault(key(r)) + 1;
        return result;
    }

    /// <summary>The report as CSV: one line per figure (section, key, value), flattened in a stable order.</summary>
    public static string ToCsv(TransparencyReport report)
    {
        var json = JsonSerializer.SerializeToNode(report, TakedownJson.Options)!;
        var csv = new StringBuilder("section,key,value\n");
        void Walk(string path, System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var (k, child) in o) Walk(path.Length == 0 ? k : path + "." + k, child);
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    for (var i = 0; i < a.Count; i++) Walk(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", a[i]);
                    break;
                default:
                    var dot = path.IndexOf('.', StringComparison.Ordinal);
                    var section = dot < 0 ? path : path[..dot];
                    var key = dot < 0 ? "" : path[(dot + 1)..];
                    csv.Append(Quote(section)).Append(',').Append(Quote(key)).Append(',').Append(Quote(node?.ToJsonString().Trim('"') ?? "")).Append('\n');
                    break;
            }
        }
        Walk("", json);
        return csv.ToString();
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
