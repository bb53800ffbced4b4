using System.Text.RegularExpressions;
using Takedown.Core.Users;

namespace Takedown.Web.Tests.Pages;

/// <summary>The transparency report pages: the API's figures for a period, server-drawn SVG charts with the figures in tables, the API's CSV.</summary>
public sealed class ReportPagesTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;
    private JsonNode _third = null!;

    // The default period: the year up to and including today (the fake clock's 2 March 2026).
    private const string DefaultPeriod = "from=2025-03-03&to=2026-03-03";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync("PHAROS");
        _platform = await _app.PlatformAsync("VideoShare");
        var first = await _authority.IssueOrderAsync(_platform.Id);
        var second = await _authority.IssueOrderAsync(_platform.Id);
        var third = _third = await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        await _platform.ActAsync(first, 0, new { action = "removed" });
        _app.Clock.Advance(TimeSpan.FromMinutes(20));
        await _platform.ActAsync(second, 0, new { action = "disabled" });
        await _platform.ActAsync(third, 0, new { action = "impossible", reason = "manifest_error", explanation = "The URL points to our help page." });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Figure(string html, string table, string key) =>
        Regex.Match(html, $"<table[^>]*id=\"{table}\".*?data-key=\"{key}\"><th scope=\"row\">[^<]*</th><td>(\\d+)</td>", RegexOptions.Singleline).Groups[1].Value;

    [Fact]
    public async Task PlatformReport_ShowsTheApisFigures_WithAccessibleChartsAndTables()
    {
        var person = await PageClient.SignInAsync(_app, _platform.Id, Roles.Viewer);
        var (status, html) = await person.GetAsync("/reports");
        Assert.Equal(HttpStatusCode.OK, status);
        var api = await _platform.GetOkAsync($"/api/v1/reports/transparency?{DefaultPeriod}");
        Assert.Equal(2, api["time_to_action"]!["overall"]!["actions"]!.GetValue<int>());

        // The period defaults to the last twelve months.
        Assert.Contains("value=\"2025-03-03\"", html);
        Assert.Contains("value=\"2026-03-03\"", html);

        // Three charts, each named by <title> and <desc>, drawn as inline SVG (no script, nothing fetched).
        foreach (var chart in new[] { "chart-actioned", "chart-time", "chart-share" })
        {
            Assert.Contains($"<svg class=\"chart\" id=\"{chart}\"", html);
            Assert.Contains($"aria-labelledby=\"{chart}-title {chart}-desc\"", html);
            Assert.Contains($"<title id=\"{chart}-title\">", html);
            Assert.Contains($"<desc id=\"{chart}-desc\">", html);
        }
        Assert.DoesNotContain("<script src=\"http", html);
        Assert.Matches("<rect class=\"bar s0\"[^>]*><title>2026-03: 2</title>", html);

        // The same figures in tables: per month, and the Art. 7 sections.
        Assert.Matches(new Regex("<th scope=\"row\">2026-03</th><td>2</td><td>10:00</td><td>30:00</td>"), html);
        Assert.Equal(13, Regex.Matches(Regex.Match(html, "<table class=\"list\" id=\"by-month\">.*?</table>", RegexOptions.Singleline).Value, "<th scope=\"row\">").Count);
        Assert.Equal(api["platform"]!["removal_order_items_not_executed"]!["manifest_error"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Figure(html, "not-executed", "manifest_error"));
        Assert.Equal("1", Figure(html, "not-executed", "manifest_error"));
        Assert.Equal("0", Figure(html, "complaints", "requested"));
        Assert.Contains("<th scope=\"row\">PHAROS</th><td>2</td>", html);

        // The CSV download is the API's CSV for the same period.
        Assert.Contains($"href=\"/reports?handler=csv&amp;{DefaultPeriod.Replace("&", "&amp;", StringComparison.Ordinal)}\"", html);
        var csv = await person.Http.GetAsync($"/reports?handler=csv&{DefaultPeriod}");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var apiCsv = await (await _platform.GetAsync($"/api/v1/reports/transparency?{DefaultPeriod}&format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(apiCsv, await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AuthorityReport_ShowsArt8Figures_ForTheChosenPeriod()
    {
        var person = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var (status, html) = await person.GetAsync("/reports");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("3", Figure(html, "issued", "removal_order"));
        Assert.Equal("2", Figure(html, "removal-items", "complied_on_time"));
        Assert.Equal("1", Figure(html, "removal-items", "not_executed"));
        Assert.Contains("<th scope=\"row\">VideoShare</th><td>2</td>", html);

        // A period without activity: zero everywhere, one month in the table.
        (status, html) = await person.GetAsync("/reports?from=2026-04-01&to=2026-05-01");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("0", Figure(html, "issued", "removal_order"));
        Assert.Matches("<th scope=\"row\">2026-04</th><td>0</td>", html);
        Assert.DoesNotContain("<th scope=\"row\">2026-03</th>", html);
    }

    [Fact]
    public async Task BadPeriods_AreShownAtTheirField_WithA400()
    {
        var person = await PageClient.SignInAsync(_app, _platform.Id, Roles.Moderator);
        var (status, html) = await person.GetAsync("/reports?from=yesterday&to=2026-03-03");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"from-error\"", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.DoesNotContain("<svg class=\"chart\"", html);
        (status, html) = await person.GetAsync("/reports?from=2026-03-03&to=2026-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"to-error\"", html);
    }

    [Fact]
    public async Task ReportAndAnnex_SpeakFrench_FromTheBrowsersLanguage()
    {
        var person = await PageClient.SignInAsync(_app, _platform.Id, Roles.Viewer);
        person.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR");
        var (status, html) = await person.GetAsync("/reports");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>Rapport de transparence</h1>", html);
        Assert.Contains("<title id=\"chart-actioned-title\">Éléments retirés ou bloqués par mois</title>", System.Net.WebUtility.HtmlDecode(html));
        Assert.Contains("erreurs manifestes", System.Net.WebUtility.HtmlDecode((await person.GetAsync(
            $"/orders/{_third["id"]}/items/{_third["items"]![0]!["id"]}/annex")).Html));
    }

    [Fact]
    public async Task ReportsPage_IsInTheNavigationOfPlatformsAndAuthorities_AndHiddenFromTheOperator()
    {
        var platform = await PageClient.SignInAsync(_app, _platform.Id, Roles.Viewer);
        Assert.Contains("<a href=\"/reports\"", (await platform.GetAsync("/dashboard")).Html);
        var (status, html) = await platform.GetAsync("/reports");
        Assert.Contains("<a href=\"/reports\" aria-current=\"page\">", html);
        Assert.Equal(HttpStatusCode.OK, status);
        var op = await PageClient.SignInAsync(_app, _app.Operator.Id, Roles.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await op.GetAsync("/reports")).Status);
        Assert.DoesNotContain("<a href=\"/reports\"", (await op.GetAsync("/admin")).Html);
    }

    [Fact]
    public async Task Dashboard_OfAnOrganisationWithNothingYet_OpensForEveryRole()
    {
        var quietAuthority = await _app.AuthorityAsync("QUIET");
        var quietPlatform = await _app.PlatformAsync("QuietShare");
        foreach (var (org, role) in new[] { (quietAuthority.Id, Roles.Viewer), (quietAuthority.Id, Roles.Analyst), (quietPlatform.Id, Roles.Viewer), (quietPlatform.Id, Roles.Moderator) })
        {
            var person = await PageClient.SignInAsync(_app, org, role);
            var (status, html) = await person.GetAsync("/dashboard");
            Assert.True(status == HttpStatusCode.OK, $"{role}: /dashboard answered {(int)status}");
            Assert.Contains("<main", html);
        }
    }
}
