using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Browser.Tests.Journeys;

/// <summary>People's accounts in Chromium: invited to first sign-in, a live session ended by deactivation, a lockout.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountJourneyTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private Guid _authority;
    private UserView _admin = null!;

    public async Task InitializeAsync()
    {
        // Delays off so that the lockout journey runs without waiting; the lockout itself as configured by default.
        _app = await BrowserApp.StartAsync(true, "--SignIn:BaseDelaySeconds=0", "--SignIn:MaxDelaySeconds=0");
        _authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
        _admin = await _app.PersonAsync(_authority, Roles.Admin, "admin@pharos.test");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task InvitationLink_LeadsToTheFirstSignIn_WithAPasswordThePersonChose()
    {
        var admin = await chromium.NewPageAsync(_app);
        await admin.SignInAsync(_admin.Email);
        await admin.GotoAsync("/admin");
        await admin.GetByLabel("E-mail address").FillAsync("new.analyst@pharos.test");
        await admin.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "analyst" });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Expect(admin.Locator("#invited")).ToContainTextAsync("new.analyst@pharos.test");
        var link = await admin.Locator("#invitation-link").InputValueAsync();
        Assert.StartsWith(_app.Url + "/invitation/", link);
        await Expect(admin.Locator("tr[data-member='new.analyst@pharos.test']")).ToContainTextAsync("invited");
        await Screens.SaveAsync(admin, "accounts-01-admin-invites");

        var invited = await chromium.NewPageAsync(_app);
        await invited.GotoAsync(link);
        await Expect(invited.GetByLabel("E-mail address")).ToHaveValueAsync("new.analyst@pharos.test");
        await invited.GetByLabel("New password", new() { Exact = true }).FillAsync("qwerty123456");
        await invited.GetByLabel("Repeat the new password").FillAsync("qwerty123456");
        await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(invited.Locator("#new-password-error")).ToContainTextAsync("most common passwords");
        await invited.GetByLabel("New password", new() { Exact = true }).FillAsync("lantern meadow 42 quietly");
        await invited.GetByLabel("Repeat the new password").FillAsync("lantern meadow 42 quietly");
        await Screens.SaveAsync(invited, "accounts-02-invited-chooses-password");
        await invited.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await invited.WaitForURLAsync(_app.Url + "/signin");
        await Expect(invited.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is set");
        await invited.SignInAsync("new.analyst@pharos.test", "lantern meadow 42 quietly");
        await Expect(invited).ToHaveURLAsync(_app.Url + "/orders");

        // The link worked once.
        var again = await chromium.NewPageAsync(_app);
        await again.GotoAsync(link);
        await Expect(again.Locator("#invitation-error")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Deactivation_EndsTheMembersLiveSession()
    {
        var analyst = await _app.PersonAsync(_authority, Roles.Analyst, "leaving@pharos.test");
        var member = await chromium.NewPageAsync(_app);
        await member.SignInAsync(analyst.Email);
        await member.GotoAsync("/orders");
        await Expect(member.Locator("header .who")).ToContainTextAsync(analyst.Email);

        var admin = await chromium.NewPageAsync(_app);
        await admin.SignInAsync(_admin.Email);
        await admin.GotoAsync("/admin");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Deactivate " + analyst.Email }).ClickAsync();
        await Expect(admin.Locator("tr[data-member='leaving@pharos.test']")).ToContainTextAsync("deactivated");
        await Screens.SaveAsync(admin, "accounts-03-member-deactivated");

        // The member's very next click lands on the sign-in page, and their password no longer opens anything.
        await member.ReloadAsync();
        await Expect(member).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await Expect(member.Locator("header .who")).ToHaveCountAsync(0);
        await member.TrySignInAsync(analyst.Email, BrowserApp.Password);
        await Expect(member.Locator("#signin-error")).ToContainTextAsync("not right");
    }

    [Fact]
    public async Task RepeatedWrongPasswords_LockTheAccount_EvenAgainstTheRightOne()
    {
        var analyst = await _app.PersonAsync(_authority, Roles.Analyst, "target@pharos.test");
        var page = await chromium.NewPageAsync(_app);
        for (var i = 0; i < 10; i++)
        {
            await page.TrySignInAsync(analyst.Email, $"wrong guess number {i}");
            await Expect(page.Locator("#signin-error")).ToBeVisibleAsync();
        }
        await page.TrySignInAsync(analyst.Email, BrowserApp.Password);
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("paused for 15 minute(s)");
        await Expect(page.Locator("header .who")).ToHaveCountAsync(0);
        await Screens.SaveAsync(page, "accounts-04-locked-out");
    }
}
