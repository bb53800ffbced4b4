namespace Takedown.Web.Tests.Matching;

/// <summary>URL signals: canonical form, exact match and domain entries, on both stores.</summary>
public sealed class UrlSignalTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("LinkCheckers");
        await _platform.CreateBankAsync("KNOWN_LINKS");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<JsonNode> AddUrlAsync(string url) =>
        _platform.PostOkAsync("/api/v1/banks/KNOWN_LINKS/entries", new { signal_type = "url", signal = url, labels = new { behaviour = "glorification" } });

    private async Task<JsonArray> MatchUrlAsync(string url) =>
        (await _platform.PostOkAsync("/api/v1/match", new { signal_type = "url", signal = url }))["matches"]!.AsArray();

    [Fact]
    public async Task Entry_IsStoredInCanonicalForm()
    {
        var entry = await AddUrlAsync("HTTPS://WWW.Example.ORG:443/Videos/%7eclip%2f1/?utm_source=x&id=%4A7&fbclid=abc&gclid=1#part");
        Assert.Equal("https://example.org/Videos/~clip%2F1?id=J7", entry["signal"]!.GetValue<string>());
        Assert.Equal("url", entry["signal_type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://example.org/Videos/~clip%2F1?id=J7")]
    [InlineData("http://www.EXAMPLE.org/Videos/%7Eclip%2f1/?id=J7&utm_medium=social")]
    [InlineData("https://example.org:443/Videos/~clip%2F1?utm_campaign=a&id=J7#t=10")]
    public async Task SpellingsOfTheSameAddress_Match(string spelling)
    {
        var entry = await AddUrlAsync("https://example.org/Videos/~clip%2F1?id=J7");
        var match = Assert.Single(await MatchUrlAsync(spelling))!;
        Assert.Equal(entry["id"]!.GetValue<string>(), match["entry_id"]!.GetValue<string>());
        Assert.Equal(0, match["distance"]!.GetValue<int>());
    }

    [Fact]
    public async Task OtherPathsOrParameters_DoNotMatchAnExactEntry()
    {
        await AddUrlAsync("https://example.org/videos/clip1?id=7");
        Assert.Empty(await MatchUrlAsync("https://example.org/videos/clip1?id=8"));
        Assert.Empty(await MatchUrlAsync("https://example.org/videos/clip2?id=7"));
        Assert.Empty(await MatchUrlAsync("https://example.org:8443/videos/clip1?id=7"));
    }

    [Fact]
    public async Task DomainEntry_MatchesEveryUrlOnTheDomainAndItsSubdomains_Only()
    {
        var entry = await AddUrlAsync("*.Propaganda-Host.example");
        Assert.Equal("propaganda-host.example", entry["signal"]!.GetValue<string>());
        foreach (var url in new[] { "https://propaganda-host.example/", "http://www.propaganda-host.example/a/b?c=d", "https://cdn.eu.propaganda-host.example/x.mp4" })
            Assert.Equal(entry["id"]!.GetValue<string>(), Assert.Single(await MatchUrlAsync(url))!["entry_id"]!.GetValue<string>());
        Assert.Empty(await MatchUrlAsync("https://notpropaganda-host.example/"));
        Assert.Empty(await MatchUrlAsync("https://propaganda-host.example.org/"));
        // A domain can be looked up too.
        Assert.Single(await MatchUrlAsync("sub.propaganda-host.example"));
    }

    [Fact]
    public async Task Duplicates_AreDetectedInCanonicalForm_AndFeedCarriesUrls()
    {
        await AddUrlAsync("https://example.net/post/1?utm_source=feed");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/KNOWN_LINKS/entries", new { signal_type = "url", signal = "HTTPS://WWW.Example.net/post/1/?fbclid=z#c" }), 409, "signal");
        var feed = await _platform.GetOkAsync("/api/v1/banks/KNOWN_LINKS/entries");
        var change = Assert.Single(feed["data"]!.AsArray())!;
        Assert.Equal("https://example.net/post/1", change["entry"]!["signal"]!.GetValue<string>());
        Assert.Equal("url", change["entry"]!["signal_type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ftp://example.org/file")]
    [InlineData("not a url")]
    [InlineData("localhost")]
    public async Task NotAUrl_IsAProblemNamingTheSignal(string signal) =>
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/KNOWN_LINKS/entries", new { signal_type = "url", signal }), 400, "signal");

    [Fact]
    public async Task DisabledUrlEntry_StopsMatching()
    {
        var entry = await AddUrlAsync("https://example.com/a");
        await _platform.PostOkAsync($"/api/v1/banks/KNOWN_LINKS/entries/{entry["id"]}/disable");
        Assert.Empty(await MatchUrlAsync("https://example.com/a"));
    }
}
