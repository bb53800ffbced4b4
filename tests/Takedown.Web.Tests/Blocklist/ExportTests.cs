namespace Takedown.Web.Tests.Blocklist;

/// <summary>The exports: content, serials, ETag/304, delisting, IDNs, and the pull record.</summary>
public sealed class ExportTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _analyst = null!;
    private ApiClient _second = null!;
    private ApiClient _isp = null!;
    private ApiClient _search = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _analyst = await _app.AuthorityAsync("PHAROS");
        _second = await _app.SecondAnalystAsync(_analyst);
        _isp = await _app.CreateOrganizationAsync("isp", "Big ISP");
        _search = await _app.CreateOrganizationAsync("search_engine", "Search Co");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static long SerialOf(string rpz) =>
        long.Parse(rpz.Split('\n').Single(l => l.Contains(" SOA ", StringComparison.Ordinal)).Split(' ')[5], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Rpz_StartsWithOrigin_ThenSoaWithTheSerial_NsAndEachNameWithItsWildcard()
    {
        await _app.ListActiveAsync(_analyst, _second, "Recruit.Example.");
        var (text, etag, response) = await _isp.ExportAsync("/api/v1/blocklist/rpz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("$ORIGIN rpz.takedown.", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("@ IN SOA ", StringComparison.Ordinal));
        Assert.Contains("@ IN NS localhost.", lines);
        Assert.Contains("recruit.example CNAME .", lines);
        Assert.Contains("*.recruit.example CNAME .", lines);
        Assert.Equal($"\"{SerialOf(text)}\"", etag);
    }

    [Fact]
    public async Task Serial_IncreasesOnActivationAndDelisting_ButNotOnProposal()
    {
        var s0 = SerialOf((await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        var pending = await _analyst.ProposeAsync(Blocklists.DomainBody("pending.example", TestApp.Start));
        Assert.Equal(s0, SerialOf((await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text));
        var listing = await _app.ListActiveAsync(_analyst, _second, "serial.example");
        var s1 = SerialOf((await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        Assert.True(s1 > s0);
        await _analyst.PostOkAsync($"/api/v1/blocklist/{pending["id"]}/delist", new { reason = "Withdrawn before approval." });
        Assert.Equal(s1, SerialOf((await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text));
        await _analyst.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/delist", new { reason = "Content removed." });
        Assert.True(SerialOf((await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text) > s1);
    }

    [Fact]
    public async Task Delisting_LeavesEveryExportAtOnce()
    {
        var domain = await _app.ListActiveAsync(_analyst, _second, "leaving.example");
        var url = await _app.ListActiveAsync(_analyst, _second, "https://forum.example/t/recruit?id=7");
        Assert.Contains("leaving.example", (await _isp.ExportAsync("/api/v1/blocklist/hosts")).Text);
        Assert.Contains("https://forum.example/t/recruit?id=7", (await _search.ExportAsync("/api/v1/blocklist/urls.csv")).Text);

        await _analyst.PostOkAsync($"/api/v1/blocklist/{domain["id"]}/delist", new { reason = "Content removed." });
        await _analyst.PostOkAsync($"/api/v1/blocklist/{url["id"]}/delist", new { reason = "Content removed." });
        Assert.DoesNotContain("leaving.example", (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        Assert.DoesNotContain("leaving.example", (await _isp.ExportAsync("/api/v1/blocklist/hosts")).Text);
        Assert.DoesNotContain("forum.example", (await _search.ExportAsync("/api/v1/blocklist/urls.csv")).Text);
    }

    [Fact]
    public async Task HostsAndCsv_CarryTheListings()
    {
        var domain = await _app.ListActiveAsync(_analyst, _second, "hosts.example");
        var url = await _app.ListActiveAsync(_analyst, _second, "https://video.example/watch?v=1,2");
        var hosts = (await _isp.ExportAsync("/api/v1/blocklist/hosts")).Text;
        Assert.Contains("0.0.0.0 hosts.example\n", hosts);
        Assert.DoesNotContain("video.example", hosts);

        var (csv, _, response) = await _search.ExportAsync("/api/v1/blocklist/urls.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("url,listing_id,category,since,scope", rows[0]);
        Assert.Contains($"\"https://video.example/watch?v=1,2\",{url.S("id")},terrorism,2026-03-02T09:00:00.0000000Z,url", rows);
        Assert.Contains($"https://hosts.example/,{domain.S("id")},terrorism,2026-03-02T09:00:00.0000000Z,domain", rows);
    }

    [Fact]
    public async Task InternationalisedDomain_IsExportedInPunycode_AndMatchesItsAsciiSpellingAsADuplicate()
    {
        await _app.ListActiveAsync(_analyst, _second, "bücher.example");
        Assert.Contains("xn--bcher-kva.example CNAME .", (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text);
        await Problem.AssertAsync(await _analyst.PostAsync("/api/v1/blocklist", Blocklists.DomainBody("XN--BCHER-KVA.example", TestApp.Start)), 409, "domain");
    }

    [Fact]
    public async Task IfNoneMatch_WithTheCurrentSerial_Answers304_UntilTheListChanges()
    {
        await _app.ListActiveAsync(_analyst, _second, "etag.example");
        var (_, etag, _) = await _isp.ExportAsync("/api/v1/blocklist/rpz");
        var (body, etag2, notModified) = await _isp.ExportAsync("/api/v1/blocklist/rpz", etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("", body);
        Assert.Equal(etag, etag2);
        Assert.Equal(HttpStatusCode.NotModified, (await _isp.ExportAsync("/api/v1/blocklist/hosts", etag)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, (await _isp.ExportAsync("/api/v1/blocklist/rpz", "W/" + etag)).Response.StatusCode);

        await _app.ListActiveAsync(_analyst, _second, "etag2.example");
        var (text, etag3, changed) = await _isp.ExportAsync("/api/v1/blocklist/rpz", etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, etag3);
        Assert.Contains("etag2.example", text);
    }

    [Fact]
    public async Task Pulls_AreRecorded_AndTheAuthoritySeesWhoIsStale()
    {
        await _app.ListActiveAsync(_analyst, _second, "pulled.example");
        var (rpz, etag, _) = await _isp.ExportAsync("/api/v1/blocklist/rpz");
        var serial = SerialOf(rpz);
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _isp.ExportAsync("/api/v1/blocklist/rpz", etag);

        var report = await _analyst.GetOkAsync("/api/v1/blocklist/pulls");
        Assert.Equal(serial, report["current_serial"]!.GetValue<long>());
        var isp = report["recipients"]!.AsArray().Single(r => r!.S("org_id") == _isp.Id.ToString())!;
        Assert.Equal(serial, isp["serial"]!.GetValue<long>());
        Assert.Equal("rpz", isp.S("format"));
        Assert.Equal(TestApp.Start, isp["first_pulled_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(TestApp.Start.AddMinutes(1), isp["last_pulled_at"]!.GetValue<DateTimeOffset>());
        Assert.False(isp["stale"]!.GetValue<bool>());
        var search = report["recipients"]!.AsArray().Single(r => r!.S("org_id") == _search.Id.ToString())!;
        Assert.True(search["stale"]!.GetValue<bool>());
        Assert.Null(search["serial"]);

        // A change: the ISP is stale from that moment, and late once it has had 24 hours.
        await _app.ListActiveAsync(_analyst, _second, "newer.example");
        _app.Clock.Advance(TimeSpan.FromHours(25));
        isp = (await _analyst.GetOkAsync("/api/v1/blocklist/pulls"))["recipients"]!.AsArray().Single(r => r!.S("org_id") == _isp.Id.ToString())!;
        Assert.True(isp["stale"]!.GetValue<bool>());
        Assert.True(isp["late"]!.GetValue<bool>());
        Assert.Equal(TestApp.Start.AddMinutes(1), isp["stale_since"]!.GetValue<DateTimeOffset>());

        await _isp.ExportAsync("/api/v1/blocklist/rpz");
        isp = (await _analyst.GetOkAsync("/api/v1/blocklist/pulls"))["recipients"]!.AsArray().Single(r => r!.S("org_id") == _isp.Id.ToString())!;
        Assert.False(isp["stale"]!.GetValue<bool>());
    }
}
