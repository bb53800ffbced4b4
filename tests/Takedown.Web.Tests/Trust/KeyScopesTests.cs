using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Trust;

/// <summary>Keys have scopes and belong to a person or to nobody; each test tries to get more than the caller holds.</summary>
public sealed class KeyScopesTests : IAsyncLifetime
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

    private string Keys => $"/api/v1/organizations/{_authority.Id}/keys";

    private async Task<ApiClient> ServiceKeyAsync(params string[] scopes)
    {
        var created = await _authority.PostOkAsync(Keys, new { name = "robot " + string.Join('-', scopes), scopes });
        Assert.Equal("service", created.S("kind"));
        return _app.WithKey(created.S("api_key"));
    }

    [Fact]
    public async Task FirstKey_IsAServiceKey_ThatReadsWritesAndAdministers()
    {
        var keys = (await _authority.GetOkAsync(Keys)).AsArray();
        var first = Assert.Single(keys)!;
        Assert.Equal("service", first.S("kind"));
        Assert.Null(first["person_id"]);
        Assert.Equal(["read", "write", "admin"], first["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task KeyListing_ShowsScopesAndPerson()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        await _app.PersonKeyAsync(analyst, "read", "approve");
        var keys = (await _authority.GetOkAsync(Keys)).AsArray();
        var person = Assert.Single(keys, k => k!.S("kind") == "person")!;
        Assert.Equal(analyst.Id.ToString(), person.S("person_id"));
        Assert.Equal(analyst.Email, person.S("person_email"));
        Assert.Equal(["read", "approve"], person["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(person["created_by_person"]);
        Assert.Null(person["api_key"]);
    }

    [Fact]
    public async Task NewKey_WithoutScopes_ReadsAndWrites_AndCannotCreateKeys()
    {
        var created = await _authority.PostOkAsync(Keys, new { name = "night shift" });
        Assert.Equal(["read", "write"], created["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var worker = _app.WithKey(created.S("api_key"));
        var problem = await Problem.AssertAsync(await worker.PostAsync(Keys, new { name = "more", scopes = new[] { "read" } }), 403);
        Assert.Equal("admin", problem.S("required_scope"));
        await Problem.AssertAsync(await worker.GetAsync(Keys), 403);
        await Problem.AssertAsync(await worker.SendAsync(HttpMethod.Delete, $"{Keys}/{created.S("id")}"), 403);
    }

    [Fact]
    public async Task Key_CannotGrantAScopeItLacks()
    {
        // The organisation's service key has no 'approve', so it cannot hand it to anyone.
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        await Problem.AssertAsync(await _authority.PostAsync(Keys,
            new { name = "approver", scopes = new[] { "read", "approve" }, person_email = analyst.Email }), 403, "scopes");
        // An admin key without 'write' cannot create a key that writes.
        var admin = await ServiceKeyAsync("read", "admin");
        var problem = await Problem.AssertAsync(await admin.PostAsync(Keys, new { name = "writer", scopes = new[] { "read", "write" } }), 403, "scopes");
        Assert.Contains("'write'", problem.S("detail"));
        Assert.Equal(201, (int)(await admin.PostAsync(Keys, new { name = "reader", scopes = new[] { "read" } })).StatusCode);
    }

    [Fact]
    public async Task PersonKey_CannotExceedWhatTheirRoleAllows()
    {
        var viewer = await _app.AddMemberAsync(_authority.Id, "viewer");
        var boss = await _app.PersonKeyAsync(await _app.AddMemberAsync(_authority.Id, "admin"), "read", "write", "approve", "admin");
        var problem = await Problem.AssertAsync(await boss.PostAsync(Keys, new { name = "v", scopes = new[] { "read", "write" }, person_email = viewer.Email }), 403, "scopes");
        Assert.Contains("viewer", problem.S("detail"));
        Assert.Equal(201, (int)(await boss.PostAsync(Keys, new { name = "v", scopes = new[] { "read" }, person_email = viewer.Email })).StatusCode);
    }

    [Fact]
    public async Task PersonKey_NarrowsAtOnce_WhenTheirRoleIsLowered()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        var key = await _app.PersonKeyAsync(analyst, "read", "write");
        Assert.Equal(201, (int)(await key.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, []))).StatusCode);
        await _app.ExecuteSqlAsync($"UPDATE users SET role = 'viewer' WHERE id = '{analyst.Id}'");
        var problem = await Problem.AssertAsync(await key.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, [])), 403);
        Assert.Equal("write", problem.S("required_scope"));
        await key.GetOkAsync("/api/v1/orders");
    }

    [Theory]
    [InlineData("nobody@test.example")]
    [InlineData("other-org")]
    [InlineData("deactivated")]
    public async Task PersonEmail_ThatIsNotAnActiveMember_IsNotFound_NamingTheField(string who)
    {
        var email = who switch
        {
            "other-org" => (await _app.AddMemberAsync(_platform.Id, "moderator")).Email,
            "deactivated" => await DeactivatedMemberAsync(),
            _ => who,
        };
        var boss = await _app.PersonKeyAsync(await _app.AddMemberAsync(_authority.Id, "admin"), "read", "write", "approve", "admin");
        await Problem.AssertAsync(await boss.PostAsync(Keys, new { name = "k", scopes = new[] { "read" }, person_email = email }), 404, "person_email");
    }

    private async Task<string> DeactivatedMemberAsync()
    {
        var m = await _app.AddMemberAsync(_authority.Id, "analyst");
        await _app.ExecuteSqlAsync($"UPDATE users SET deactivated_at = '2026-03-01T00:00:00.0000000Z' WHERE id = '{m.Id}'");
        return m.Email;
    }

    [Theory]
    [InlineData("""{"name":"k","scopes":["read","superuser"]}""", "scopes")]
    [InlineData("""{"name":"k","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"k","scopes":["read","read"]}""", "scopes")]
    [InlineData("""{"name":"k","scopes":"read write"}""", "scopes")]
    [InlineData("""{"scopes":["read"]}""", "name")]
    [InlineData("""{"name":"k","person_email":" "}""", "person_email")]
    public async Task BadKeyRequests_NameTheField(string json, string field) =>
        await Problem.AssertAsync(await _authority.SendRawAsync(HttpMethod.Post, Keys, json), 400, field);

    [Fact]
    public async Task AnotherOrganisationsKey_CannotCreateKeysHere()
    {
        var stranger = await _app.AuthorityAsync();
        await Problem.AssertAsync(await stranger.PostAsync(Keys, new { name = "intruder", scopes = new[] { "read" } }), 404);
        await Problem.AssertAsync(await stranger.GetAsync(Keys), 404);
    }

    [Fact]
    public async Task Operator_CreatesServiceKeysForAnOrganisation_ButNeverAPersonsKey()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        var created = await _app.Operator.PostOkAsync(Keys, new { name = "onboarding", scopes = new[] { "read", "write", "admin" } });
        Assert.Equal("service", created.S("kind"));
        Assert.Equal(2, (await _app.WithKey(created.S("api_key")).GetOkAsync(Keys)).AsArray().Count);
        await Problem.AssertAsync(await _app.Operator.PostAsync(Keys, new { name = "as them", scopes = new[] { "read" }, person_email = analyst.Email }), 403, "person_email");
    }

    [Fact]
    public async Task ReadOnlyKey_Reads_ButCannotIssueAnOrder_AndAWriteOnlyKeyCannotRead()
    {
        var reader = await ServiceKeyAsync("read");
        await reader.GetOkAsync("/api/v1/orders");
        var problem = await Problem.AssertAsync(await reader.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, [])), 403);
        Assert.Equal("write", problem.S("required_scope"));
        Assert.Contains("'write'", problem.S("detail"));

        var writer = await ServiceKeyAsync("write");
        Assert.Equal(201, (int)(await writer.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, []))).StatusCode);
        problem = await Problem.AssertAsync(await writer.GetAsync("/api/v1/orders"), 403);
        Assert.Equal("read", problem.S("required_scope"));
    }

    [Fact]
    public async Task WriteKey_CannotManageWebhooks_WhichNeedAdmin()
    {
        var writer = await ServiceKeyAsync("read", "write");
        var problem = await Problem.AssertAsync(await writer.GetAsync("/api/v1/webhooks"), 403);
        Assert.Equal("admin", problem.S("required_scope"));
    }

    [Fact]
    public async Task DeactivatedPersonsKey_AndARevokedKey_AreRefusedAtAuthentication()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        var key = await _app.PersonKeyAsync(analyst, "read");
        await key.GetOkAsync("/api/v1/orders");
        await _app.ExecuteSqlAsync($"UPDATE users SET deactivated_at = '2026-03-02T08:00:00.0000000Z' WHERE id = '{analyst.Id}'");
        var problem = await Problem.AssertAsync(await key.GetAsync("/api/v1/orders"), 401);
        Assert.Equal("API key's person is deactivated", problem.S("title"));

        var revoked = await _authority.PostOkAsync(Keys, new { name = "short-lived", scopes = new[] { "read" } });
        await _authority.SendAsync(HttpMethod.Delete, $"{Keys}/{revoked.S("id")}");
        problem = await Problem.AssertAsync(await _app.WithKey(revoked.S("api_key")).GetAsync("/api/v1/orders"), 401);
        Assert.Equal("API key revoked", problem.S("title"));
    }

    [Fact]
    public async Task KeyCreation_IsAudited_WithItsScopesAndPerson()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, "analyst");
        await _app.PersonKeyAsync(analyst, "read", "approve");
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray()
            .Where(e => e!.S("type") == "key.created").ToList();
        var created = Assert.Single(events)!;
        Assert.Contains("read approve", created.ToJsonString());
        Assert.Contains(analyst.Id.ToString(), created.ToJsonString());
    }
}
