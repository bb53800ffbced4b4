using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Trust;

/// <summary>
/// The blocklist's two-person rule counts people, not keys: each test is someone trying to approve alone with the
/// powers they really have (their own keys, keys they can mint, the organisation's service key, an edited row).
/// </summary>
public sealed class TwoPersonApprovalTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _isp = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync("Trust unit");
        _isp = await _app.CreateOrganizationAsync("isp");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Text, string? Serial)> RpzAsync()
    {
        var (text, _, response) = await _isp.ExportAsync("/api/v1/blocklist/rpz");
        return (text, response.Headers.TryGetValues("X-Blocklist-Serial", out var v) ? v.Single() : null);
    }

    private static Dictionary<string, object?> Emergency(string domain)
    {
        var body = Blocklists.DomainBody(domain, TestApp.Start.AddMinutes(-5));
        body["emergency"] = true;
        body["emergency_justification"] = "Live call to attack a named event tonight.";
        return body;
    }

    private async Task AssertStillPendingAsync(JsonNode listing, (string Text, string? Serial) rpzBefore)
    {
        Assert.Equal("pending", (await _authority.GetOkAsync($"/api/v1/blocklist/{listing["id"]}")).S("status"));
        var after = await RpzAsync();
        Assert.Equal(rpzBefore.Serial, after.Serial);
        Assert.DoesNotContain(listing.S("value"), after.Text);
    }

    [Fact]
    public async Task KeyMintingBypass_AnAnalystCannotMintASecondKey_AndTheirListingStaysPending()
    {
        var (analyst, key1) = await _app.AnalystWithKeyAsync(_authority);
        var before = await RpzAsync();
        var listing = await key1.ProposeAsync(Emergency("minted.example"));

        // The old bypass: mint key 2 with key 1, approve with key 2. Key 1 is an analyst's: it holds no 'admin'.
        var mint = await key1.PostAsync($"/api/v1/organizations/{_authority.Id}/keys",
            new { name = "key 2", scopes = new[] { "read", "write", "approve" }, person_email = analyst.Email });
        var problem = await Problem.AssertAsync(mint, 403);
        Assert.Equal("admin", problem.S("required_scope"));
        // Nor does a second key of their own, made by an admin, let them approve alone.
        var key2 = await _app.PersonKeyAsync(analyst, "read", "write", "approve");
        problem = await Problem.AssertAsync(await key2.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Contains("second, different person", problem.S("detail"));

        await AssertStillPendingAsync(listing, before);
    }

    [Fact]
    public async Task KeyMintingBypass_AnAdminWhoMintsKeys_StillCannotApproveAlone()
    {
        var boss = await _app.AddMemberAsync(_authority.Id, "admin");
        var colleague = await _app.AddMemberAsync(_authority.Id, "analyst");
        var key1 = await _app.PersonKeyAsync(boss, "read", "write", "approve", "admin");
        var before = await RpzAsync();
        var listing = await key1.ProposeAsync(Emergency("boss.example"));

        // A second key of their own, with their own powers: minted, but it is still them.
        var key2 = await key1.PostOkAsync($"/api/v1/organizations/{_authority.Id}/keys",
            new { name = "key 2", scopes = new[] { "read", "write", "approve" }, person_email = boss.Email });
        var mine = _app.WithKey(key2.S("api_key"));
        var problem = await Problem.AssertAsync(await mine.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Contains("second, different person", problem.S("detail"));

        // A service key that approves does not exist.
        await Problem.AssertAsync(await key1.PostAsync($"/api/v1/organizations/{_authority.Id}/keys",
            new { name = "robot", scopes = new[] { "read", "approve" } }), 400, "scopes");

        // A key in a colleague's name, minted by the proposer: the proposer has seen its secret.
        var forged = await key1.PostOkAsync($"/api/v1/organizations/{_authority.Id}/keys",
            new { name = "colleague", scopes = new[] { "read", "approve" }, person_email = colleague.Email });
        problem = await Problem.AssertAsync(await _app.WithKey(forged.S("api_key")).PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Contains("created by the person who proposed", problem.S("detail"));

        await AssertStillPendingAsync(listing, before);
    }

    [Fact]
    public async Task ServiceKey_MayProposeButNeverApproves()
    {
        var (_, analyst) = await _app.AnalystWithKeyAsync(_authority);
        var before = await RpzAsync();
        var listing = await analyst.ProposeAsync(Emergency("service.example"));

        var problem = await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Equal("approve", problem.S("required_scope"));
        Assert.Contains("service key never approves", problem.S("detail"));

        // Writing 'approve' into the service key's row behind the service's back gives it nothing.
        await _app.ExecuteSqlAsync($"UPDATE api_keys SET scopes = 'read write approve admin' WHERE org_id = '{_authority.Id}' AND person_id IS NULL");
        problem = await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Equal("approve", problem.S("required_scope"));

        await AssertStillPendingAsync(listing, before);
    }

    [Fact]
    public async Task SamePerson_WithTwoPersonKeys_IsRefused()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        var first = await _app.PersonKeyAsync(analyst, "read", "write", "approve");
        var second = await _app.PersonKeyAsync(analyst, "read", "write", "approve");
        var before = await RpzAsync();
        var listing = await first.ProposeAsync(Emergency("twokeys.example"));

        var problem = await Problem.AssertAsync(await second.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Contains("Another key of yours does not count", problem.S("detail"));
        await AssertStillPendingAsync(listing, before);
    }

    [Fact]
    public async Task TwoDifferentPersons_Approve_AndTheListingNamesBoth()
    {
        var (proposer, proposerKey) = await _app.AnalystWithKeyAsync(_authority);
        var (approver, approverKey) = await _app.AnalystWithKeyAsync(_authority);
        var listing = await proposerKey.ProposeAsync(Emergency("twopeople.example"));
        Assert.Equal(proposer.Id.ToString(), listing.S("proposed_by_person"));

        var approved = await approverKey.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved.S("status"));
        Assert.Equal(proposer.Id.ToString(), approved.S("proposed_by_person"));
        Assert.Equal(approver.Id.ToString(), approved.S("approved_by_person"));
        Assert.Contains("twopeople.example CNAME .", (await RpzAsync()).Text);
    }

    [Fact]
    public async Task ViewersKey_CannotApprove_EvenWithApproveWrittenIntoItsRow()
    {
        var (_, proposerKey) = await _app.AnalystWithKeyAsync(_authority);
        var viewer = await _app.AddMemberAsync(_authority.Id, "viewer");
        var viewerKey = await _app.PersonKeyAsync(viewer, "read");
        var before = await RpzAsync();
        var listing = await proposerKey.ProposeAsync(Emergency("viewer.example"));

        await _app.ExecuteSqlAsync($"UPDATE api_keys SET scopes = 'read write approve' WHERE person_id = '{viewer.Id}'");
        var problem = await Problem.AssertAsync(await viewerKey.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 403);
        Assert.Equal("approve", problem.S("required_scope"));
        await AssertStillPendingAsync(listing, before);
    }

    [Fact]
    public async Task DeactivatedApprover_IsRefusedAtAuthentication()
    {
        var (_, proposerKey) = await _app.AnalystWithKeyAsync(_authority);
        var (approver, approverKey) = await _app.AnalystWithKeyAsync(_authority);
        var before = await RpzAsync();
        var listing = await proposerKey.ProposeAsync(Emergency("gone.example"));

        await _app.ExecuteSqlAsync($"UPDATE users SET deactivated_at = '2026-03-02T08:00:00.0000000Z' WHERE id = '{approver.Id}'");
        var problem = await Problem.AssertAsync(await approverKey.PostAsync($"/api/v1/blocklist/{listing["id"]}/approve"), 401);
        Assert.Contains("deactivated", problem.S("title"));
        await AssertStillPendingAsync(listing, before);
    }
}
