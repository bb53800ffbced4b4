namespace Takedown.Web.Tests.Blocklist;

/// <summary>Bad domains, bad URLs and duplicates get a problem naming the field; nothing is written.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _analyst = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _analyst = await _app.AuthorityAsync("PHAROS");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> BadDomains => new()
    {
        { "-bad-.example", "hyphen" },
        { "bad-.example", "hyphen" },
        { "a..b", "empty label" },
        { ".lead.example", "empty label" },
        { new string('a', 290) + ".example", "at most 253" },
        { new string('a', 64) + ".example", "longer than 63" },
        { "192.0.2.1", "IP address" },
        { "[2001:db8::1]", "IP address" },
        { "2001:db8::1", "IP address" },
        { "*", "wildcard" },
        { "*.evil.example", "wildcard" },
        { "under_score.example", "letters, digits and hyphens" },
        { "https://evil.example/path", "not a URL" },
        { "localhost", "two labels" },
        { "evil example", "spaces" },
    };

    [Theory]
    [MemberData(nameof(BadDomains))]
    public async Task InvalidDomain_IsRefusedNamingTheField(string domain, string because)
    {
        var problem = await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.DomainBody(domain, TestApp.Start)), 400, "domain");
        Assert.Contains(because, problem["errors"]!["domain"]![0]!.GetValue<string>());
        Assert.Empty((await _analyst.GetOkAsync("/api/v1/blocklist"))["data"]!.AsArray());
    }

    [Theory]
    [InlineData("https://user:secret@forum.example/t/1", "credentials")]
    [InlineData("https://user@forum.example/t/1", "credentials")]
    [InlineData("ftp://forum.example/file", "http or https")]
    [InlineData("forum.example/t/1", "absolute URL")]
    public async Task InvalidUrl_IsRefusedNamingTheField(string url, string because)
    {
        var problem = await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.UrlBody(url, TestApp.Start)), 400, "url");
        Assert.Contains(because, problem["errors"]!["url"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task DomainAndUrlTogether_OrNeither_IsRefused()
    {
        var both = Blocklists.DomainBody("a.example", TestApp.Start);
        both["url"] = "https://a.example/x";
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", both), 400, "url");
        var neither = Blocklists.DomainBody("a.example", TestApp.Start);
        neither.Remove("domain");
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", neither), 400, "domain");
    }

    [Fact]
    public async Task WrongCategory_MissingReasonsOrEvidence_FutureNotification_UnknownField_AreRefused()
    {
        var body = Blocklists.DomainBody("fields.example", TestApp.Start);
        body["category"] = "spam";
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "category");
        body = Blocklists.DomainBody("fields.example", TestApp.Start);
        body.Remove("reasons");
        body.Remove("evidence");
        var problem = await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "reasons");
        Assert.NotNull(problem["errors"]!["evidence"]);
        body = Blocklists.DomainBody("fields.example", TestApp.Start.AddDays(1));
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "host_notified_at");
        body = Blocklists.DomainBody("fields.example", TestApp.Start);
        body["order_id"] = Guid.NewGuid();
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "order_id");
        body = Blocklists.DomainBody("fields.example", TestApp.Start);
        body["priority"] = "high";
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", body), 400, "priority");
    }

    [Fact]
    public async Task Listing_BackedByOwnOrder_IsAccepted()
    {
        var platform = await _app.PlatformAsync();
        var order = await _analyst.IssueOrderAsync(platform.Id, "https://forum.example/t/9");
        var body = Blocklists.DomainBody("ordered.example", TestApp.Start);
        body.Remove("evidence");
        body["order_id"] = order["id"]!.GetValue<string>();
        var listing = await _analyst.ProposeAsync(body);
        Assert.Equal(order.S("id"), listing.S("order_id"));
    }

    [Fact]
    public async Task DuplicateDomainOrUrl_WhileLive_IsAConflict_ButCanBeListedAgainAfterDelisting()
    {
        var first = await _analyst.ProposeAsync(Blocklists.DomainBody("dup.example", TestApp.Start));
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.DomainBody("DUP.example.", TestApp.Start)), 409, "domain");
        var other = await _app.AuthorityAsync("Other unit");
        await Problem.AssertAsync(await other.PostAsync("/api/v1/blocklist", Blocklists.DomainBody("dup.example", TestApp.Start)), 409, "domain");

        await _analyst.ProposeAsync(Blocklists.UrlBody("https://forum.example/t/1", TestApp.Start));
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.UrlBody("https://FORUM.example/t/1/", TestApp.Start)), 409, "url");

        await _analyst.PostOkAsync($"/api/v1/blocklist/{first["id"]}/delist", new { reason = "Wrong name." });
        await _analyst.ProposeAsync(Blocklists.DomainBody("dup.example", TestApp.Start));
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{first["id"]}/delist", new { reason = "Again." }), 409);
        await Problem.AssertAsync(await _analyst.PostAsync($"/api/v1/blocklist/{first["id"]}/delist", new { }), 400, "reason");
    }
}
