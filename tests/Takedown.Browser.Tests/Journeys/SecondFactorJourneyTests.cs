using Takedown.Core.Common;
using System.Text.Json;
using Dapper;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;
using Takedown.Core.Users;
using Takedown.Tests;

namespace Takedown.Browser.Tests.Journeys;

/// <summary>Second factors in Chromium: an authenticator app enrolled and used, and a passkey through Chromium's virtual authenticator.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecondFactorJourneyTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private Guid _authority;

    public async Task InitializeAsync()
    {
        _app = await BrowserApp.StartAsync();
        _authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<long> AuditAsync(string type, Guid subject, string kind)
    {
        await using var c = await _app.Service<IDatabase>().OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_events WHERE type = @type AND subject_id = @id AND data_json LIKE @kind",
            new { type, id = subject.ToString(), kind = $"%\"{kind}\"%" });
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("E-mail address")).ToBeVisibleAsync();
    }

    private static async Task GivePasswordAsync(IPage page, string email)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(BrowserApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [Fact]
    public async Task Analyst_EnrolsAnAuthenticatorApp_AtFirstSignIn_ThenSignsInWithItsCode()
    {
        var analyst = await _app.PersonAsync(_authority, Roles.Analyst, "analyst@pharos.test");
        var page = await chromium.NewPageAsync(_app);
        await GivePasswordAsync(page, analyst.Email);

        // Sent to enrolment: no navigation, no session; the desk is out of reach.
        await Expect(page).ToHaveURLAsync($"{_app.Url}/account/security");
        await Expect(page.Locator("header nav")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(page.Locator("figure.qr svg")).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "second-factor-enrol");
        var codes = await page.EnrolAuthenticatorAppAsync(analyst.Email);
        Assert.Equal(10, codes.Count);
        await Expect(page.Locator("header .who")).ToContainTextAsync(analyst.Email);
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Orders desk");

        await SignOutAsync(page);
        await GivePasswordAsync(page, analyst.Email);
        await Expect(page).ToHaveURLAsync($"{_app.Url}/signin/second-factor");
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?returnUrl="));
        await page.GotoAsync("/signin/second-factor");
        var field = page.GetByLabel("Code from your authenticator app, or a recovery code");
        await field.FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.Locator("#factor-error")).ToHaveTextAsync("The code is not right.");
        await Screens.SaveAsync(page, "second-factor-step");
        await field.FillAsync(await TestTotp.NextCodeAsync(PageActions.TotpSecretOf(analyst.Email)!));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.Locator("header .who")).ToContainTextAsync(analyst.Email);
        Assert.Equal(1, await AuditAsync("second_factor.used", analyst.Id, "totp"));
    }

    [Fact]
    public async Task Analyst_RegistersAPasskey_ThroughChromiumsVirtualAuthenticator_AndSignsInWithIt()
    {
        var analyst = await _app.PersonAsync(_authority, Roles.Analyst, "passkey@pharos.test");
        // WebAuthn needs a domain as relying-party id and a secure context: http://localhost is both; 127.0.0.1 is not a domain.
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _app.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
        var authenticatorId = added!.Value.GetProperty("authenticatorId").GetString()!;

        await GivePasswordAsync(page, analyst.Email);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/security$"));
        await page.GetByLabel("Name of the passkey").FillAsync("virtual key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register a passkey" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes code")).ToHaveCountAsync(10);
        await page.GetByRole(AriaRole.Link, new() { Name = "I have kept them: continue" }).ClickAsync();
        await Expect(page.Locator("header .who")).ToContainTextAsync(analyst.Email);
        var credentials = await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId });
        Assert.Equal(1, credentials!.Value.GetProperty("credentials").GetArrayLength());
        Assert.Equal(1, await AuditAsync("second_factor.enrolled", analyst.Id, "passkey"));

        await page.GotoAsync("/account/security");
        await Expect(page.Locator("#passkeys")).ToContainTextAsync("virtual key");
        await Screens.SaveAsync(page, "second-factor-passkeys");

        await SignOutAsync(page);
        await GivePasswordAsync(page, analyst.Email);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin/second-factor$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Expect(page.Locator("header .who")).ToContainTextAsync(analyst.Email);
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Orders desk");
        Assert.Equal(1, await AuditAsync("second_factor.used", analyst.Id, "passkey"));

        // A made-up assertion posted in place of the authenticator's is refused, and counted as a failure.
        await SignOutAsync(page);
        await GivePasswordAsync(page, analyst.Email);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin/second-factor$"));
        await page.EvaluateAsync("""
            () => { const f = document.getElementById('passkey-signin');
                    f.querySelector('input[name=Assertion]').value = JSON.stringify({ id: 'AAAA', rawId: 'AAAA', type: 'public-key',
                        response: { authenticatorData: 'AAAA', signature: 'AAAA', clientDataJSON: 'AAAA' }, clientExtensionResults: {} });
                    f.submit(); }
            """);
        await Expect(page.Locator("#factor-error")).ToHaveTextAsync("The passkey was not accepted.");
        await page.GotoAsync("/orders");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?returnUrl="));
        Assert.Equal(1, await AuditAsync("second_factor.failed", analyst.Id, "passkey"));
        await context.CloseAsync();
    }
}
