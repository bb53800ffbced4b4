using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Accountability;

public sealed class CourtReinstatementTests : IAsyncLifetime
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

    private static string PathOf(JsonNode order, int item = 0) => $"/api/v1/orders/{order.Id()}/items/{order.ItemId(item)}/reinstatement";

    private static object Court(string reference = "RG 26/01234") =>
        new { reason = "court", court = "Tribunal judiciaire de Paris", court_reference = reference, explanation = "The court found the video to be news reporting." };

    [Fact]
    public async Task CourtOrderedReinstatement_ReachesTheAuthority_TheBankEntry_AndTheBlocklistListing()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var item = order.ItemId();
        await _platform.CreateBankAsync("COURT_CASES");
        var hex = BankIntents.RandomHash(314);
        var entry = await _platform.PostOkAsync("/api/v1/banks/COURT_CASES/entries", new
        {
            signal_type = "pdq", signal = hex, quality = 90, labels = new { entity = "Synthetic Entity", behaviour = "glorification" },
            source = "order", order_item_id = item,
        });
        Assert.Single((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        var second = await _app.SecondAnalystAsync(_authority);
        var body = Blocklists.DomainBody("court-synthetic.example", _app.Clock.GetUtcNow().AddDays(-2));
        body["order_item_id"] = item;
        var listing = await _authority.ProposeAsync(body);
        Assert.Equal("active", (await second.PostOkAsync($"/api/v1/blocklist/{listing.Id()}/approve")).S("status"));
        var cursor = (await _authority.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();

        _app.Clock.Advance(TimeSpan.FromDays(40));
        var response = await _platform.PostAsync(PathOf(order), Court());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(PathOf(order), response.Headers.Location?.OriginalString);
        var recorded = await ApiClient.ReadOkAsync(response);
        Assert.Equal("court", recorded.S("reason"));
        Assert.Equal("Tribunal judiciaire de Paris", recorded.S("court"));
        Assert.Equal("RG 26/01234", recorded.S("court_reference"));
        Assert.Equal(1, recorded["bank_entries"]!.GetValue<int>());
        Assert.Equal(0, recorded["owner_reviews"]!.GetValue<int>());
        Assert.Equal(1, recorded["listings_flagged"]!.GetValue<int>());

        // The authority is told, with the court as the cause.
        var feed = (await _authority.GetOkAsync($"/api/v1/events?after={cursor}"))["data"]!.AsArray();
        var told = Assert.Single(feed, e => e!["type"]!.GetValue<string>() == "order.item_reinstated")!;
        Assert.Equal("court", told["data"]!["because"]!.GetValue<string>());
        Assert.Equal(recorded.Id(), told["data"]!["cause_id"]!.GetValue<string>());
        Assert.Equal("reinstated", told["data"]!["order"]!["items"]![0]!["status"]!.GetValue<string>());

        // The platform's own bank entry stops matching (its own false_positive, audited as itself); the listing is flagged for review now.
        Assert.Empty((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.False((await _platform.GetOkAsync($"/api/v1/banks/COURT_CASES/entries/{entry.Id()}"))["matchable"]!.GetValue<bool>());
        var flagged = await _authority.GetOkAsync($"/api/v1/blocklist/{listing.Id()}");
        Assert.Equal(TestApp.Start.AddDays(40), flagged["reinstatement_flagged_at"]!.GetValue<DateTimeOffset>());
        Assert.True(flagged["review_overdue"]!.GetValue<bool>());

        // Audited once each, and counted in the platform's report as a court reinstatement.
        foreach (var type in new[] { "reinstatement.court_recorded", "order.item_reinstated", "bank.opinion_recorded", "blocklist.flagged_for_review" })
            Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM audit_events WHERE type = '{type}'"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(_platform.Id.ToString(), (string?)await _app.ScalarSqlAsync("SELECT actor_org_id FROM audit_events WHERE type = 'bank.opinion_recorded'"));
        var report = await _platform.GetOkAsync("/api/v1/reports/transparency?from=2026-01-01&to=2027-01-01");
        Assert.Equal(1, report["platform"]!["reinstatements"]!["court"]!.GetValue<int>());
        Assert.Equal(0, report["platform"]!["reinstatements"]!["complaint"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheIssuingAuthority_MayRecordItToo_ButOnlyOnce()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        Assert.Equal(HttpStatusCode.Created, (await _authority.PostAsync(PathOf(order), Court())).StatusCode);
        var item = (await _platform.GetOkAsync($"/api/v1/orders/{order.Id()}"))["items"]![0]!;
        Assert.Equal("reinstated", item.S("status"));
        await Problem.AssertAsync(await _platform.PostAsync(PathOf(order), Court()), 409, "item_id");
    }

    [Fact]
    public async Task BadInput_NamesTheField_AndOthersGet404()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        await Problem.AssertAsync(await _platform.PostAsync(PathOf(order), new { reason = "complaint", court_reference = "X" }), 400, "reason");
        await Problem.AssertAsync(await _platform.PostAsync(PathOf(order), new { reason = "court" }), 400, "court_reference");
        await Problem.AssertAsync(await _platform.PostAsync(PathOf(order), new { reason = "court", court_reference = new string('x', 501) }), 400, "court_reference");
        var stranger = await _app.PlatformAsync();
        var otherAuthority = await _app.AuthorityAsync();
        await Problem.AssertAsync(await stranger.PostAsync(PathOf(order), Court()), 404);
        await Problem.AssertAsync(await otherAuthority.PostAsync(PathOf(order), Court()), 404);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{order.Id()}/items/{Guid.NewGuid()}/reinstatement", Court()), 404);

        // Only removed or disabled content is reinstated; nothing was written.
        var pending = await _authority.IssueOrderAsync(_platform.Id);
        await Problem.AssertAsync(await _platform.PostAsync(PathOf(pending), Court()), 409, "item_id");
        Assert.Equal(0L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM court_reinstatements"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'order.item_reinstated'"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
