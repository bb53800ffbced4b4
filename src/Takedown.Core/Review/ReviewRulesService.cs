using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Matching;
using Takedown.Core.Organizations;
using Takedown.Core.Signals;
using Takedown.Core.Storage;

namespace Takedown.Core.Review;

/// <summary>
/// A platform's review rules: what happens on its own when an upload matches. Only the platform sees
/// and changes its rules; <c>remove</c> needs <c>allow_automatic_removal: true</c>, so nothing is
/// removed without a person unless the platform said so in that very rule.
/// </summary>
public sealed class ReviewRulesService(IDatabase db, SignalKinds kinds, TimeProvider clock, ILogger<ReviewRulesService> log)
{
    public const int MaxRules = 200;
    public const int MaxDistance = 100;

    internal sealed record Row(string id, string org_id, string signal_type, long? max_distance, string? bank, string? label, string action,
        long allow_automatic_removal, string created_at, string updated_at);

    private const string Columns = "id, org_id, signal_type, max_distance, bank, label, action, allow_automatic_removal, created_at, updated_at";

    public async Task<Result<RuleView>> CreateAsync(Caller caller, RuleRequest request, CancellationToken ct)
    {
        if (!caller.IsPlatform) return NotAPlatform();
        var v = Validate(request);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<RuleView>(async (c, tx) =>
        {
            if (await BankUnknownAsync(c, tx, caller, request.Bank) is { } unknown) return unknown;
            var count = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM review_rules WHERE org_id = @org", new { org = Org(caller) }, tx);
            if (count >= MaxRules) return Error.Conflict($"An organisation has at most {MaxRules} review rules; delete one first.");
            var id = Guid.CreateVersion7().ToString();
            var now = Time.Store(Time.Now(clock));
            await c.ExecuteAsync(
                $"""
                INSERT INTO review_rules ({Columns})
                VALUES (@id, @org, @signal_type, @max_distance, @bank, @label, @action, @allow, @now, @now)
                """, Parameters(id, caller, request, now), tx);
            var row = await FindAsync(c, tx, Guid.Parse(id), caller);
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), caller, "review.rule_created", subjectId: Guid.Parse(id), data: ToView(row!));
            return ToView(row!);
        }, ct);
        if (result.IsSuccess) ReviewLog.RuleChanged(log, result.Value.Id, "created");
        return result;
    }

    public async Task<Result<RuleView>> UpdateAsync(Caller caller, Guid id, RuleRequest request, CancellationToken ct)
    {
        if (!caller.IsPlatform) return NotAPlatform();
        var v = Validate(request);
        if (!v.IsValid) return v.ToError();
        var result = await db.WriteAsync<RuleView>(async (c, tx) =>
        {
            var before = await FindAsync(c, tx, id, caller);
            if (before is null) return Error.NotFound("rule");
            if (await BankUnknownAsync(c, tx, caller, request.Bank) is { } unknown) return unknown;
            var now = Time.Store(Time.Now(clock));
            await c.ExecuteAsync(
                """
                UPDATE review_rules SET signal_type = @signal_type, max_distance = @max_distance, bank = @bank, label = @label,
                    action = @action, allow_automatic_removal = @allow, updated_at = @now
                WHERE id = @id AND org_id = @org
                """, Parameters(before.id, caller, request, now), tx);
            var row = (await FindAsync(c, tx, id, caller))!;
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), caller, "review.rule_updated", subjectId: id,
                data: new { before = ToView(before), after = ToView(row) });
            return ToView(row);
        }, ct);
        if (result.IsSuccess) ReviewLog.RuleChanged(log, id, "updated");
        return result;
    }

    public async Task<Result<RuleView>> DeleteAsync(Caller caller, Guid id, CancellationToken ct)
    {
        if (!caller.IsPlatform) return NotAPlatform();
        var result = await db.WriteAsync<RuleView>(async (c, tx) =>
        {
            var row = await FindAsync(c, tx, id, caller);
            if (row is null) return Error.NotFound("rule");
            await c.ExecuteAsync("DELETE FROM review_rules WHERE id = @id AND org_id = @org", new { id = row.id, org = Org(caller) }, tx);
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), caller, "review.rule_deleted", subjectId: id, data: ToView(row));
            return ToView(row);
        }, ct);
        if (result.IsSuccess) ReviewLog.RuleChanged(log, id, "deleted");
        return result;
    }

    public async Task<Result<RuleView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await FindAsync(c, null, id, caller);
        return row is null ? Error.NotFound("rule") : ToView(row);
    }

    public async Task<Result<RuleList>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsPlatform) return NotAPlatform();
        await using var c = await db.OpenAsync(ct);
        return new RuleList((await LoadAsync(c, null, caller)).Select(ToView).ToList());
    }

    internal static async Task<List<Row>> LoadAsync(DbConnection c, DbTransaction? tx, Caller caller) =>
        (await c.QueryAsync<Row>($"SELECT {Columns} FROM review_rules WHERE org_id = @org ORDER BY id", new { org = Org(caller) }, tx)).ToList();

    /// <summary>The strictest action of the rules that apply to any of the matches, and the first rule giving it; review (no rule) when none applies.</summary>
    internal static (string Decision, string? RuleId) Decide(IReadOnlyList<Row> rules, IReadOnlyList<MatchView> matches)
    {
        if (matches.Count == 0) return (ReviewDecisions.Allow, null);
        (string Decision, string? RuleId) best = (ReviewActions.Review, null);
        foreach (var rule in rules)
        {
            if (!matches.Any(m => Applies(rule, m))) continue;
            var action = rule.action == ReviewActions.Remove && rule.allow_automatic_removal != 1 ? ReviewActions.Hold : rule.action;
            if (ReviewDecisions.Strictness(action) > ReviewDecisions.Strictness(best.Decision) || best.RuleId is null && action == best.Decision)
                best = (action, rule.id);
        }
        return best;
    }

    private static bool Applies(Row rule, MatchView m) =>
        rule.signal_type == m.SignalType
        && (rule.max_distance is null || m.Distance <= rule.max_distance)
        && (rule.bank is null || rule.bank == m.Bank)
        && (rule.label is null || rule.label == m.Labels.Behaviour);

    private Validator Validate(RuleRequest r)
    {
        var v = new Validator();
        v.OneOf("signal_type", r.SignalType, kinds.Names);
        if (r.MaxDistance is { } d && (d < 0 || d > MaxDistance))
            v.Add("max_distance", $"must be between 0 and {MaxDistance} (PDQ bits, or for text 100 minus the overlap in percent)");
        else if (r.MaxDistance is { } max && kinds.Find(r.SignalType)?.RuleDistanceProblem(max) is { } problem)
            v.Add("max_distance", problem);
        if (r.Bank is not null && string.IsNullOrWhiteSpace(r.Bank)) v.Add("bank", "must be a bank name, or left out for any bank");
        v.MaxLength("bank", r.Bank, 200);
        v.OneOf("label", r.Label, Behaviours.All, required: false);
        if (v.OneOf("action", r.Action, ReviewActions.All))
        {
            if (r.Action == ReviewActions.Remove && r.AllowAutomaticRemoval != true)
                v.Add("allow_automatic_removal", "must be true for a rule whose action is remove: nothing is removed without a person unless the rule says so");
            if (r.Action != ReviewActions.Remove && r.AllowAutomaticRemoval == true)
                v.Add("allow_automatic_removal", "is only given for a rule whose action is remove");
        }
        return v;
    }

    private static async Task<Error?> BankUnknownAsync(DbConnection c, DbTransaction tx, Caller caller, string? bank) =>
        bank is null || await BankStore.FindUsableAsync(c, tx, bank, caller.OrganizationId) is not null
            ? null
            : Error.Invalid("bank", "names no bank your organisation may use");

    private static object Parameters(string id, Caller caller, RuleRequest r, string now) => new
    {
        id, org = Org(caller), signal_type = r.SignalType, max_distance = (long?)r.MaxDistance, bank = r.Bank, label = r.Label, action = r.Action,
        allow = r.AllowAutomaticRemoval == true ? 1 : 0, now,
    };

    private static Task<Row?> FindAsync(DbConnection c, DbTransaction? tx, Guid id, Caller caller) =>
        c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM review_rules WHERE id = @id AND org_id = @org",
            new { id = id.ToString(), org = Org(caller) }, tx);

    private static string Org(Caller caller) => caller.OrganizationId.ToString();

    internal static Error NotAPlatform() => Error.Forbidden("Review of matches is for platforms: checks, cases and rules belong to the platform that posts them.");

    private static RuleView ToView(Row r) => new(Guid.Parse(r.id), r.signal_type, r.max_distance is null ? null : (int)r.max_distance, r.bank, r.label,
        r.action, r.allow_automatic_removal == 1, Time.Load(r.created_at), Time.Load(r.updated_at));
}
