using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Orders;
using Takedown.Core.Signals;
using Takedown.Core.Storage;

namespace Takedown.Core.Accountability;

/// <summary>
/// A DSA Art. 17 statement of reasons, with the DSA Transparency Database's own field names and enumerations
/// (docs/schemas/dsa-statement.schema.json). <c>puid</c> is derived from the item id: unique and stable.
/// </summary>
public sealed record DsaStatement(
    [property: JsonPropertyName("decision_visibility")] IReadOnlyList<string> DecisionVisibility,
    [property: JsonPropertyName("decision_ground")] string DecisionGround,
    [property: JsonPropertyName("illegal_content_legal_ground"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IllegalContentLegalGround,
    [property: JsonPropertyName("illegal_content_explanation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IllegalContentExplanation,
    [property: JsonPropertyName("incompatible_content_ground"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IncompatibleContentGround,
    [property: JsonPropertyName("incompatible_content_explanation"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IncompatibleContentExplanation,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("category_specification")] IReadOnlyList<string> CategorySpecification,
    [property: JsonPropertyName("content_type")] IReadOnlyList<string> ContentType,
    [property: JsonPropertyName("content_type_other"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentTypeOther,
    [property: JsonPropertyName("content_date")] string ContentDate,
    [property: JsonPropertyName("application_date")] string ApplicationDate,
    [property: JsonPropertyName("territorial_scope")] IReadOnlyList<string> TerritorialScope,
    [property: JsonPropertyName("decision_facts")] string DecisionFacts,
    [property: JsonPropertyName("source_type")] string SourceType,
    [property: JsonPropertyName("automated_detection")] string AutomatedDetection,
    [property: JsonPropertyName("automated_decision")] string AutomatedDecision,
    [property: JsonPropertyName("puid")] string Puid);

public sealed record StatementView(Guid OrderId, Guid ItemId, DateTimeOffset? SentAt, DsaStatement Statement);

/// <summary>
/// Statements of reasons for each removal or disabling: generated from the order and the action, held back while
/// the order's <c>confidential_until</c> has not passed (the uploader must not be told), marked sent by the platform,
/// and exported as JSON lines for the DSA Transparency Database.
/// </summary>
public sealed class StatementsService(IDatabase db, SignalKinds kinds, TimeProvider clock)
{
    public const int MaxBatch = 100;

    /// <summary>Annex II: removed or disabled in all Member States.</summary>
    public static readonly string[] MemberStates =
        ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"];

    private sealed record Row(string order_id, string item_id, string kind, string created_at, string? confidential_until, string body_json,
        string action, string acted_at, string? rule_id, string? explanation, string? sent_at);

    private const string Select = """
        SELECT o.id AS order_id, i.id AS item_id, o.kind, o.created_at, o.confidential_until, o.body_json, i.action, i.acted_at, i.rule_id,
               i.explanation, s.sent_at
        FROM order_items i JOIN orders o ON o.id = i.order_id LEFT JOIN statement_sends s ON s.item_id = i.id
        """;

    public async Task<Result<StatementView>> GetAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var found = await FindAsync(c, null, caller, orderId, itemId);
        return found.IsSuccess ? await ToViewAsync(c, null, found.Value) : found.Error!;
    }

    public async Task<Result<StatementView>> MarkSentAsync(Caller caller, Guid orderId, Guid itemId, CancellationToken ct) =>
        await db.WriteAsync<StatementView>(async (c, tx) =>
        {
            var found = await FindAsync(c, tx, caller, orderId, itemId);
            if (!found.IsSuccess) return found.Error!;
            if (found.Value.sent_at is not null) return Error.Conflict($"The statement was already sent at {found.Value.sent_at}.");
            var now = Time.Now(clock);
            await c.ExecuteAsync("INSERT INTO statement_sends (item_id, sent_at, sent_by) VALUES (@item, @now, @by)",
                new { item = itemId.ToString(), now = Time.Store(now), by = caller.KeyId.ToString() }, tx);
            await AuditLog.AppendAsync(c, tx, now, caller, "statement.sent", orderId: orderId, itemId: itemId);
            return await ToViewAsync(c, tx, found.Value with { sent_at = Time.Store(now) });
        }, ct);

    /// <summary>The platform's statements for actions in [from, to) whose secrecy has passed, oldest action first.</summary>
    public async Task<Result<IReadOnlyList<DsaStatement>>> ExportAsync(Caller caller, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        if (!caller.IsPlatform) return Error.Forbidden("Statements of reasons are the platform's: only a platform exports them.");
        var v = new Validator();
        v.Require("from", from);
        v.Require("to", to);
        if (from is not null && to is not null && to <= from) v.Add("to", "must be after from");
        if (!v.IsValid) return v.ToError();
        var now = Time.Now(clock);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(
            $"""
            {Select}
            WHERE o.platform_id = @org AND i.action IN ('removed', 'disabled') AND i.acted_at >= @from AND i.acted_at < @to
              AND (o.confidential_until IS NULL OR o.confidential_until <= @now)
            ORDER BY i.acted_at, i.id
            """, new { org = caller.OrganizationId.ToString(), from = Time.Store(from!.Value), to = Time.Store(to!.Value), now = Time.Store(now) });
        var banked = await BankedSignalTypesAsync(c, null,
            "JOIN orders o ON o.id = i.order_id WHERE o.platform_id = @org AND i.acted_at >= @from AND i.acted_at < @to",
            new { org = caller.OrganizationId.ToString(), from = Time.Store(from!.Value), to = Time.Store(to!.Value) });
        return rows.Select(r => Build(r, banked)).ToList();
    }

    private async Task<Result<Row>> FindAsync(DbConnection c, DbTransaction? tx, Caller caller, Guid orderId, Guid itemId)
    {
        var order = await OrderStore.FindVisibleAsync(c, tx, orderId, caller.OrganizationId);
        if (order is null) return Error.NotFound("order");
        if (order.platform_id != caller.OrganizationId.ToString()) return Error.Forbidden("The statement of reasons is the platform's to give.");
        var row = await c.QuerySingleOrDefaultAsync<Row>($"{Select} WHERE i.id = @item AND i.order_id = @order", new { item = itemId.ToString(), order = order.id }, tx);
        if (row is null) return Error.NotFound("item");
        if (row.action is not (Actions.Removed or Actions.Disabled) || row.acted_at is null)
            return Error.Conflict("A statement of reasons follows a removal or a disabling; this item has none.", "item_id");
        var now = Time.Now(clock);
        if (row.confidential_until is not null && Time.Load(row.confidential_until) > now)
            return Error.Conflict($"The uploader must not be told before {row.confidential_until} (the order's confidential_until); the statement is held back until then.", "confidential_until");
        return row;
    }

    private async Task<StatementView> ToViewAsync(DbConnection c, DbTransaction? tx, Row r)
    {
        var banked = await BankedSignalTypesAsync(c, tx, "WHERE i.id = @item", new { item = r.item_id });
        return new(Guid.Parse(r.order_id), Guid.Parse(r.item_id), Time.LoadNullable(r.sent_at), Build(r, banked));
    }

    /// <summary>
    /// The signal types the platform banked from each item (bank entries naming it): an order names only a
    /// URL, so this is how a statement knows the content was an image, a video or a text.
    /// </summary>
    private static async Task<ILookup<string, string>> BankedSignalTypesAsync(DbConnection c, DbTransaction? tx, string items, object args) =>
        (await c.QueryAsync<(string item_id, string signal_type)>(
            $"SELECT DISTINCT b.order_item_id AS item_id, b.signal_type FROM bank_entries b JOIN order_items i ON i.id = b.order_item_id {items}", args, tx))
        .ToLookup(x => x.item_id, x => x.signal_type);

    private DsaStatement Build(Row r, ILookup<string, string> banked)
    {
        var body = JsonSerializer.Deserialize<OrderBody>(r.body_json, TakedownJson.Options)!;
        var removal = r.kind == OrderKinds.RemovalOrder;
        var types = body.TerroristContentTypes ?? [];
        var facts = (body.Reasons ?? "").Trim();
        if (r.explanation is { Length: > 0 } e) facts = facts.Length == 0 ? e : facts + "\n" + e;
        var contentTypes = kinds.ContentTypes(banked[r.item_id].ToHashSet());
        if (facts.Length == 0) facts = removal ? "Removal order under Regulation (EU) 2021/784." : "Referral checked against the platform's terms.";
        return new DsaStatement(
            DecisionVisibility: [r.action == Actions.Removed ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_CONTENT_DISABLED"],
            DecisionGround: removal ? "DECISION_GROUND_ILLEGAL_CONTENT" : "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            IllegalContentLegalGround: removal ? Cut(body.LegalBasis ?? "Regulation (EU) 2021/784, Art. 3", 500) : null,
            IllegalContentExplanation: removal ? Cut(facts, 2000) : null,
            IncompatibleContentGround: removal ? null : Cut(r.rule_id ?? "terms of service", 500),
            IncompatibleContentExplanation: removal ? null : Cut(facts, 2000),
            Category: types.Count > 0 && types.All(t => t == "threats") ? "STATEMENT_CATEGORY_VIOLENCE" : "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
            CategorySpecification: ["KEYWORD_TERRORIST_CONTENT"],
            ContentType: contentTypes.Count > 0 ? contentTypes : ["CONTENT_TYPE_OTHER"],
            ContentTypeOther: contentTypes.Count > 0 ? null : "content at a reported URL",
            ContentDate: Time.Load(r.created_at).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ApplicationDate: Time.Load(r.acted_at).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            TerritorialScope: MemberStates,
            DecisionFacts: Cut(facts, 5000),
            SourceType: removal ? "SOURCE_TYPE_OTHER_NOTIFICATION" : "SOURCE_TRUSTED_FLAGGER",
            AutomatedDetection: "No",
            AutomatedDecision: "AUTOMATED_DECISION_NOT_AUTOMATED",
            Puid: "takedown-" + r.item_id);
    }

    /// <summary>The database's field limits: longer texts are cut, never refused.</summary>
    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
