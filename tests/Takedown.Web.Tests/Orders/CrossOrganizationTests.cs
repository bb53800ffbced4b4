namespace Takedown.Web.Tests.Orders;

/// <summary>Every route answers 404 for another organisation's objects, and leaks nothing of them.</summary>
public sealed class CrossOrganizationTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;
    private JsonNode _order = null!;
    private readonly List<ApiClient> _strangers = [];

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
        _order = await _authority.IssueOrderAsync(_platform.Id, "https://secret.example/needle");
        _strangers.Add(await _app.AuthorityAsync());
        _strangers.Add(await _app.PlatformAsync());
        _strangers.Add(await _app.CreateOrganizationAsync("isp"));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IEnumerable<(HttpMethod Method, string Path, object? Body)> OrderRoutes()
    {
        var id = _order["id"]!.GetValue<string>();
        var item = _order["items"]![0]!["id"]!.GetValue<string>();
        yield return (HttpMethod.Get, $"/api/v1/orders/{id}", null);
        yield return (HttpMethod.Get, $"/api/v1/orders/{id}/events", null);
        yield return (HttpMethod.Post, $"/api/v1/orders/{id}/acknowledge", new { });
        yield return (HttpMethod.Post, $"/api/v1/orders/{id}/items/{item}/action", new { action = "removed" });
        yield return (HttpMethod.Post, $"/api/v1/orders/{id}/clarifications", new { item_id = item, text = "x" });
        yield return (HttpMethod.Post, $"/api/v1/orders/{id}/withdraw", new { reason = "x" });
    }

    [Fact]
    public async Task EveryOrderRoute_ForAnotherOrganisationsOrder_Is404_AndLeaksNothing()
    {
        foreach (var stranger in _strangers)
        foreach (var (method, path, body) in OrderRoutes())
        {
            var response = await stranger.SendAsync(method, path, body);
            var problem = await Problem.AssertAsync(response, 404);
            Assert.DoesNotContain("secret.example", problem.ToJsonString());
        }
        var after = await _authority.GetOkAsync($"/api/v1/orders/{_order["id"]}");
        Assert.Equal("pending", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Null(after["acknowledged_at"]);
    }

    [Fact]
    public async Task OrderLists_OfOtherOrganisations_DoNotContainTheOrder()
    {
        foreach (var stranger in _strangers)
        {
            var list = await stranger.GetOkAsync("/api/v1/orders");
            Assert.Empty(list["data"]!.AsArray());
        }
    }

    [Fact]
    public async Task KeyRoutes_ForAnotherOrganisation_Are404()
    {
        var keys = (await _authority.GetOkAsync($"/api/v1/organizations/{_authority.Id}/keys")).AsArray();
        var keyId = keys[0]!["id"]!.GetValue<string>();
        foreach (var stranger in _strangers)
        {
            await Problem.AssertAsync(await stranger.PostAsync($"/api/v1/organizations/{_authority.Id}/keys", new { name = "intruder" }), 404);
            await Problem.AssertAsync(await stranger.GetAsync($"/api/v1/organizations/{_authority.Id}/keys"), 404);
            await Problem.AssertAsync(await stranger.SendAsync(HttpMethod.Delete, $"/api/v1/organizations/{_authority.Id}/keys/{keyId}"), 404);
        }
        await _authority.GetOkAsync("/api/v1/orders");
    }

    [Fact]
    public async Task PlatformProfile_OfAnotherPlatform_Is404()
    {
        var otherPlatform = _strangers[1];
        await Problem.AssertAsync(await otherPlatform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile",
            new { contact_point = new { name = "x", email = "x@y.z" } }), 404);
        await Problem.AssertAsync(await otherPlatform.GetAsync($"/api/v1/platforms/{_platform.Id}"), 404);
        await Problem.AssertAsync(await _authority.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile",
            new { contact_point = new { name = "x", email = "x@y.z" } }), 404);
    }

    [Fact]
    public async Task Directory_IsForAuthorities_NotForPlatformsOrIsps()
    {
        var directory = await _authority.GetOkAsync("/api/v1/platforms");
        Assert.Contains(directory.AsArray(), p => p!["id"]!.GetValue<string>() == _platform.Id.ToString());
        await Problem.AssertAsync(await _strangers[1].GetAsync("/api/v1/platforms"), 403);
        await Problem.AssertAsync(await _strangers[2].GetAsync("/api/v1/platforms"), 403);
    }

    [Fact]
    public async Task AuthorityCannotActAndPlatformCannotClarifyOrWithdraw()
    {
        var id = _order["id"]!.GetValue<string>();
        var item = _order["items"]![0]!["id"]!.GetValue<string>();
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/orders/{id}/items/{item}/action", new { action = "removed" }), 403);
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/orders/{id}/acknowledge"), 403);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{id}/withdraw", new { reason = "x" }), 403);
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, ["https://a.example/1"])), 403);
    }
}
