namespace Takedown.Web.Tests.Accountability;

public sealed class ScrutinyTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;
    private ApiClient _irish = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
        _irish = await _app.CreateOrganizationAsync("authority", "Garda-" + Guid.NewGuid().ToString("N")[..8], "IE");
        await SetMemberStateAsync(_platform, "IE");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task SetMemberStateAsync(ApiClient platform, string? memberState) =>
        await ApiClient.ReadOkAsync(await platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{platform.Id}/profile", new
        {
            contact_point = new { name = "Duty desk", email = "abuse@forum.example" },
            member_state = memberState,
        }));

    private Task<HttpResponseMessage> AskAsync(JsonNode order, ApiClient? platform = null) =>
        (platform ?? _platform).PostAsync($"/api/v1/orders/{order.Id()}/scrutiny", new { reasons = "The post is reporting on the attack, not praising it.", requested_by = "uploader" });

    [Fact]
    public async Task Scrutiny_AskedWithin48Hours_IsDueIn72Hours_AndReachesTheMemberStatesAuthority()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        _app.Clock.Advance(TimeSpan.FromHours(48));
        var response = await AskAsync(order);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var scrutiny = await ApiClient.ReadOkAsync(response);
        Assert.Equal(TestApp.Start.AddHours(48 + 72), scrutiny["due_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("IE", scrutiny["member_state"]!.GetValue<string>());
        Assert.Equal("uploader", scrutiny["requested_by"]!.GetValue<string>());

        Assert.Contains((await _irish.GetOkAsync("/api/v1/scrutiny?status=open"))["data"]!.AsArray(), s => s!.Id() == scrutiny.Id());
        var feed = (await _irish.GetOkAsync("/api/v1/events"))["data"]!.AsArray();
        Assert.Contains(feed, e => e!["type"]!.GetValue<string>() == "scrutiny.requested" && e["data"]!["id"]!.GetValue<string>() == scrutiny.Id());
        Assert.Equal(scrutiny.Id(), (await _authority.GetOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}")).Id());
    }

    [Fact]
    public async Task Scrutiny_AskedAfter48Hours_IsAConflictNamingTheDeadline()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        _app.Clock.Advance(TimeSpan.FromHours(48) + TimeSpan.FromSeconds(1));
        var problem = await Problem.AssertAsync(await AskAsync(order), 409, "order_id");
        Assert.Contains("2026-03-04T09:00:00", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrutiny_Infringes_ReinstatesTheRemovedItems_AndTellsTheIssuingAuthority()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/s/1", "https://forum.example/s/2");
        await _platform.ActAsync(order, 0, new { action = "removed" });
        await _platform.ActAsync(order, 1, new { action = "impossible", reason = "manifest_error", explanation = "Not our site." });
        var scrutiny = await ApiClient.ReadOkAsync(await AskAsync(order));
        var cursor = (await _authority.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();

        _app.Clock.Advance(TimeSpan.FromHours(70));
        var decided = await _irish.PostOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "Journalistic reporting (Art. 1(3))." });
        Assert.Equal("infringes", decided["outcome"]!.GetValue<string>());
        Assert.False(decided["late"]!.GetValue<bool>());
        Assert.Equal(order.ItemId(0), Assert.Single(decided["reinstated_items"]!.AsArray())!.GetValue<string>());

        var after = await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}");
        Assert.Equal("reinstated", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("impossible", after["items"]![1]!["status"]!.GetValue<string>());
        var types = (await _authority.GetOkAsync($"/api/v1/events?after={cursor}"))["data"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("order.item_reinstated", types);
        Assert.Contains("scrutiny.decided", types);
    }

    [Fact]
    public async Task Scrutiny_Upheld_LeavesTheOrderAlone_AndALateDecisionIsMarkedLate()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var scrutiny = await ApiClient.ReadOkAsync(await AskAsync(order));
        _app.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        Assert.True((await _irish.GetOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}"))["overdue"]!.GetValue<bool>());
        var decided = await _irish.PostOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "upheld", reasons = "Praise of the attack." });
        Assert.True(decided["late"]!.GetValue<bool>());
        Assert.Empty(decided["reinstated_items"]!.AsArray());
        Assert.Equal("removed", (await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}"))["items"]![0]!["status"]!.GetValue<string>());
        await Problem.AssertAsync(await _irish.PostAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "x" }), 409, "outcome");
    }

    [Fact]
    public async Task Scrutiny_IsDecidedOnlyByTheMemberStatesAuthority_AndHiddenFromOthers()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var scrutiny = await ApiClient.ReadOkAsync(await AskAsync(order));
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "upheld", reasons = "Mine." }), 403);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "Ours." }), 403);
        var german = await _app.CreateOrganizationAsync("authority", "BKA-" + Guid.NewGuid().ToString("N")[..8], "DE");
        var otherPlatform = await _app.PlatformAsync();
        foreach (var stranger in new[] { german, otherPlatform })
        {
            await Problem.AssertAsync(await stranger.GetAsync($"/api/v1/scrutiny/{scrutiny.Id()}"), 404);
            await Problem.AssertAsync(await stranger.PostAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "x" }), 404);
            Assert.Empty((await stranger.GetOkAsync("/api/v1/scrutiny"))["data"]!.AsArray());
        }
        await Problem.AssertAsync(await AskAsync(order), 409, "order_id");
    }

    [Fact]
    public async Task Scrutiny_OfAReferral_OrWithoutAMemberState_OrBadInput_IsRefused()
    {
        var referral = await _authority.IssueReferralAsync(_platform.Id);
        await Problem.AssertAsync(await AskAsync(referral), 409, "order_id");
        var order = await _authority.RemovedOrderAsync(_platform);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{order.Id()}/scrutiny", new { reasons = " " }), 400, "reasons");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{order.Id()}/scrutiny", new { reasons = "x", requested_by = "court" }), 400, "requested_by");
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/orders/{order.Id()}/scrutiny", new { reasons = "x" }), 403);

        var noState = await _app.PlatformAsync();
        var other = await _authority.RemovedOrderAsync(noState);
        await Problem.AssertAsync(await AskAsync(other, noState), 409, "member_state");

        // An order issued in the platform's own Member State is not cross-border.
        var french = await _app.PlatformAsync();
        await SetMemberStateAsync(french, "FR");
        var domestic = await _authority.RemovedOrderAsync(french);
        await Problem.AssertAsync(await AskAsync(domestic, french), 409, "order_id");
    }
}
