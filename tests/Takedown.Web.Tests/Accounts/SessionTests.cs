using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Users;
using Takedown.Web.Tests.Pages;

namespace Takedown.Web.Tests.Accounts;

/// <summary>Sessions live in the store: sign-out, deactivation and time end them on every node.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignOut_EndsTheSession_SoAKeptCookieOpensNothing()
    {
        var person = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var kept = person.CopyCookies(_app);
        Assert.True(await kept.IsSignedInAsync());
        var (status, _, _) = await person.PostFormAsync("/orders", "/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.False(await kept.IsSignedInAsync());
        Assert.False(await person.IsSignedInAsync());
    }

    [Fact]
    public async Task Session_EndsAfterEightIdleHours()
    {
        var person = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        _app.Clock.Advance(TimeSpan.FromHours(7.9));
        Assert.True(await person.IsSignedInAsync());
        _app.Clock.Advance(TimeSpan.FromHours(7.9));
        Assert.True(await person.IsSignedInAsync());
        _app.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        Assert.False(await person.IsSignedInAsync());
    }

    [Fact]
    public async Task Session_EndsTwentyFourHoursAfterSignIn_EvenWhenBusy()
    {
        var person = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        for (var i = 0; i < 3; i++)
        {
            _app.Clock.Advance(TimeSpan.FromHours(7.5));
            Assert.True(await person.IsSignedInAsync());
        }
        _app.Clock.Advance(TimeSpan.FromHours(1.6));
        Assert.False(await person.IsSignedInAsync());
    }

    [Fact]
    public async Task Lifetimes_AreConfigurable_AndCheckedAtStart()
    {
        await using var shortLived = await TestApp.StartAsync(null, "--Sessions:IdleHours=1", "--Sessions:AbsoluteHours=2");
        var authority = await shortLived.AuthorityAsync();
        var person = await PageClient.SignInAsync(shortLived, authority.Id, Roles.Analyst);
        shortLived.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.False(await person.IsSignedInAsync());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(null, "--Sessions:IdleHours=10", "--Sessions:AbsoluteHours=2"));
        Assert.Contains("Sessions:AbsoluteHours", ex.ToString());
    }

    [Fact]
    public async Task Deactivation_EndsLiveSessionsAndPersonKeys_OnEveryNode_AndKeepsTheirHistory()
    {
        await using var nodeB = await _app.StartNodeAsync();
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var key = await _app.PersonKeyAsync(member, "read", "write");
        var onB = new ApiClient(nodeB.Anonymous(), key.Key, member.OrganizationId);
        var platform = await _app.PlatformAsync();
        var order = await key.IssueOrderAsync(platform.Id);
        var sessionA = await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
        var sessionB = sessionA.On(nodeB);
        Assert.True(await sessionB.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/v1/orders")).StatusCode);

        var admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        var (status, _, _) = await admin.DeactivateAsync(member.Id);
        Assert.Equal(HttpStatusCode.Redirect, status);

        Assert.False(await sessionB.IsSignedInAsync());
        Assert.False(await sessionA.IsSignedInAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/v1/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await key.GetAsync("/api/v1/orders")).StatusCode);
        // Their password no longer signs them in, on either node, with the same answer as a wrong one.
        Assert.Equal(HttpStatusCode.OK, (await PageClient.Anonymous(nodeB).TrySignInAsync(member.Email, PeopleIntents.Password)).Status);
        // What they did stays theirs.
        Assert.Equal(member.Id.ToString(), await _app.ScalarSqlAsync($"SELECT actor_person_id FROM audit_events WHERE type = 'order.created' AND order_id = '{order["id"]}'"));
        var (_, members) = await admin.GetAsync("/admin");
        Assert.Contains(member.Email, members);
        Assert.Equal(1, await _app.AuditCountAsync("user.deactivated", member.Id));

        (status, _, _) = await admin.ReactivateAsync(member.Id);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.False(await sessionA.IsSignedInAsync());
        Assert.True(await (await PageClient.SignInAsync(nodeB, member.Email, PeopleIntents.Password)).IsSignedInAsync());
        Assert.Equal(1, await _app.AuditCountAsync("user.reactivated", member.Id));
    }

    [Fact]
    public async Task NonAdmin_CannotInviteDeactivateOrReset()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Viewer);
        var analyst = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var (status, _, _) = await analyst.PostFormAsync("/account/password", "/admin", [AccountIntents.F("Email", "sneaky@test.example"), AccountIntents.F("Role", Roles.Admin)]);
        Assert.Equal(HttpStatusCode.NotFound, status);
        foreach (var handler in new[] { "Deactivate", "Reinvite", "Reactivate" })
        {
            (status, _, _) = await analyst.PostFormAsync("/account/password", $"/admin?handler={handler}&member={member.Id}", []);
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
        Assert.Equal(0, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM users WHERE email = 'sneaky@test.example'")));
        Assert.True(await (await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password)).IsSignedInAsync("/orders"));

        // The use case itself checks the role in the store, whatever page or caller reaches it.
        var users = _app.App.Services.GetRequiredService<UsersService>();
        var asAnalyst = (await users.FindAsync((await _app.AddMemberAsync(_authority.Id, Roles.Analyst)).Id, CancellationToken.None))!.ToCaller();
        Assert.Equal(Takedown.Core.Common.ErrorKind.NotFound, (await users.DeactivateAsync(asAnalyst, _authority.Id, member.Id, CancellationToken.None)).Error?.Kind);
        Assert.Equal(Takedown.Core.Common.ErrorKind.NotFound, (await users.InviteAsync(asAnalyst, _authority.Id, "x@test.example", Roles.Admin, TimeSpan.FromHours(1), CancellationToken.None)).Error?.Kind);
    }

    [Fact]
    public async Task AdminOfAnotherOrganisation_CannotTouchOurMembers()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var other = await _app.AuthorityAsync();
        var otherAdmin = await PageClient.SignInAsync(_app, other.Id, Roles.Admin);
        foreach (var handler in new[] { "Deactivate", "Reinvite" })
        {
            var (status, _, _) = await otherAdmin.PostFormAsync("/admin", $"/admin?handler={handler}&member={member.Id}", []);
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
        var (_, list) = await otherAdmin.GetAsync("/admin");
        Assert.DoesNotContain(member.Email, list);
        Assert.True(await (await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password)).IsSignedInAsync());
    }

    [Fact]
    public async Task Admin_CannotDeactivateThemselves()
    {
        var admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        var me = Guid.Parse((string)(await _app.ScalarSqlAsync($"SELECT id FROM users WHERE email = '{admin.Email}'"))!);
        var (status, _, _) = await admin.DeactivateAsync(me);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.True(await admin.IsSignedInAsync("/admin"));
    }
}
