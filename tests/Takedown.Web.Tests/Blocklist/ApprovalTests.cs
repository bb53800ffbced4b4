namespace Takedown.Web.Tests.Blocklist;

/// <summary>Two-person approval and the prior-request rule, on the fake clock.</summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _analyst = null!;
    private ApiClient _second = null!;
    private ApiClient _isp = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _analyst = await _app.AuthorityAsync("PHAROS");
        _second = await _app.SecondAnalystAsync(_analyst);
        _isp = await _app.CreateOrganizationAsync("isp");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> RpzAsync() => (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text;

    [Fact]
    public async Task Proposal_Answers201Pending_AndIsNotExported()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("recruit.example", TestApp.Start.AddHours(-30)));
        Assert.Equal("pending", listing.S("status"));
        Assert.NotNull(listing["id"]);
        Assert.DoesNotContain("recruit.example", await RpzAsync());
    }

    [Fact]
    public async Task OneAnalystAlone_CannotApproveTheirOwnProposal()
    {
        var (_, mine) = await _app.AnalystWithKeyAsync(_analyst);
        var listing = await mine.ProposeAsync(Blocklists.DomainBody("alone.example", TestApp.Start.AddHours(-30)));
        var refused = await mine.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        var problem = await Problem.AssertAsync(refused, 403);
        Assert.Contains("second, different person", problem.S("detail"));
        Assert.Equal("pending", (await _analyst.GetOkAsync($"/api/v1/blocklist/{listing["id"]}")).S("status"));
        Assert.DoesNotContain("alone.example", await RpzAsync());
    }

    [Fact]
    public async Task Approval_Before24HoursSinceTheHostWasAsked_StaysApproved_ThenActivatesWhenTheTimeComes()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("early.example", TestApp.Start.AddHours(-1)));
        var approved = await _second.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("approved", approved.S("status"));
        Assert.Equal(TestApp.Start.AddHours(23), approved["active_from"]!.GetValue<DateTimeOffset>());
        Assert.DoesNotContain("early.example", await RpzAsync());

        _app.Clock.Advance(TimeSpan.FromHours(22));
        Assert.Equal("approved", (await _analyst.GetOkAsync($"/api/v1/blocklist/{listing["id"]}")).S("status"));
        Assert.DoesNotContain("early.example", await RpzAsync());

        _app.Clock.Advance(TimeSpan.FromHours(1));
        var active = await _analyst.GetOkAsync($"/api/v1/blocklist/{listing["id"]}");
        Assert.Equal("active", active.S("status"));
        Assert.Equal(TestApp.Start.AddHours(23), active["activated_at"]!.GetValue<DateTimeOffset>());
        Assert.Contains("early.example CNAME .", await RpzAsync());
    }

    [Fact]
    public async Task Approval_After24Hours_ActivatesAtOnce_WithTheApproverRecorded()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("late.example", TestApp.Start.AddHours(-24)));
        var approved = await _second.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved.S("status"));
        Assert.NotEqual(approved.S("proposed_by_key"), approved.S("approved_by_key"));
        Assert.NotNull(approved["approved_by_person"]);
        Assert.Contains("late.example CNAME .", await RpzAsync());
    }

    [Fact]
    public async Task Emergency_WithJustification_ActivatesAtOnceOnApproval_AndIsRecorded()
    {
        var body = Blocklists.DomainBody("attack-now.example", TestApp.Start.AddMinutes(-5));
        body["emergency"] = true;
        body["emergency_justification"] = "Live call to attack a named event tonight.";
        var listing = await _analyst.ProposeAsync(body);
        var approved = await _second.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved.S("status"));
        Assert.True(approved["emergency"]!.GetValue<bool>());
        Assert.Equal("Live call to attack a named event tonight.", approved.S("emergency_justification"));
        Assert.Contains("attack-now.example CNAME .", await RpzAsync());
    }

    [Fact]
    public async Task Emergency_WithoutJustification_IsRefused()
    {
        var body = Blocklists.DomainBody("attack.example", TestApp.Start);
        body["emergency"] = true;
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "emergency_justification");
    }

    [Fact]
    public async Task UnreachableHost_WithReason_ActivatesAtOnceOnApproval_AndIsRecorded()
    {
        var body = Blocklists.DomainBody("bulletproof.example", null);
        body["host_unreachable"] = true;
        body["host_unreachable_reason"] = "Host publishes no contact and ignores abuse reports.";
        var listing = await _analyst.ProposeAsync(body);
        Assert.True(listing["host_unreachable"]!.GetValue<bool>());
        var approved = await _second.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved.S("status"));
        Assert.Equal("Host publishes no contact and ignores abuse reports.", approved.S("host_unreachable_reason"));
    }

    [Fact]
    public async Task Proposal_WithoutHostNotification_OrUnreachableReason_IsRefused()
    {
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.DomainBody("quiet.example", null)), 400, "host_notified_at");
        var body = Blocklists.DomainBody("quiet.example", null);
        body["host_unreachable"] = true;
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "host_unreachable_reason");
    }

    [Fact]
    public async Task Approval_Twice_IsAConflict()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "twice.example");
        var third = await _app.SecondAnalystAsync(_analyst);
        await Problem.AssertAsync(await third.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 409);
    }

    [Fact]
    public async Task Approval_ByAnotherAuthority_IsNotFound()
    {
        var listing = await _analyst.ProposeAsync(Blocklists.DomainBody("other.example", TestApp.Start.AddDays(-2)));
        var other = await _app.AuthorityAsync("Other unit");
        var otherAnalyst = (await _app.AnalystWithKeyAsync(other)).Key;
        await Problem.AssertAsync(await otherAnalyst.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 404);
        await Problem.AssertAsync(await other.GetAsync($"/api/v1/blocklist/{listing["id"]}"), 404);
        Assert.Empty((await other.GetOkAsync("/api/v1/blocklist"))["data"]!.AsArray());
    }

    [Fact]
    public async Task EveryStep_WritesAnAuditEvent()
    {
        var listing = await _app.ListActiveAsync(_analyst, _second, "audited.example");
        await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/delist", new { reason = "Content gone." });
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray()
            .Where(e => e!["subject_id"]?.GetValue<string>() == listing.S("id")).Select(e => e!.S("type")).ToList();
        Assert.Equal(["blocklist.proposed", "blocklist.approved", "blocklist.activated", "blocklist.delisted"], events);
        Assert.True((await _app.Operator.GetOkAsync("/api/v1/audit/verify"))["ok"]!.GetValue<bool>());
    }
}
