namespace Takedown.Web.Tests.Accountability;

public sealed class StatementTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string StatementPath(JsonNode order, int item = 0) => $"/api/v1/orders/{order.Id()}/items/{order.ItemId(item)}/statement";

    private async Task<string[]> ExportLinesAsync(string query)
    {
        var response = await _platform.GetAsync("/api/v1/reports/dsa-statements?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Statement_ForARemoval_UsesTheDatabasesFieldsAndEnumerations()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var statement = (await _platform.GetOkAsync(StatementPath(order)))["statement"]!;
        Assert.Equal("DECISION_VISIBILITY_CONTENT_REMOVED", statement["decision_visibility"]![0]!.GetValue<string>());
        Assert.Equal("DECISION_GROUND_ILLEGAL_CONTENT", statement["decision_ground"]!.GetValue<string>());
        Assert.Equal("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", statement["category"]!.GetValue<string>());
        Assert.Equal("KEYWORD_TERRORIST_CONTENT", statement["category_specification"]![0]!.GetValue<string>());
        Assert.Equal("SOURCE_TYPE_OTHER_NOTIFICATION", statement["source_type"]!.GetValue<string>());
        Assert.Equal("2026-03-02", statement["application_date"]!.GetValue<string>());
        Assert.Equal("takedown-" + order.ItemId(), statement["puid"]!.GetValue<string>());
        Assert.Empty(SchemaValidator.Validate(SchemaValidator.LoadRepoFile("docs/schemas/dsa-statement.schema.json"), statement));
    }

    [Fact]
    public async Task Statement_ContentType_IsOtherForABareUrl_AndImageOnceThePlatformBankedTheItemsPicture()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var before = (await _platform.GetOkAsync(StatementPath(order)))["statement"]!;
        Assert.Equal("CONTENT_TYPE_OTHER", Assert.Single(before["content_type"]!.AsArray())!.GetValue<string>());
        Assert.NotNull(before["content_type_other"]);

        await _platform.CreateBankAsync("FROM_STATEMENTS");
        await _platform.PostOkAsync("/api/v1/banks/FROM_STATEMENTS/entries", new
        {
            signal_type = "pdq", signal = BankIntents.RandomHash(17), quality = 90, source = "order", order_item_id = order.ItemId(),
        });
        var after = (await _platform.GetOkAsync(StatementPath(order)))["statement"]!;
        Assert.Equal("CONTENT_TYPE_IMAGE", Assert.Single(after["content_type"]!.AsArray())!.GetValue<string>());
        Assert.Null(after["content_type_other"]);
        Assert.Empty(SchemaValidator.Validate(SchemaValidator.LoadRepoFile("docs/schemas/dsa-statement.schema.json"), after));
    }

    [Fact]
    public async Task Statement_IsHeldBackUntilConfidentialUntil_ThenCanBeMarkedSentOnce()
    {
        var body = ApiClient.OrderBody(_platform.Id, []);
        body["confidential_until"] = TestApp.Start.AddDays(10);
        var order = await _authority.PostOkAsync("/api/v1/orders", body);
        await _platform.ActAsync(order, 0, new { action = "disabled" });

        await Problem.AssertAsync(await _platform.GetAsync(StatementPath(order)), 409, "confidential_until");
        await Problem.AssertAsync(await _platform.PostAsync($"{StatementPath(order)}/sent"), 409, "confidential_until");
        Assert.Empty(await ExportLinesAsync("from=2026-03-01&to=2026-04-01"));

        _app.Clock.Advance(TimeSpan.FromDays(10));
        var statement = await _platform.GetOkAsync(StatementPath(order));
        Assert.Null(statement["sent_at"]);
        Assert.Equal("DECISION_VISIBILITY_CONTENT_DISABLED", statement["statement"]!["decision_visibility"]![0]!.GetValue<string>());
        var sent = await _platform.PostOkAsync($"{StatementPath(order)}/sent");
        Assert.Equal(TestApp.Start.AddDays(10), sent["sent_at"]!.GetValue<DateTimeOffset>());
        await Problem.AssertAsync(await _platform.PostAsync($"{StatementPath(order)}/sent"), 409);
        Assert.Single(await ExportLinesAsync("from=2026-03-01&to=2026-04-01"));
    }

    [Fact]
    public async Task Statement_ForAPendingItem_OrAskedByTheAuthority_OrAStranger_IsRefused()
    {
        var pending = await _authority.IssueOrderAsync(_platform.Id);
        await Problem.AssertAsync(await _platform.GetAsync(StatementPath(pending)), 409, "item_id");
        var order = await _authority.RemovedOrderAsync(_platform);
        await Problem.AssertAsync(await _authority.GetAsync(StatementPath(order)), 403);
        await Problem.AssertAsync(await (await _app.PlatformAsync()).GetAsync(StatementPath(order)), 404);
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/reports/dsa-statements?from=2026-03-01&to=2026-04-01"), 403);
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/reports/dsa-statements?from=yesterday&to=2026-04-01"), 400, "from");
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/reports/dsa-statements?from=2026-04-01&to=2026-03-01"), 400, "to");
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/reports/dsa-statements?to=2026-03-01"), 400, "from");
    }

    [Fact]
    public async Task Export_EveryStatementValidatesAgainstTheSchema_PuidsAreUniqueAndStable_AndBatchesHoldAtMost100()
    {
        var schema = SchemaValidator.LoadRepoFile("docs/schemas/dsa-statement.schema.json");
        var expected = new List<string>();
        for (var i = 0; i < 53; i++)
        {
            var urls = new[] { $"https://forum.example/p/{i}/a", $"https://forum.example/p/{i}/b", $"https://forum.example/p/{i}/c" };
            var order = i % 2 == 0 ? await _authority.IssueOrderAsync(_platform.Id, urls) : await _authority.IssueReferralAsync(_platform.Id, urls);
            _app.Clock.Advance(TimeSpan.FromMinutes(7));
            await _platform.ActAsync(order, 0, new { action = "removed" });
            await _platform.ActAsync(order, 1, new { action = "disabled" });
            if (i % 2 == 0) await _platform.ActAsync(order, 2, new { action = "impossible", reason = "manifest_error", explanation = "Not ours." });
            else await _platform.ActAsync(order, 2, new { action = "not_actioned", reason = "not_violating" });
            expected.Add(order.ItemId(0));
            expected.Add(order.ItemId(1));
        }

        var lines = await ExportLinesAsync("from=2026-03-01&to=2026-04-01");
        Assert.Equal(106, lines.Length);
        var statements = lines.Select(l => JsonNode.Parse(l)!).ToList();
        foreach (var s in statements) Assert.Empty(SchemaValidator.Validate(schema, s));
        var puids = statements.Select(s => s["puid"]!.GetValue<string>()).ToList();
        Assert.Equal(puids.Count, puids.Distinct().Count());
        Assert.Equal(expected.Select(id => "takedown-" + id).Order(), puids.Order());
        Assert.Contains(statements, s => s["decision_ground"]!.GetValue<string>() == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
            && s["source_type"]!.GetValue<string>() == "SOURCE_TRUSTED_FLAGGER");
        Assert.Equal(puids, (await ExportLinesAsync("from=2026-03-01&to=2026-04-01")).Select(l => JsonNode.Parse(l)!["puid"]!.GetValue<string>()));

        var batches = (await ExportLinesAsync("from=2026-03-01&to=2026-04-01&batch=true")).Select(l => JsonNode.Parse(l)!["statements"]!.AsArray()).ToList();
        Assert.Equal([100, 6], batches.Select(b => b.Count));
        Assert.Equal(puids, batches.SelectMany(b => b).Select(s => s!["puid"]!.GetValue<string>()));
        Assert.Empty(await ExportLinesAsync("from=2026-04-01&to=2026-05-01"));
    }
}
