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
    public static async Task SignInAsync(this IPage page, string email, string password = BrowserApp.Password)
    {
        await page.TrySignInAsync(email, password);
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
}
