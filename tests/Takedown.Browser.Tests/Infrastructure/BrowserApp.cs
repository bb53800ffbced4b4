using Takedown.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Takedown.Core.Organizations;
using Takedown.Core.Users;
using Takedown.Web;

namespace Takedown.Browser.Tests.Infrastructure;

/// <summary>The real service on Kestrel at 127.0.0.1 on a free port, over a fresh data directory, with intent methods for people.</summary>
public sealed class BrowserApp : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    private Caller _operator = null!;

    private BrowserApp(WebApplication app, string dataDir, string url)
    {
        App = app;
        DataDir = dataDir;
        Url = url;
    }

    public WebApplication App { get; }

    public string DataDir { get; }

    public string Url { get; }

    public Guid OperatorId => _operator.OrganizationId;

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>
    /// Starts the service; with <paramref name="bootstrap"/> false the database stays empty (for the demo seeder).
    /// <paramref name="settings"/> are extra command-line settings ("--SignIn:LockoutFailures=3"),
    /// after generous per-key limits.
    /// </summary>
    public static async Task<BrowserApp> StartAsync(bool bootstrap = true, params string[] settings)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "takedown-browser", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var builder = TakedownApp.CreateBuilder(["--data", dataDir, "--urls", "http://127.0.0.1:0",
            "--RateLimits:PerKeyPerMinute:Reads", "10000000", "--RateLimits:PerKeyPerMinute:Writes", "10000000", .. settings]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = TakedownApp.Build(builder);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        if (!bootstrap) return new BrowserApp(app, dataDir, url);
        var boot = await app.Services.GetRequiredService<OrganizationsService>().BootstrapAsync(CancellationToken.None);
        return new BrowserApp(app, dataDir, url) { _operator = new Caller(boot.Value.Id, OrganizationKinds.Operator, boot.Value.KeyId, "test") };
    }

    public async Task<Guid> OrganizationAsync(string kind, string name, string country = "FR")
    {
        var created = await Service<OrganizationsService>().CreateAsync(_operator, new CreateOrganizationRequest(kind, name, country), CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return created.Value.Id;
    }

    /// <summary>Adds a person; their e-mail is returned, the password is always <see cref="Password"/>.</summary>
    public async Task<UserView> PersonAsync(Guid organizationId, string role, string? email = null)
    {
        email ??= $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await Service<UsersService>().AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        return added.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
