using System.Text.RegularExpressions;
using Takedown.Web.Tests.Pages;

namespace Takedown.Web.Tests.Accounts;

/// <summary>What admins and invited people do on the pages, in a few words each.</summary>
public static partial class AccountIntents
{
    public static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    /// <summary>The admin invites on /admin and reads the one-time link shown once; returns its path.</summary>
    public static async Task<string> InviteAsync(this PageClient admin, string email, string role)
    {
        var (status, html, _) = await admin.PostFormAsync("/admin", "/admin", [F("Email", email), F("Role", role)]);
        Assert.True(status == HttpStatusCode.Redirect, html);
        return await ShownLinkAsync(admin);
    }

    /// <summary>The admin asks for a new link for a member (a password reset); returns its path.</summary>
    public static async Task<string> ReinviteAsync(this PageClient admin, Guid member)
    {
        var (status, html, _) = await admin.PostFormAsync("/admin", $"/admin?handler=Reinvite&member={member}", []);
        Assert.True(status == HttpStatusCode.Redirect, html);
        return await ShownLinkAsync(admin);
    }

    public static Task<(HttpStatusCode Status, string Html, Uri? Location)> DeactivateAsync(this PageClient admin, Guid member) =>
        admin.PostFormAsync("/admin", $"/admin?handler=Deactivate&member={member}", []);

    public static Task<(HttpStatusCode Status, string Html, Uri? Location)> ReactivateAsync(this PageClient admin, Guid member) =>
        admin.PostFormAsync("/admin", $"/admin?handler=Reactivate&member={member}", []);

    /// <summary>Someone opens the link and chooses a password (typed twice).</summary>
    public static async Task<(HttpStatusCode Status, string Html, Uri? Location)> AcceptAsync(TestApp app, string link, string password)
    {
        var visitor = PageClient.Anonymous(app);
        var (status, html) = await visitor.GetAsync(link);
        if (status != HttpStatusCode.OK || !html.Contains("__RequestVerificationToken")) return (status, html, null);
        return await visitor.PostFormAsync(link, link, [F("NewPassword", password), F("RepeatPassword", password)]);
    }

    public static async Task<long> AuditCountAsync(this TestApp app, string type, Guid? subject = null) =>
        Convert.ToInt64(await app.ScalarSqlAsync(
            $"SELECT COUNT(*) FROM audit_events WHERE type = '{type}'" + (subject is null ? "" : $" AND subject_id = '{subject}'")));

    /// <summary>Whether the client's session still opens a page that needs one (a dead session is sent to /signin).</summary>
    public static async Task<bool> IsSignedInAsync(this PageClient client, string page = "/orders")
    {
        var response = await client.Http.GetAsync(page);
        if (response.StatusCode == HttpStatusCode.OK) return true;
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page} answered {(int)response.StatusCode}");
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
        return false;
    }

    private static async Task<string> ShownLinkAsync(PageClient admin)
    {
        var (_, html) = await admin.GetAsync("/admin");
        var link = Link().Match(html);
        Assert.True(link.Success, "no invitation link shown");
        return new Uri(WebUtility.HtmlDecode(link.Groups[1].Value)).PathAndQuery;
    }

    [GeneratedRegex("id=\"invitation-link\" type=\"text\" readonly value=\"([^\"]+)\"")]
    private static partial Regex Link();
}
