using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Takedown.Web;

namespace Takedown.Web.Tests.Edge;

/// <summary>
/// X-Forwarded-Proto and X-Forwarded-For are believed only from the configured proxies: a client talking to the
/// service directly cannot make it think the request came over https (or from another address). Real Kestrel on
/// loopback, since the in-memory test server has no client address.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task ForwardedHeaders_FromAnAddressNotInKnownProxies_AreIgnored()
    {
        await using var service = await KestrelService.StartAsync("--ForwardedHeaders:KnownProxies:0=192.0.2.10", "--ForwardedHeaders:KnownNetworks:0=10.20.0.0/16");
        var response = await service.GetSignInAsForwardedAsync();

        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS sent though the request came over plain http");
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        // The security headers are there all the same.
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task ForwardedHeaders_FromAKnownProxy_MakeTheRequestHttps_AndItsCookiesSecure()
    {
        await using var service = await KestrelService.StartAsync("--ForwardedHeaders:KnownProxies:0=192.0.2.10, 127.0.0.1");
        var response = await service.GetSignInAsForwardedAsync();

        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WithNoProxyConfigured_EvenLoopbackIsNotBelieved()
    {
        await using var service = await KestrelService.StartAsync();
        var response = await service.GetSignInAsForwardedAsync();
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain(response.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class KestrelService : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TestDatabase _database;
        private readonly string _dataDir;
        private readonly HttpClient _http;

        private KestrelService(WebApplication app, TestDatabase database, string dataDir, string url)
        {
            _app = app;
            _database = database;
            _dataDir = dataDir;
            _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        }

        public static async Task<KestrelService> StartAsync(params string[] args)
        {
            var dataDir = Path.Combine(Path.GetTempPath(), "takedown-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dataDir);
            var database = await TestDatabase.CreateAsync();
            var builder = TakedownApp.CreateBuilder(["--data", dataDir, "--urls", "http://127.0.0.1:0", .. database.Args, .. TestApp.GenerousLimits, .. args]);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = TakedownApp.Build(builder);
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new KestrelService(app, database, dataDir, url);
        }

        /// <summary>The sign-in page (it sets the antiforgery cookie), claiming to have come through a TLS proxy.</summary>
        public async Task<HttpResponseMessage> GetSignInAsForwardedAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await _database.DisposeAsync();
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
