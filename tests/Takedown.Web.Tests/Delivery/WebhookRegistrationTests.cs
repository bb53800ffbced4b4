namespace Takedown.Web.Tests.Delivery;

/// <summary>Registration: outbound safety of the URL, event names, and tenancy of every webhook route.</summary>
public sealed class WebhookRegistrationTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;
    private ApiClient _other = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, "--Webhooks:AllowedHosts:0=127.0.0.1");
        _platform = await _app.PlatformAsync("SmallForum");
        _other = await _app.PlatformAsync("OtherForum");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://192.168.1.20/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://224.0.0.1/hook")]
    [InlineData("https://hooks.nonexistent.invalid/hook")]
    [InlineData("http://93.184.215.14/hook")]
    [InlineData("ftp://93.184.215.14/hook")]
    [InlineData("https://user:pw@93.184.215.14/hook")]
    [InlineData("not a url")]
    public async Task Registration_RefusesUnsafeOrUnusableUrls_NamingTheUrl(string url)
    {
        var body = await Problem.AssertAsync(await _platform.PostAsync("/api/v1/webhooks", new { url, events = new[] { "order.created" } }), 400, "url");
        Assert.False(string.IsNullOrWhiteSpace(body["errors"]!["url"]![0]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("https://192.88.99.1/hook", "192.88.99.0/24")]
    [InlineData("https://192.0.0.9/hook", "192.0.0.9/32")]
    [InlineData("https://192.31.196.1/hook", "192.31.196.0/24")]
    [InlineData("https://[2001::1]/hook", "2001::/32")]
    [InlineData("https://[::ffff:0:7f00:1]/hook", "::ffff:0:0:0/96")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "64:ff9b::/96")]
    [InlineData("https://[2002:a9fe:a9fe::1]/hook", "2002::/16")]
    [InlineData("https://[3fff::1]/hook", "3fff::/20")]
    public async Task Registration_RefusesSpecialPurposeBlocks_NamingTheBlock(string url, string block)
    {
        var body = await Problem.AssertAsync(await _platform.PostAsync("/api/v1/webhooks", new { url, events = new[] { "order.created" } }), 400, "url");
        Assert.Contains(block, body["errors"]!["url"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Registration_AcceptsAPublicHttpsAddress_AndAnAllowListedLoopbackHost()
    {
        var created = await _platform.PostAsync("/api/v1/webhooks", new { url = "https://93.184.215.14/hook", events = new[] { "order.created" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var local = await _platform.PostAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "order.created" } });
        Assert.Equal(HttpStatusCode.Created, local.StatusCode);
    }

    [Fact]
    public async Task Registration_RefusesUnknownOrMissingEvents()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/h", events = new[] { "order.created", "order.nope" } }), 400, "events[1]");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/h", events = Array.Empty<string>() }), 400, "events");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/h", events = new[] { "order.created" }, secret = "x" }), 400, "secret");
    }

    [Fact]
    public async Task Update_RechecksTheUrl()
    {
        var created = await _platform.PostOkAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "order.created" } });
        var response = await _platform.SendAsync(HttpMethod.Patch, $"/api/v1/webhooks/{created["id"]}", new { url = "https://10.1.2.3/x" });
        await Problem.AssertAsync(response, 400, "url");
        var ok = await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Patch, $"/api/v1/webhooks/{created["id"]}", new { events = new[] { "order.created", "order.withdrawn" } }));
        Assert.Equal(2, ok["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task EveryWebhookRoute_AnswersAnotherOrganisation404()
    {
        var created = await _platform.PostOkAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "order.created" } });
        var id = created["id"]!.GetValue<string>();
        var delivery = Guid.NewGuid();
        await Problem.AssertAsync(await _other.GetAsync($"/api/v1/webhooks/{id}"), 404);
        await Problem.AssertAsync(await _other.SendAsync(HttpMethod.Patch, $"/api/v1/webhooks/{id}", new { events = new[] { "order.created" } }), 404);
        await Problem.AssertAsync(await _other.PostAsync($"/api/v1/webhooks/{id}/rotate-secret"), 404);
        await Problem.AssertAsync(await _other.GetAsync($"/api/v1/webhooks/{id}/deliveries"), 404);
        await Problem.AssertAsync(await _other.PostAsync($"/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"), 404);
        await Problem.AssertAsync(await _other.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{id}"), 404);
        Assert.Empty((await _other.GetOkAsync("/api/v1/webhooks")).AsArray());
        Assert.Single((await _platform.GetOkAsync("/api/v1/webhooks")).AsArray());
    }
}

/// <summary>An operator may allow-list a name such as localhost (for a receiver on the same machine).</summary>
public sealed class WebhookAllowListTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null, "--Webhooks:AllowedHosts:0=localhost");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Localhost_IsAccepted_WhenAllowListed()
    {
        var platform = await _app.PlatformAsync();
        var response = await platform.PostAsync("/api/v1/webhooks", new { url = "https://localhost/hook", events = new[] { "order.created" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Problem.AssertAsync(await platform.PostAsync("/api/v1/webhooks", new { url = "https://127.0.0.2/hook", events = new[] { "order.created" } }), 400, "url");
    }
}
