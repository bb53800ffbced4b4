using Takedown.Core.Users;
using Takedown.Web.Tests.Accountability;

namespace Takedown.Web.Tests.Pages;

/// <summary>The printable Annex II / Annex III of an answered item, as a page and as JSON; only the two parties to the order see it.</summary>
public sealed class AnnexPageTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync("PHAROS");
        _platform = await _app.PlatformAsync("VideoShare");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string PageOf(JsonNode order, int item = 0) => $"/orders/{order.Id()}/items/{order.ItemId(item)}/annex";

    [Fact]
    public async Task RemovedItem_HasAnAnnexII_ForBothParties_LinkedFromTheOrder()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://videoshare.example/watch/annex-two");
        _app.Clock.Advance(TimeSpan.FromMinutes(25));
        order = await _platform.ActAsync(order, 0, new { action = "removed" });

        foreach (var (org, role) in new[] { (_authority.Id, Roles.Viewer), (_platform.Id, Roles.Moderator) })
        {
            var person = await PageClient.SignInAsync(_app, org, role);
            var (status, html) = await person.GetAsync(PageOf(order));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("data-annex=\"II\"", html);
            Assert.Contains("<h1>Annex II</h1>", html);
            Assert.Contains($"<dd data-testid=\"reference\">{order["reference"]!.GetValue<string>()}</dd>", html);
            Assert.Contains("https://videoshare.example/watch/annex-two", html);
            Assert.Contains("<dd data-testid=\"acted-at\">2026-03-02 09:25 UTC</dd>", html);
            Assert.Contains("The terrorist content has been removed.", html);
            Assert.Contains("VideoShare", html);
            Assert.Contains("PHAROS", html);
            Assert.Contains("class=\"no-print page-actions\"", html);
            var detail = await person.GetAsync($"/orders/{order.Id()}");
            Assert.True(detail.Status == HttpStatusCode.OK, detail.Html);
            Assert.Contains($"href=\"{PageOf(order)}\"", detail.Html);
        }

        var json = await _authority.GetOkAsync($"/api/v1{PageOf(order)}");
        Assert.Equal("II", json["annex"]!.GetValue<string>());
        Assert.Equal("removed", json["action"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddMinutes(25), json["acted_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("VideoShare", json["platform"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ImpossibleItem_HasAnAnnexIII_WithItsReasonAndExplanation()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        order = await _platform.ActAsync(order, 0, new { action = "impossible", reason = "insufficient_information", explanation = "The URL has no video id." });
        var person = await PageClient.SignInAsync(_app, _platform.Id, Roles.Viewer);
        var (status, html) = await person.GetAsync(PageOf(order));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h1>Annex III</h1>", html);
        Assert.Matches("<li class=\"chosen\" aria-current=\"true\"><span aria-hidden=\"true\">[^<]+</span> The removal order does not contain sufficient information</li>", html);
        Assert.Contains("<dd data-testid=\"explanation\">The URL has no video id.</dd>", html);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<li class=\"\">").Count);
        Assert.Contains("Printable Annex III", (await person.GetAsync($"/orders/{order.Id()}")).Html);
        Assert.Equal("III", (await _platform.GetOkAsync($"/api/v1{PageOf(order)}"))["annex"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReinstatedItem_KeepsItsAnnexII_AndSaysSo()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        await _platform.PostOkAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/reinstatement", new { reason = "court", court = "Tribunal judiciaire de Paris", court_reference = "RG 26/1" });
        var person = await PageClient.SignInAsync(_app, _authority.Id, Roles.Viewer);
        var (status, html) = await person.GetAsync(PageOf(order));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<p data-testid=\"reinstated\">Reinstated on 2026-03-02 09:00 UTC (by a court&#x27;s order).</p>", html);
    }

    [Fact]
    public async Task UnansweredItems_AndOtherOrganisations_Get404()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var platformPerson = await PageClient.SignInAsync(_app, _platform.Id, Roles.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await platformPerson.GetAsync(PageOf(order))).Status);
        await Problem.AssertAsync(await _platform.GetAsync($"/api/v1{PageOf(order)}"), 409, "item_id");
        Assert.DoesNotContain("data-testid=\"annex-link\"", (await platformPerson.GetAsync($"/orders/{order.Id()}")).Html);

        order = await _platform.ActAsync(order, 0, new { action = "removed" });
        var otherAuthority = await _app.AuthorityAsync();
        var otherPlatform = await _app.PlatformAsync();
        foreach (var org in new[] { otherAuthority.Id, otherPlatform.Id })
        {
            var stranger = await PageClient.SignInAsync(_app, org, Roles.Admin);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(PageOf(order))).Status);
        }
        await Problem.AssertAsync(await otherAuthority.GetAsync($"/api/v1{PageOf(order)}"), 404);
        await Problem.AssertAsync(await otherPlatform.GetAsync($"/api/v1{PageOf(order)}"), 404);
        Assert.Equal(HttpStatusCode.NotFound, (await platformPerson.GetAsync($"/orders/{order.Id()}/items/{Guid.NewGuid()}/annex")).Status);
    }
}
