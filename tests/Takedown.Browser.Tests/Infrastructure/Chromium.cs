namespace Takedown.Browser.Tests.Infrastructure;

/// <summary>One headless Debian Chromium for the whole test run (starting one costs seconds).</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install chromium (./test.sh does)");
        _playwright = await Playwright.CreateAsync();
        SetDefaultExpectTimeout(15_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // This machine has no outside network: keep Chromium from trying.
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser profile (its own cookies) for one person.</summary>
    public async Task<IPage> NewPageAsync(BrowserApp app, string locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.Url, Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        // The machines are shared and slow at times: generous waits, never fixed sleeps.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    /// <summary>Browser tests run one class at a time: the machine has two cores.</summary>
    public const string Name = "browser";
}
