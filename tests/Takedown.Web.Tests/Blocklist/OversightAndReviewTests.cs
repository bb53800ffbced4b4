namespace Takedown.Web.Tests.Blocklist;

/// <summary>Oversight recommendations and their answers; quarterly re-checks on the fake clock; who may see what.</summary>
public sealed class OversightAndReviewTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _analyst = null!;
    private ApiClient _second = null!;
    private ApiClient _oversight = null!;
    private ApiClient _isp = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _analyst = await _app.AuthorityAsync("PHAROS");
        _second = await _app.SecondAnalystAsync(_analyst);
        _oversight = await _app.CreateOrganizationAsync("oversight", "Qualified person");
        _isp = await _app.CreateOrganizationAsync("isp");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Oversight_SeesEveryAuthoritysListings()
    {
        var other = await _app.AuthorityAsync("Other unit");
        await _analyst.ProposeAsync(Blocklists.DomainBody("one.example", TestApp.Start));
        await other.ProposeAsync(Blocklists.DomainBody("two.example", TestApp.Start));
        var all = (await _oversight.GetOkAsync("/api/v1/blocklist"))["data"]!.AsArray().Select(l => l!.S("value")).ToList();
        Assert.Contains("one.example", all);
        Assert.Contains("two.example", all);
        var own = (await _analyst.GetOkAsync("/api/v1/blocklist"))["data"]!.AsArray().Select(l => l!.S("value")).ToList();
        Assert.Equal(["one.example"], own);
    }

    [Fact]
    public async Task Uphold_IsRecorded_AndNeedsNoAnswer()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "upheld.example");
        var rec = await _oversight.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "uphold", reasons = "Recruiting material, host informed." });
        Assert.Equal("uphold", rec.S("recommendation"));
        var seen = await _analyst.GetOkAsync($"/api/v1/blocklist/{listing["id"]}");
        Assert.Single(seen["recommendations"]!.AsArray());
        Assert.False(seen["awaiting_answer"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Lift_IsShownToTheAuthority_AndMustBeAnswered_MaintainKeepsTheListing()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "disputed.example");
        var rec = await _oversight.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "lift", reasons = "The page is a news report." });

        var waiting = (await _analyst.GetOkAsync("/api/v1/blocklist?awaiting_answer=true"))["data"]!.AsArray();
        Assert.Equal(listing.S("id"), Assert.Single(waiting)!.S("id"));
        Assert.True(waiting[0]!["awaiting_answer"]!.GetValue<bool>());

        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/recommendations/{rec["id"]}/answer", new { decision = "maintain" }), 400, "reasons");
        var answered = await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations/{rec["id"]}/answer",
            new { decision = "maintain", reasons = "The news report embeds the full recruiting video." });
        Assert.Equal("active", answered.S("status"));
        Assert.False(answered["awaiting_answer"]!.GetValue<bool>());
        Assert.Equal("maintain", answered["recommendations"]![0]!.S("answer"));
        Assert.Empty((await _analyst.GetOkAsync("/api/v1/blocklist?awaiting_answer=true"))["data"]!.AsArray());
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/recommendations/{rec["id"]}/answer",
            new { decision = "delist", reasons = "Changed our mind." }), 409);
    }

    [Fact]
    public async Task Lift_AnsweredWithDelist_RemovesTheListingFromTheExports()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "lifted.example");
        Assert.Contains("lifted.example", (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        var rec = await _oversight.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "lift", reasons = "Satire." });
        var answered = await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations/{rec["id"]}/answer", new { decision = "delist", reasons = "Agreed." });
        Assert.Equal("delisted", answered.S("status"));
        Assert.DoesNotContain("lifted.example", (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
    }

    [Fact]
    public async Task PendingListing_WithAnUnansweredLift_CannotBeApproved()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("held-back.example", TestApp.Start.AddDays(-2)));
        await _oversight.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "lift", reasons = "Insufficient evidence." });
        await Problem.AssertAsync(await _second.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 409);
    }

    [Fact]
    public async Task Recommendations_AreOversightsAlone_AndOversightDoesNotActOnListings()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("roles.example", TestApp.Start));
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "uphold", reasons = "x" }), 403);
        await Problem.AssertAsync(await _oversight.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        await Problem.AssertAsync(await _oversight.PostAsync($"/api/v1/blocklist/{listing["id"]}/recommendations", new { recommendation = "ban", reasons = "x" }), 400, "recommendation");
        await Problem.AssertAsync(await _oversight.PostAsync($"/api/v1/blocklist/{Guid.NewGuid()}/recommendations", new { recommendation = "lift", reasons = "x" }), 404);
    }

    [Fact]
    public async Task ActiveListing_IsDueForReviewAfter90Days_AndListedAsOverdueAfterwards()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "quarterly.example");
        Assert.Equal(TestApp.Start.AddDays(90), listing["review_due_at"]!.GetValue<DateTimeOffset>());
        Assert.Empty((await _analyst.GetOkAsync("/api/v1/blocklist/reviews/overdue"))["data"]!.AsArray());

        _app.Clock.Advance(TimeSpan.FromDays(90) + TimeSpan.FromMinutes(1));
        var overdue = (await _analyst.GetOkAsync("/api/v1/blocklist/reviews/overdue"))["data"]!.AsArray();
        Assert.Equal(listing.S("id"), Assert.Single(overdue)!.S("id"));
        Assert.True(overdue[0]!["review_overdue"]!.GetValue<bool>());
        Assert.Single((await _oversight.GetOkAsync("/api/v1/blocklist?review_overdue=true"))["data"]!.AsArray());

        var confirmed = await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/review", new { decision = "confirm", notes = "Still online." });
        Assert.Equal(_app.Clock.GetUtcNow().AddDays(90), confirmed["review_due_at"]!.GetValue<DateTimeOffset>());
        Assert.False(confirmed["review_overdue"]!.GetValue<bool>());
        Assert.Empty((await _analyst.GetOkAsync("/api/v1/blocklist/reviews/overdue"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Review_WithDelist_RemovesTheListing()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "gone-now.example");
        var reviewed = await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/review", new { decision = "delist", notes = "Content removed by host." });
        Assert.Equal("delisted", reviewed.S("status"));
        Assert.DoesNotContain("gone-now.example", (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/review", new { decision = "confirm" }), 409);
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/review", new { decision = "maybe" }), 400, "decision");
    }

    [Fact]
    public async Task PlatformsAndIsps_DoNotReadOrProposeListings()
    {
        var platform = await _app.PlatformAsync();
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("private.example", TestApp.Start));
        await Problem.AssertAsync(await platform.PostAsync("/api/v1/blocklist", Blocklists.DomainBody("x.example", TestApp.Start)), 403);
        await Problem.AssertAsync(await platform.GetAsync("/api/v1/blocklist"), 403);
        await Problem.AssertAsync(await platform.GetAsync($"/api/v1/blocklist/{listing["id"]}"), 404);
        await Problem.AssertAsync(await platform.GetAsync("/api/v1/blocklist/rpz"), 403);
        await Problem.AssertAsync(await _isp.GetAsync("/api/v1/blocklist"), 403);
        await Problem.AssertAsync(await _isp.GetAsync($"/api/v1/blocklist/{listing["id"]}"), 404);
        await Problem.AssertAsync(await _isp.GetAsync("/api/v1/blocklist/pulls"), 403);
        await Problem.AssertAsync(await _analyst.GetAsync("/api/v1/blocklist/rpz"), 403);
        await Problem.AssertAsync(await _app.Anonymous().GetAsync("/api/v1/blocklist/rpz"), 401);
    }
}
