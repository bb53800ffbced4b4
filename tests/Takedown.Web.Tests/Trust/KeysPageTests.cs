using System.Text.RegularExpressions;
using Takedown.Web.Tests.Blocklist;
using Takedown.Web.Tests.Pages;

namespace Takedown.Web.Tests.Trust;

/// <summary>/admin/keys: where an organisation's admin, signed in, makes the person keys that approve.</summary>
public sealed partial class KeysPageTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    [Fact]
    public async Task OrganisationAdmin_MakesAPersonsKey_ThatApprovesAColleaguesListing()
    {
        var (_, proposer) = await _app.AnalystWithKeyAsync(_authority);
        var approver = await _app.AddMemberAsync(_authority.Id, "analyst");
        var admin = await PageClient.SignInAsync(_app, _authority.Id, "admin");

        var (status, _, location) = await admin.PostFormAsync("/admin/keys", "/admin/keys?handler=Create",
            [F("KeyName", "approver's key"), F("PersonEmail", approver.Email), F("KeyScopes", "read"), F("KeyScopes", "approve")]);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/admin/keys", location?.OriginalString);
        var (_, html) = await admin.GetAsync("/admin/keys");
        var key = ApiKey().Match(html).Value;
        Assert.StartsWith("tdk_", key);
        Assert.Contains(approver.Email, html);
        Assert.Contains("read approve", html);

        var listing = await proposer.ProposeAsync(Blocklists.DomainBody("page.example", TestApp.Start.AddDays(-2)));
        var approved = await _app.WithKey(key).PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved.S("status"));
        Assert.Equal(approver.Id.ToString(), approved.S("approved_by_person"));
    }

    [Fact]
    public async Task OrganisationAdmin_CannotGiveAViewerMoreThanReading()
    {
        var viewer = await _app.AddMemberAsync(_authority.Id, "viewer");
        var admin = await PageClient.SignInAsync(_app, _authority.Id, "admin");
        var (status, html, _) = await admin.PostFormAsync("/admin/keys", "/admin/keys?handler=Create",
            [F("KeyName", "too much"), F("PersonEmail", viewer.Email), F("KeyScopes", "read"), F("KeyScopes", "approve")]);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("KeyScopes-error", html);
        Assert.DoesNotContain("too much", (await _authority.GetOkAsync($"/api/v1/organizations/{_authority.Id}/keys")).ToJsonString());
    }

    [Fact]
    public async Task KeysPage_IsNotForAnalysts()
    {
        var analyst = await PageClient.SignInAsync(_app, _authority.Id, "analyst");
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/admin/keys")).Status);
    }

    [GeneratedRegex("tdk_[A-Za-z0-9_-]+")]
    private static partial Regex ApiKey();
}
