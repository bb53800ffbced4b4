using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Browser.Tests.Pages;

/// <summary>The transparency report in Chromium: server-drawn SVG charts, and the printable Annex II reached from the order.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportPageTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private UserView _moderator = null!;
    private Guid _orderId;
    private Guid _itemId;

    public async Task InitializeAsync()
    {
        _app = await BrowserApp.StartAsync();
        var authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
        var platform = await _app.OrganizationAsync(OrganizationKinds.Platform, "VideoShare", "IE");
        var analyst = await _app.PersonAsync(authority, Roles.Analyst);
        _moderator = await _app.PersonAsync(platform, Roles.Moderator);
        var order = await _app.Service<OrdersService>().CreateAsync(analyst.ToCaller(), new CreateOrderRequest(
            OrderKinds.RemovalOrder, platform, "PHAROS-2026-0100", [new CreateOrderItem("https://videoshare.example/watch/report", null, null)], "Synthetic.",
            ["incitement"], "Regulation (EU) 2021/784, Art. 3", false, null, null, null, null), CancellationToken.None);
        Assert.True(order.IsSuccess, order.Error?.Detail);
        _orderId = order.Value.Id;
        _itemId = order.Value.Items[0].Id;
        var acted = await _app.Service<ItemActionsService>().RecordActionAsync(_moderator.ToCaller(), _orderId, _itemId,
            new ActionRequest(Actions.Removed, null, null, null, null), CancellationToken.None);
        Assert.True(acted.IsSuccess, acted.Error?.Detail);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ReportsPage_DrawsSvgCharts_AndTheAnnexPrintsWithoutTheNavigation()
    {
        var page = await chromium.NewPageAsync(_app);
        await page.SignInAsync(_moderator.Email);
        await page.GetByRole(AriaRole.Link, new() { Name = "Reports" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Transparency report");

        // Three charts, drawn by the server as SVG, each with a title; bars for this month's removal.
        await Expect(page.Locator("svg.chart")).ToHaveCountAsync(3);
        var chart = page.Locator("svg#chart-actioned");
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("title").First).ToHaveTextAsync("Items removed or disabled per month");
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(chart.Locator("rect.bar title").Filter(new() { HasText = $"{month}: 1" })).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Items removed or disabled per month" })).ToBeVisibleAsync();
        await Expect(page.Locator("#by-month tbody tr").Filter(new() { HasText = month })).ToContainTextAsync("1");
        Assert.Equal(0, await page.Locator("script[src^='http']").CountAsync());
        await Screens.SaveAsync(page, "reports-platform");

        // The order's answered item links to its printable Annex II; printed, only the document remains.
        await page.GotoAsync($"/orders/{_orderId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Printable Annex II" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Annex II");
        await Expect(page.Locator("[data-testid=reference]")).ToHaveTextAsync("PHAROS-2026-0100");
        await Expect(page.Locator("header.top")).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator("header.top")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print" })).ToBeHiddenAsync();
        await Expect(page.Locator("article.annex-doc")).ToBeVisibleAsync();
        await Expect(page.Locator("article.annex-doc .signature")).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "annex-ii-print");
    }
}
