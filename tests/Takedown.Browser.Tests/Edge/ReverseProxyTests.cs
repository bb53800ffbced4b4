using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Browser.Tests.Edge;

/// <summary>
/// The service behind a real nginx terminating TLS (the configuration in docs/deployment.md), as Chromium
/// receives it: Secure, HttpOnly, SameSite cookies; CSP, frame-ancestors, nosniff, Referrer-Policy and HSTS
/// on every response; and no page, nor the API documentation, that breaks its own Content-Security-Policy.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReverseProxyTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private Nginx _nginx = null!;
    private UserView _moderator = null!;
    private Guid _orderId;

    public async Task InitializeAsync()
    {
        // nginx connects from loopback: the one proxy the service believes.
        _app = await BrowserApp.StartAsync(true, "--ForwardedHeaders:KnownProxies:0=127.0.0.1");
        _nginx = await Nginx.StartAsync(_app.Url);
        var authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
        var platform = await _app.OrganizationAsync(OrganizationKinds.Platform, "VideoShare", "IE");
        var analyst = await _app.PersonAsync(authority, Roles.Analyst);
        _moderator = await _app.PersonAsync(platform, Roles.Moderator);
        var order = await _app.Service<OrdersService>().CreateAsync(analyst.ToCaller(), new CreateOrderRequest(
            OrderKinds.RemovalOrder, platform, "REF-EDGE-1", [new CreateOrderItem("https://videoshare.example/watch/1", null, null)], "Synthetic.",
            ["threats"], "Regulation (EU) 2021/784, Art. 3", false, null, null, null, null), CancellationToken.None);
        Assert.True(order.IsSuccess, order.Error?.Detail);
        _orderId = order.Value.Id;
    }

    public async Task DisposeAsync()
    {
        await _nginx.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task BehindNginxWithTls_CookiesAreSecure_HeadersAreSent_AndNoPageBreaksItsCsp()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _nginx.Url, IgnoreHTTPSErrors = true, Locale = "en-GB", ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        // Every violation the page itself reports, from the first script on.
        await context.AddInitScriptAsync("""
            window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));
            """);
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") console.Add(m.Text); };
        page.PageError += (_, e) => console.Add("page error: " + e);
        var violations = new List<string>();

        async Task Visit(string path, Func<Task>? ready = null)
        {
            var response = await page.GotoAsync(path);
            Assert.NotNull(response);
            Assert.True(response.Ok, $"{path}: {response.Status}");
            Assert.StartsWith(_nginx.Url, page.Url); // still behind nginx, over https (no redirect to the plain-http upstream)
            AssertSecurityHeaders(path, await response.AllHeadersAsync());
            if (ready is not null) await ready();
            violations.AddRange((await page.EvaluateAsync<string[]>("window.__csp")).Select(v => $"{path}: {v}"));
        }

        await Visit("/signin");
        await page.SignInAsync(_moderator.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Visit("/orders", () => Expect(page.Locator("#orders").GetByText("REF-EDGE-1")).ToBeVisibleAsync());
        await Visit($"/orders/{_orderId}", () => Expect(page.Locator("[data-due-at]").First).Not.ToBeEmptyAsync());
        await Visit("/dashboard");
        await Visit("/reports");
        await Visit("/docs", async () =>
        {
            await Expect(page.Locator(".swagger-ui .info .title")).ToContainTextAsync("Takedown API");
            await page.Locator(".opblock-summary").First.ClickAsync();
            await Expect(page.Locator(".opblock-body").First).ToBeVisibleAsync();
        });

        var cookies = (await context.CookiesAsync()).ToDictionary(c => c.Name);
        var session = cookies["takedown.session"];
        Assert.True(session.Secure && session.HttpOnly, "session cookie must be Secure and HttpOnly");
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        var antiforgery = Assert.Single(cookies.Values, c => c.Name.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.True(antiforgery.Secure && antiforgery.HttpOnly, "antiforgery cookie must be Secure and HttpOnly");
        Assert.Equal(SameSiteAttribute.Strict, antiforgery.SameSite);
        var language = cookies[".AspNetCore.Culture"];
        Assert.True(language.Secure && language.HttpOnly, "language cookie must be Secure and HttpOnly");
        Assert.Equal(SameSiteAttribute.Lax, language.SameSite);

        // Not only pages: a static file and an API problem carry the headers too.
        foreach (var path in new[] { "/js/site.js", "/api/v1/orders" })
        {
            var other = await context.APIRequest.GetAsync(path);
            AssertSecurityHeaders(path, other.Headers);
        }

        Assert.True(violations.Count == 0, string.Join("\n", violations.Concat(console)));
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        await context.CloseAsync();
    }

    private static void AssertSecurityHeaders(string path, IReadOnlyDictionary<string, string> headers)
    {
        string Header(string name) => headers.TryGetValue(name, out var v) ? v : throw new Xunit.Sdk.XunitException($"{path}: no {name} header");
        var csp = Header("content-security-policy");
        var script = csp.Split(';').Select(d => d.Trim()).FirstOrDefault(d => d.StartsWith("script-src ", StringComparison.Ordinal))
                     ?? csp.Split(';').Select(d => d.Trim()).First(d => d.StartsWith("default-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("'unsafe-inline'", script);
        Assert.DoesNotContain("'unsafe-eval'", script);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Header("x-content-type-options"));
        Assert.Equal("no-referrer", Header("referrer-policy"));
        Assert.StartsWith("max-age=31536000", Header("strict-transport-security"));
    }
}
