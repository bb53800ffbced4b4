using Takedown.Core.Common;
using System.Text.RegularExpressions;
using Dapper;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;
using Takedown.Core.Users;
using Takedown.Web.Demo;

namespace Takedown.Browser.Tests.Journeys;

/// <summary>The issue's journeys, end to end in Chromium against the real service.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class OrderJourneyTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private UserView _analyst = null!;
    private UserView _moderator = null!;
    private UserView _otherModerator = null!;

    public async Task InitializeAsync()
    {
        _app = await BrowserApp.StartAsync();
        var authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
        var platform = await _app.OrganizationAsync(OrganizationKinds.Platform, "VideoShare", "IE");
        var other = await _app.OrganizationAsync(OrganizationKinds.Platform, "OtherForum", "NL");
        _analyst = await _app.PersonAsync(authority, Roles.Analyst, "analyst@pharos.test");
        _moderator = await _app.PersonAsync(platform, Roles.Moderator, "moderator@videoshare.test");
        _otherModerator = await _app.PersonAsync(other, Roles.Moderator, "moderator@otherforum.test");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Order_IssuedInTheBrowser_IsAnsweredByThePlatform_AndClarifiedByTheAnalyst()
    {
        // The analyst issues a removal order with two URLs and attaches a screenshot to the first.
        var analyst = await chromium.NewPageAsync(_app);
        await analyst.SignInAsync(_analyst.Email);
        await analyst.GotoAsync("/orders/new");
        await analyst.GetByLabel("Platform").SelectOptionAsync(new SelectOptionValue { Label = "VideoShare (IE)" });
        await analyst.GetByLabel("Reference number").FillAsync("PHAROS-2026-0042");
        await analyst.GetByLabel("URLs (one per line)").FillAsync("https://videoshare.example/watch/1\nhttps://videoshare.example/watch/2");
        await analyst.GetByLabel("Reasons").FillAsync("Synthetic test: a video glorifying an attack.");
        await analyst.GetByLabel("(a) incitement").CheckAsync();
        await Screens.SaveAsync(analyst, "01-analyst-new-order");
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Issue" }).ClickAsync();
        await analyst.WaitForURLAsync(OrderUrl());
        var orderId = OrderUrl().Match(analyst.Url).Groups[1].Value;
        await Expect(analyst.Locator("article.item")).ToHaveCountAsync(2);

        var evidence = Path.Combine(_app.DataDir, "capture.png");
        await File.WriteAllBytesAsync(evidence, SyntheticImage.Png());
        await analyst.Locator("#file-1").SetInputFilesAsync(evidence);
        await analyst.Locator("#item-1").GetByRole(AriaRole.Button, new() { Name = "Attach", Exact = true }).ClickAsync();
        await Expect(analyst.Locator("#item-1 figure.evidence")).ToHaveCountAsync(1);

        // The platform's moderator sees both items in the inbox, counting down.
        var moderator = await chromium.NewPageAsync(_app);
        await moderator.SignInAsync(_moderator.Email);
        await moderator.GotoAsync("/orders");
        var rows = moderator.Locator($"#open-items tr[data-order-id='{orderId}']");
        await Expect(rows).ToHaveCountAsync(2);
        var countdown = rows.First.Locator("[data-due-at]");
        await Expect(countdown).ToHaveTextAsync(new Regex(@"^\d+:\d\d left$"));
        var before = await countdown.TextContentAsync();
        await Expect(countdown).Not.ToHaveTextAsync(before!, new() { Timeout = 5_000 });
        await Screens.SaveAsync(moderator, "02-moderator-inbox");

        // Evidence is blurred and grey until the moderator reveals it.
        await rows.First.GetByRole(AriaRole.Link).ClickAsync();
        await moderator.WaitForURLAsync(OrderUrl());
        var figure = moderator.Locator("#item-1 figure.evidence");
        await Expect(figure).ToHaveClassAsync(new Regex("blurred"));
        Assert.Contains("blur", await figure.Locator("img").EvaluateAsync<string>("e => getComputedStyle(e).filter"));
        Assert.True(await figure.Locator("img").EvaluateAsync<bool>("e => e.complete && e.naturalWidth > 0"), "the evidence image did not load");
        await Screens.SaveAsync(moderator, "03-moderator-evidence-blurred");
        await figure.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(figure).Not.ToHaveClassAsync(new Regex("blurred"));
        await Expect(figure.Locator("img")).ToHaveCSSAsync("filter", "none");

        // Removed for the first item (Annex II), impossible for lack of information for the second (Annex III).
        await moderator.Locator("#action-1").SelectOptionAsync("removed");
        await moderator.Locator("#item-1").GetByRole(AriaRole.Button, new() { Name = "Record answer" }).ClickAsync();
        await Expect(moderator.Locator("#item-1 [data-testid=item-status]")).ToHaveTextAsync("removed");
        await moderator.Locator("#action-2").SelectOptionAsync("impossible");
        await moderator.Locator("#reason-2").SelectOptionAsync("insufficient_information");
        await moderator.Locator("#explanation-2").FillAsync("Which of the videos on this page is meant?");
        await moderator.Locator("#item-2").GetByRole(AriaRole.Button, new() { Name = "Record answer" }).ClickAsync();
        await Expect(moderator.Locator("#item-2 [data-testid=item-status]")).ToHaveTextAsync("impossible");
        // The audit log names the person, not just the organisation.
        await Expect(moderator.Locator("ol.timeline")).ToContainTextAsync(_moderator.Email);
        await Screens.SaveAsync(moderator, "04-moderator-answered");

        // The analyst sees both answers and clarifies the second item; its clock restarts.
        await analyst.ReloadAsync();
        await Expect(analyst.Locator("#item-1 [data-testid=answer]")).ToContainTextAsync("removed");
        await Expect(analyst.Locator("#item-2 [data-testid=answer]")).ToContainTextAsync("insufficient information");
        await Expect(analyst.Locator("#item-2 [data-testid=answer]")).ToContainTextAsync("Which of the videos");
        await analyst.GetByLabel("Clarification").FillAsync("The second video, at 02:10.");
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Send clarification" }).ClickAsync();
        await Expect(analyst.Locator("#item-2 [data-testid=item-status]")).ToHaveTextAsync("pending");
        await Expect(analyst.Locator("#item-2 [data-due-at]")).ToHaveCountAsync(1);
        await Screens.SaveAsync(analyst, "05-analyst-clarified");

        // A moderator of another platform never sees it: not in the inbox, 404 on the page and on the evidence.
        var outsider = await chromium.NewPageAsync(_app);
        await outsider.SignInAsync(_otherModerator.Email);
        await outsider.GotoAsync("/orders");
        await Expect(outsider.Locator($"[data-order-id='{orderId}']")).ToHaveCountAsync(0);
        Assert.Equal(404, (await outsider.GotoAsync($"/orders/{orderId}"))!.Status);
        var img = await moderator.Locator("#item-1 figure.evidence img").GetAttributeAsync("src");
        Assert.Equal(404, (await outsider.GotoAsync(img!))!.Status);
    }

    [Fact]
    public async Task NewOrder_WithABadUrl_ShowsTheErrorAtTheField_AndCreatesNothing()
    {
        var analyst = await chromium.NewPageAsync(_app);
        await analyst.SignInAsync(_analyst.Email);
        await analyst.GotoAsync("/orders/new");
        await analyst.GetByLabel("Platform").SelectOptionAsync(new SelectOptionValue { Label = "VideoShare (IE)" });
        await analyst.GetByLabel("Reference number").FillAsync("PHAROS-BAD-1");
        await analyst.GetByLabel("URLs (one per line)").FillAsync("https://videoshare.example/watch/9\nnot a url");
        await analyst.GetByLabel("Reasons").FillAsync("Synthetic test.");
        await analyst.GetByLabel("(a) incitement").CheckAsync();
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Issue" }).ClickAsync();

        var urls = analyst.GetByLabel("URLs (one per line)");
        await Expect(urls).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(analyst.Locator("#urls-error")).ToContainTextAsync("Line 2: is not an absolute URL");
        await Expect(urls).ToHaveValueAsync("https://videoshare.example/watch/9\nnot a url");
        await Screens.SaveAsync(analyst, "06-analyst-bad-url");
        await using var c = await _app.Service<IDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM orders"));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM order_items"));
    }

    [GeneratedRegex(@"/orders/([0-9a-f-]{36})$")]
    private static partial Regex OrderUrl();
}
