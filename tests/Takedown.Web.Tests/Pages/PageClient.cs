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

    private PageClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>The person's e-mail address.</summary>
    public string Email { get; private set; } = "";

    /// <summary>The authenticator-app secret this person enrolled (base32), when they did.</summary>
    public string? TotpSecret { get; private set; }

    /// <summary>The recovery codes shown when they enrolled.</summary>
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    /// <summary>Adds a person of <paramref name="organizationId"/> with <paramref name="role"/> and signs them in (enrolling an authenticator app when their role requires one).</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, Guid organizationId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await app.App.Services.GetRequiredService<UsersService>()
            .AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        return await SignInAsync(app, email);
    }

    /// <summary>Signs in an existing person through every step: password, then enrolment or their authenticator app's code.</summary>
    public static async Task<PageClient> SignInAsync(TestApp app, string email, string? totpSecret = null)
    {
        var client = New(app);
        client.Email = email;
        client.TotpSecret = totpSecret;
        var next = await client.GivePasswordAsync(email);
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

    /// <summary>A client with an empty cookie jar.</summary>
    public static PageClient New(TestApp app)
    {
        var handler = new CookieHandler(new CookieContainer()) { InnerHandler = app.App.GetTestServer().CreateHandler() };
        return new PageClient(new HttpClient(handler) { BaseAddress = new Uri("http://localhost") });
    }

    /// <summary>Posts the sign-in form; answers where it sends the person (their home, the second factor, or enrolment).</summary>
    public async Task<string> GivePasswordAsync(string email, string password = Password)
    {
        var (status, _, location) = await PostFormAsync("/signin", "/signin", [new("Email", email), new("Password", password)]);
        Assert.Equal(HttpStatusCode.Redirect, status);
        return location!.OriginalString;
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
