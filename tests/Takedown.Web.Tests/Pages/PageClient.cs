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

    private PageClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>Adds a person of <paramref name="organizationId"/> with <paramref name="role"/> and signs them in.</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, Guid organizationId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await app.App.Services.GetRequiredService<UsersService>()
            .AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        var handler = new CookieHandler(new CookieContainer()) { InnerHandler = app.App.GetTestServer().CreateHandler() };
        var client = new PageClient(new HttpClient(handler) { BaseAddress = new Uri("http://localhost") });
        var form = await client.Http.GetStringAsync("/signin");
        var response = await client.Http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = Password, ["__RequestVerificationToken"] = TokenOf(form),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
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
