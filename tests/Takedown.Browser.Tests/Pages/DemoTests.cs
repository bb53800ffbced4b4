using Takedown.Web.Demo;

namespace Takedown.Browser.Tests.Pages;

/// <summary>`serve --demo`'s data: every demo person signs in, and the main pages are captured for the README.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DemoTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private IReadOnlyList<DemoUser> _people = [];

    public async Task InitializeAsync()
    {
        _app = await BrowserApp.StartAsync(bootstrap: false);
        _people = (await DemoSeeder.SeedAsync(_app.App.Services, CancellationToken.None))!;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Demo_SeedsOnlyOnce_AndEveryDemoPersonSignsIn()
    {
        Assert.Null(await DemoSeeder.SeedAsync(_app.App.Services, CancellationToken.None));
        Assert.Equal(7, _people.Count);
        foreach (var person in _people)
        {
            var page = await chromium.NewPageAsync(_app);
            await page.SignInAsync(person.Email, person.Password);
            await Expect(page.Locator("main h1")).ToBeVisibleAsync();
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Demo_MainPages_AreCaptured()
    {
        var analyst = await chromium.NewPageAsync(_app);
        await analyst.SignInAsync(_people.Single(p => p.Email.StartsWith("analyst@")).Email, _people.Single(p => p.Email.StartsWith("analyst@")).Password);
        await Expect(analyst.Locator("#orders tr.is-overdue")).ToHaveCountAsync(1);
        await Screens.SaveAsync(analyst, "demo-desk");
        await analyst.GotoAsync("/dashboard");
        await Expect(analyst.Locator("svg.chart rect")).ToHaveCountAsync(8);
        await Screens.SaveAsync(analyst, "demo-dashboard");

        var moderator = await chromium.NewPageAsync(_app);
        var mod = _people.Single(p => p.Email.StartsWith("moderator@videoshare"));
        await moderator.SignInAsync(mod.Email, mod.Password);
        await Expect(moderator.Locator("#open-items .badge.emergency").First).ToBeVisibleAsync();
        await Screens.SaveAsync(moderator, "demo-inbox");
        await moderator.Locator("#open-items a").First.ClickAsync();
        await Expect(moderator.Locator("figure.evidence.blurred")).ToHaveCountAsync(2);
        await moderator.Locator("figure.evidence").Nth(1).GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(moderator.Locator("figure.evidence").Nth(1).Locator("img")).ToHaveCSSAsync("filter", "none");
        await Screens.SaveAsync(moderator, "demo-order");
    }
}
