using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Accountability;

public sealed class ReinstatementTests : IAsyncLifetime
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

    [Fact]
    public async Task Reinstatement_ReachesTheAuthority_TheBankEntry_AndTheBlocklistListing()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var item = order.ItemId();

        // The platform banked the removed picture; the authority listed the site it came from.
        await _platform.CreateBankAsync("FROM_ORDERS");
        var hex = BankIntents.RandomHash(91);
        var entry = await _platform.PostOkAsync("/api/v1/banks/FROM_ORDERS/entries", new
        {
            signal_type = "pdq", signal = hex, quality = 90, labels = new { entity = "Synthetic Entity", behaviour = "glorification" },
            source = "order", order_item_id = item,
        });
        Assert.Single((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        var second = await _app.SecondAnalystAsync(_authority);
        var body = Blocklists.DomainBody("recruit-synthetic.example", _app.Clock.GetUtcNow().AddDays(-2));
        body["order_item_id"] = item;
        var listing = await _authority.ProposeAsync(body);
        Assert.Equal(item, listing.S("order_item_id"));
        Assert.Equal("active", (await second.PostOkAsync($"/api/v1/blocklist/{listing.Id()}/approve")).S("status"));
        var cursor = (await _authority.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();

        _app.Clock.Advance(TimeSpan.FromDays(4));
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        await _platform.DecideAsync(complaint, "reinstated");

        // The authority is told.
        var feed = (await _authority.GetOkAsync($"/api/v1/events?after={cursor}"))["data"]!.AsArray();
        var told = Assert.Single(feed, e => e!["type"]!.GetValue<string>() == "order.item_reinstated")!;
        Assert.Equal(item, told["data"]!["item_id"]!.GetValue<string>());
        Assert.Equal("complaint", told["data"]!["because"]!.GetValue<string>());
        Assert.Equal("reinstated", told["data"]!["order"]!["items"]![0]!["status"]!.GetValue<string>());

        // The bank entry has its owner's false_positive and matches nothing any more.
        Assert.Empty((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        var after = await _platform.GetOkAsync($"/api/v1/banks/FROM_ORDERS/entries/{entry.Id()}");
        Assert.False(after["matchable"]!.GetValue<bool>());
        Assert.Equal(1, after["opinions"]!["false_positive"]!.GetValue<int>());

        // The listing is flagged for review now.
        var flagged = await _authority.GetOkAsync($"/api/v1/blocklist/{listing.Id()}");
        Assert.Equal(TestApp.Start.AddDays(4), flagged["reinstatement_flagged_at"]!.GetValue<DateTimeOffset>());
        Assert.True(flagged["review_overdue"]!.GetValue<bool>());
        Assert.Contains((await _authority.GetOkAsync("/api/v1/blocklist/reviews/overdue"))["data"]!.AsArray(), l => l!.Id() == listing.Id());
        var reviewed = await _authority.PostOkAsync($"/api/v1/blocklist/{listing.Id()}/review", new { decision = "confirm", notes = "Still recruiting." });
        Assert.Null(reviewed["reinstatement_flagged_at"]);

        // One audit event for each place it reached.
        var audit = await _app.ScalarSqlAsync(
            "SELECT COUNT(*) FROM audit_events WHERE type IN ('order.item_reinstated', 'bank.opinion_recorded', 'blocklist.flagged_for_review')");
        Assert.Equal(3L, Convert.ToInt64(audit, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Listing_NamingAnItemOfSomeoneElsesOrder_IsRefused()
    {
        var otherAuthority = await _app.AuthorityAsync();
        var order = await otherAuthority.IssueOrderAsync(_platform.Id);
        var body = Blocklists.DomainBody("elsewhere-synthetic.example", _app.Clock.GetUtcNow().AddDays(-2));
        body["order_item_id"] = order.ItemId();
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/blocklist", body), 400, "order_item_id");
    }
}
