using Takedown.Tests;

namespace Takedown.Browser.Tests.Infrastructure;

/// <summary>Screenshots go to TestResults/screenshots/ at the repository root (never committed).</summary>
public static class Screens
{
    public static readonly string Directory = Locate();

    public static async Task SaveAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Directory, name + ".png"), FullPage = true });

    private static string Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Takedown.slnx"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>What people do in the browser, in a few words each.</summary>
public static class PageActions
{
    /// <summary>The authenticator-app secret each person enrolled during these tests, by e-mail address.</summary>
    private static readonly Dictionary<string, string> Secrets = [];

    public static string? TotpSecretOf(string email)
    {
        lock (Secrets) return Secrets.GetValueOrDefault(email);
    }

    /// <summary>
    /// Signs in through every step: the password; then, for a role that requires a second factor, enrolling an
    /// authenticator app the first time (the tests compute its codes) or typing its code the next times.
    /// </summary>
    public static async Task SignInAsync(this IPage page, string email, string password = BrowserApp.Password)
    {
        await page.TrySignInAsync(email, password);
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.Equals("/signin", StringComparison.Ordinal));
        var path = new Uri(page.Url).AbsolutePath;
        if (path == "/account/security") await page.EnrolAuthenticatorAppAsync(email);
        else if (path == "/signin/second-factor")
        {
            await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(await TestTotp.NextCodeAsync(TotpSecretOf(email)!));
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        }
        await Expect(page.Locator("header .who")).ToContainTextAsync(email);
    }

    /// <summary>Fills and sends the sign-in form, whatever the answer.</summary>
    public static async Task TrySignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>On the enrolment page: sets up an authenticator app with the shown key, confirms a code, keeps the recovery codes.</summary>
    public static async Task<IReadOnlyList<string>> EnrolAuthenticatorAppAsync(this IPage page, string email)
    {
        if (await page.Locator("#totp-secret").CountAsync() == 0)
            await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        var secret = (await page.Locator("#totp-secret").TextContentAsync())!.Trim();
        lock (Secrets) Secrets[email] = secret;
        await page.GetByLabel("Code from the app").FillAsync(await TestTotp.NextCodeAsync(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes code")).ToHaveCountAsync(10);
        var codes = await page.Locator("#recovery-codes code").AllTextContentsAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "I have kept them: continue" }).ClickAsync();
        return codes;
    }
}
