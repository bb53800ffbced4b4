using Takedown.Core.Common;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Web.Tests.Review;

/// <summary>Review cases appear in the platform's web inbox next to its orders, and a moderator decides them there.</summary>
public sealed partial class ReviewInboxPageTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("InboxForum");
        await _platform.CreateBankAsync("OWN");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OpenCases_AreListedInTheInbox_AndAModeratorDismissesOneOnItsPage()
    {
        var hex = BankIntents.RandomHash(60);
        await _platform.AddPdqAsync("OWN", hex, behaviour: "imminent_credible_threat");
        var check = await _platform.CheckPdqCreatedAsync("upload-<42>", hex);
        var browser = await SignInAsync(_platform.Id, "mod@inbox.example");

        var inbox = await browser.GetStringAsync("/orders");
        Assert.Contains("id=\"review-cases\"", inbox);
        Assert.Contains($"href=\"/review/cases/{check.Str("case_id")}\"", inbox);
        Assert.Contains("upload-&lt;42&gt;", inbox);
        Assert.Contains("imminent_credible_threat", inbox);

        var page = await browser.GetStringAsync($"/review/cases/{check.Str("case_id")}");
        var dismissed = await browser.PostFormAsync($"/review/cases/{check.Str("case_id")}?handler=Dismiss", Token(page),
            ("Note", "News report quoting the video."), ("FalsePositive", "true"));
        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);

        var @case = await _platform.CaseAsync(check);
        Assert.Equal("dismissed", @case.Str("state"));
        Assert.Equal("News report quoting the video.", @case.Str("note"));
        Assert.Single(@case["false_positive_entries"]!.AsArray());
        Assert.Contains("No review case is open.", await browser.GetStringAsync("/orders"));
    }

    [Fact]
    public async Task AnotherPlatformsPerson_GetsNotFoundForTheCasePage()
    {
        var hex = BankIntents.RandomHash(61);
        await _platform.AddPdqAsync("OWN", hex);
        var check = await _platform.CheckPdqCreatedAsync("c-1", hex);
        var other = await _app.PlatformAsync("OtherForum");
        var browser = await SignInAsync(other.Id, "mod@other.example");
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/review/cases/{check.Str("case_id")}")).StatusCode);
        Assert.DoesNotContain("c-1", await browser.GetStringAsync("/orders"));
    }

    private async Task<Browser> SignInAsync(Guid organizationId, string email)
    {
        var users = _app.App.Services.GetRequiredService<UsersService>();
        var added = await users.AddAsync(Caller.System, organizationId, new AddUserRequest(email, "a long enough password", "moderator"), CancellationToken.None);
        Assert.True(added.IsSuccess);
        var browser = new Browser(_app.Anonymous());
        var form = await browser.GetStringAsync("/signin");
        var signedIn = await browser.PostFormAsync("/signin", Token(form), ("Email", email), ("Password", "a long enough password"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>The in-process client with a cookie jar (the test server's client keeps none).</summary>
    private sealed class Browser(HttpClient http)
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        public async Task<HttpResponseMessage> GetAsync(string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        public async Task<string> GetStringAsync(string path)
        {
            var response = await GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        public Task<HttpResponseMessage> PostFormAsync(string path, string token, params (string Name, string Value)[] fields) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
                    .Append(KeyValuePair.Create("__RequestVerificationToken", token))),
            });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            var response = await http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var cookie in set)
                {
                    var pair = cookie.Split(';')[0];
                    var eq = pair.IndexOf('=');
                    _cookies[pair[..eq]] = pair[(eq + 1)..];
                }
            return response;
        }
    }
}
