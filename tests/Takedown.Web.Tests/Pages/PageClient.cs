using Takedown.Core.Common;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Organizations;
using Takedown.Core.Users;
using Takedown.Tests;
using Takedown.Web.SecondFactors;

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

    /// <summary>The e-mail address this client signed in with ("" until it did).</summary>
    public string Email { get; private set; } = "";

    /// <summary>The authenticator-app secret this person enrolled (base32), when they did.</summary>
    public string? TotpSecret { get; private set; }

    /// <summary>The recovery codes shown when they enrolled.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    /// <summary>The secret each person enrolled during these tests, so a later sign-in of the same person can give codes.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Enrolled = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a person of <paramref name="organizationId"/> with <paramref name="role"/> and signs them in (enrolling an authenticator app when their role requires one).</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, Guid organizationId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await app.App.Services.GetRequiredService<UsersService>()
            .AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        return await SignInAsync(app, email, Password);
    }

    /// <summary>
    /// Signs an existing person in through /signin as they would in a browser, through every step: the password, then
    /// enrolment or their authenticator app's code. Fails the test unless the sign-in succeeds.
    /// </summary>
    public static async Task<PageClient> SignInAsync(TestApp app, string email, string password = Password, string? totpSecret = null)
    {
        var client = Anonymous(app);
        client.TotpSecret = totpSecret ?? Enrolled.GetValueOrDefault(email);
        var next = await client.GivePasswordAsync(email, password);
        if (next == SecondFactorStep.EnrolPath) await client.EnrolTotpAsync(app);
        else if (next == SecondFactorStep.StepPath)
        {
            var code = client.NextCode(app);
            var (status, _, location) = await client.PostFormAsync(next, next + "?handler=Code", [new("Code", code)]);
            Assert.True(status == HttpStatusCode.Redirect, $"the code was refused ({status})");
            Assert.NotEqual(SecondFactorStep.StepPath, location?.OriginalString);
        }
        return client;
    }

    /// <summary>A client with an empty cookie jar (nobody signed in).</summary>
    public static PageClient Anonymous(TestApp app)
    {
        var jar = new CookieContainer();
        return new PageClient(Client(app, jar), jar);
    }

    /// <summary>Posts the sign-in form, whatever the outcome (a redirect when the password is accepted).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> TrySignInAsync(string email, string password)
    {
        var result = await PostFormAsync("/signin", "/signin", [new("Email", email), new("Password", password)]);
        if (result.Status == HttpStatusCode.Redirect) Email = email;
        return result;
    }

    /// <summary>Posts the sign-in form; answers where it sends the person (their home, the second factor, or enrolment).</summary>
    public async Task<string> GivePasswordAsync(string email, string password = Password)
    {
        var (status, _, location) = await TrySignInAsync(email, password);
        Assert.True(status == HttpStatusCode.Redirect, $"sign-in answered {(int)status}");
        return location!.OriginalString;
    }

    /// <summary>The same person (the same cookies) talking to another node of the deployment.</summary>
    public PageClient On(TestApp node) => new(Client(node, _jar), _jar) { Email = Email, TotpSecret = TotpSecret };

    /// <summary>A copy of this client's cookies as they are now (a stolen or kept cookie, replayed later).</summary>
    public PageClient CopyCookies(TestApp app)
    {
        var jar = new CookieContainer();
        jar.Add(_jar.GetAllCookies());
        return new PageClient(Client(app, jar), jar) { Email = Email, TotpSecret = TotpSecret };
    }

    /// <summary>Sets up an authenticator app at /account/security with a code computed by the tests' own TOTP.</summary>
    public async Task EnrolTotpAsync(TestApp app)
    {
        var (begun, _, _) = await PostFormAsync("/account/security", "/account/security?handler=BeginTotp", []);
        Assert.Equal(HttpStatusCode.Redirect, begun);
        var page = await Http.GetStringAsync("/account/security");
        TotpSecret = TotpSecretIn().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no secret on the enrolment page");
        var (status, html, _) = await PostFormAsync("/account/security", "/account/security?handler=ConfirmTotp", [new("Code", NextCode(app))]);
        Assert.Equal(HttpStatusCode.OK, status);
        RecoveryCodes = RecoveryCodeIn().Matches(html).Select(c => c.Groups[1].Value).ToList();
        Assert.Equal(10, RecoveryCodes.Count);
        if (Email.Length > 0) Enrolled[Email] = TotpSecret;
    }

    /// <summary>The next code of this person's app on the test's clock (moving the clock on a step when the window is used up).</summary>
    public string NextCode(TestApp app)
    {
        Assert.NotNull(TotpSecret);
        while (true)
        {
            if (TestTotp.NextCode(TotpSecret!, app.Clock.GetUtcNow()) is { } code) return code;
            app.Clock.Advance(TimeSpan.FromSeconds(30));
        }
    }

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex TotpSecretIn();

    [GeneratedRegex("<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>")]
    private static partial Regex RecoveryCodeIn();

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
