using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Web.Tests.Pages;

/// <summary>A browser-less person: an HTTP client with a cookie jar that signs in through /signin and reads server-rendered pages.</summary>
public sealed partial class PageClient
{
    public const string Password = "a long enough password";

    private readonly CookieContainer _jar;

    private PageClient(HttpClient http, CookieContainer jar)
    {
        Http = http;
        _jar = jar;
    }

    public HttpClient Http { get; }

    /// <summary>The e-mail address this client signed in with, when it did.</summary>
    public string? Email { get; private set; }

    /// <summary>Adds a person of <paramref name="organizationId"/> with <paramref name="role"/> and signs them in.</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, Guid organizationId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await app.App.Services.GetRequiredService<UsersService>()
            .AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        return await SignInAsync(app, email, Password);
    }

    /// <summary>Signs an existing person in through /signin, as they would in a browser; fails the test unless the sign-in succeeds.</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, string email, string password)
    {
        var client = Anonymous(app);
        var response = await client.TrySignInAsync(email, password);
        Assert.True(response.Status == HttpStatusCode.Redirect, $"sign-in answered {(int)response.Status}");
        return client;
    }

    /// <summary>A client with an empty cookie jar (nobody signed in).</summary>
    public static PageClient Anonymous(TestApp app)
    {
        var jar = new CookieContainer();
        return new PageClient(Client(app, jar), jar);
    }

    /// <summary>Posts the sign-in form, whatever the outcome (a redirect when it succeeds).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> TrySignInAsync(string email, string password)
    {
        var result = await PostFormAsync("/signin", "/signin", [new("Email", email), new("Password", password)]);
        if (result.Status == HttpStatusCode.Redirect) Email = email;
        return result;
    }

    /// <summary>The same person (the same cookies) talking to another node of the deployment.</summary>
    public PageClient On(TestApp node) => new(Client(node, _jar), _jar) { Email = Email };

    /// <summary>A copy of this client's cookies as they are now (a stolen or kept cookie, replayed later).</summary>
    public PageClient CopyCookies(TestApp app)
    {
        var jar = new CookieContainer();
        jar.Add(_jar.GetAllCookies());
        return new PageClient(Client(app, jar), jar) { Email = Email };
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        var response = await Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits a form of <paramref name="page"/> (with its antiforgery token) to <paramref name="action"/>, without following the redirect.</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> PostFormAsync(string page, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var form = await Http.GetStringAsync(page);
        var response = await Http.PostAsync(action, new FormUrlEncodedContent(
            fields.Append(new KeyValuePair<string, string>("__RequestVerificationToken", TokenOf(form)))));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    private static HttpClient Client(TestApp app, CookieContainer jar) =>
        new(new CookieHandler(jar) { InnerHandler = app.App.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("http://localhost") };

    private static string TokenOf(string html) => AntiforgeryToken().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new Xunit.Sdk.XunitException("no antiforgery token in the form");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>Keeps cookies between requests, as a browser does (the test server's handler has no cookie jar).</summary>
    private sealed class CookieHandler(CookieContainer jar) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var cookies = jar.GetCookieHeader(request.RequestUri!);
            if (cookies.Length > 0) request.Headers.Add("Cookie", cookies);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var c in set) jar.SetCookies(request.RequestUri!, c);
            return response;
        }
    }
}
