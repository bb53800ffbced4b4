using Takedown.Core.Common;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Organizations;
using Takedown.Core.Users;
using Takedown.Web.Tests.Pages;
using static Takedown.Web.Tests.Accounts.AccountIntents;

namespace Takedown.Web.Tests.Accounts;

/// <summary>Invitations: an admin invites by address and role, the invited person chooses their own password through a one-time link.</summary>
public sealed class InvitationTests : IAsyncLifetime
{
    private const string Chosen = "my own long pass phrase";
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private PageClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Invitation_LetsThePersonChooseTheirPassword_ThenSignIn_AndWorksOnlyOnce()
    {
        var link = await _admin.InviteAsync("New.Analyst@Test.example", Roles.Analyst);
        var (_, members) = await _admin.GetAsync("/admin");
        Assert.Contains("new.analyst@test.example", members);
        Assert.Contains("invited", members);
        // Until the link is used, nobody signs in as the invited person, whatever they type.
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(_app).TrySignInAsync("new.analyst@test.example", "")).Status);

        var (status, _, location) = await AcceptAsync(_app, link, Chosen);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/signin", location?.OriginalString);
        var person = await PageClient.SignInAsync(_app, "new.analyst@test.example", Chosen);
        Assert.True(await person.IsSignedInAsync("/orders"));

        // The link is used up: opening it again, or setting another password with it, finds nothing.
        var (again, html, _) = await AcceptAsync(_app, link, "someone else's password");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Contains("invitation-error", html);
        Assert.Equal(HttpStatusCode.Redirect, (await PageClient.Anonymous(_app).TrySignInAsync("new.analyst@test.example", Chosen)).Status);
        Assert.Equal(1, await _app.AuditCountAsync("user.invited"));
        Assert.Equal(1, await _app.AuditCountAsync("user.invitation_accepted"));
    }

    [Fact]
    public async Task Invitation_PastItsValidity_IsRefused()
    {
        var link = await _admin.InviteAsync("late@test.example", Roles.Viewer);
        _app.Clock.Advance(TimeSpan.FromHours(72) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(_app).GetAsync(link)).Status);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, html, _) = await AcceptAsync(_app, link, Chosen);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("invitation-error", html);
        Assert.Equal(0, await _app.AuditCountAsync("user.invitation_accepted"));
    }

    [Theory]
    [InlineData("short pass")]
    [InlineData("qwerty123456")]
    [InlineData("password12345678")]
    [InlineData("!!iloveyou2026!!")]
    [InlineData("abababababababab")]
    [InlineData("weak.person-2026")]
    public async Task Invitation_WithAWeakOrCommonPassword_IsRefused_AndTheLinkStaysUsable(string weak)
    {
        var link = await _admin.InviteAsync("weak.person@test.example", Roles.Viewer);
        var (status, html, _) = await AcceptAsync(_app, link, weak);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("new-password-error", html);
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(_app).TrySignInAsync("weak.person@test.example", weak)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(_app, link, Chosen)).Status);
    }

    [Fact]
    public async Task Invitation_WithAMadeUpOrTruncatedToken_FindsNothing()
    {
        var link = await _admin.InviteAsync("guess@test.example", Roles.Viewer);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_app, link[..^2] + "AA", Chosen)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_app, "/invitation/x", Chosen)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(_app, link, Chosen)).Status);
    }

    [Fact]
    public async Task NewInvitationLink_StopsTheOldPassword_EndsSessions_AndKillsOlderLinks()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var session = await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
        var first = await _admin.ReinviteAsync(member.Id);
        var second = await _admin.ReinviteAsync(member.Id);

        Assert.False(await session.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(_app).TrySignInAsync(member.Email, PeopleIntents.Password)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await AcceptAsync(_app, first, Chosen)).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await AcceptAsync(_app, second, Chosen)).Status);
        Assert.True(await (await PageClient.SignInAsync(_app, member.Email, Chosen)).IsSignedInAsync());
        Assert.Equal(2, await _app.AuditCountAsync("user.reinvited", member.Id));
    }

    [Fact]
    public async Task InvitingAnAddressAlreadyInUse_IsAConflict()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Viewer);
        var (status, html, _) = await _admin.PostFormAsync("/admin", "/admin", [F("Email", member.Email.ToUpperInvariant()), F("Role", Roles.Viewer)]);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("email-error", html);
    }

    [Fact]
    public async Task ChangePassword_NeedsTheCurrentOne_RefusesACommonOne_AndEndsOtherSessions()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var here = await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
        var elsewhere = await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);

        var (status, html, _) = await here.PostFormAsync("/account/password", "/account/password",
            [F("CurrentPassword", "not my password at all"), F("NewPassword", Chosen), F("RepeatPassword", Chosen)]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("current-password-error", html);
        (status, html, _) = await here.PostFormAsync("/account/password", "/account/password",
            [F("CurrentPassword", PeopleIntents.Password), F("NewPassword", "1qaz2wsx3edc"), F("RepeatPassword", "1qaz2wsx3edc")]);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("new-password-error", html);
        Assert.True(await elsewhere.IsSignedInAsync());

        (status, _, _) = await here.PostFormAsync("/account/password", "/account/password",
            [F("CurrentPassword", PeopleIntents.Password), F("NewPassword", Chosen), F("RepeatPassword", Chosen)]);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.True(await here.IsSignedInAsync());
        Assert.False(await elsewhere.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(_app).TrySignInAsync(member.Email, PeopleIntents.Password)).Status);
        await PageClient.SignInAsync(_app, member.Email, Chosen);
        Assert.Equal(1, await _app.AuditCountAsync("user.password_changed", member.Id));
    }

    [Fact]
    public async Task Passwords_SetByTheOperatorOrTheDemo_FollowTheSamePolicy()
    {
        var users = _app.App.Services.GetRequiredService<UsersService>();
        var common = await users.AddAsync(Caller.System, _authority.Id, new AddUserRequest("common@test.example", "qwertyuiop123", Roles.Viewer), CancellationToken.None);
        Assert.Equal("is one of the most common passwords", common.Error?.Fields?["password"].Single());
        Assert.Null(PasswordPolicy.Check("demo-" + "0123456789ab", "analyst@pharos.example"));
    }
}
