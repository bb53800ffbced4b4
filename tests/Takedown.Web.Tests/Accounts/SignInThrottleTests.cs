using System.Text.RegularExpressions;
using Takedown.Core.Users;
using Takedown.Web.Tests.Pages;

namespace Takedown.Web.Tests.Accounts;

/// <summary>Password guessing is slowed, then stopped, per account and per client address, and looks the same for an unknown account.</summary>
public sealed partial class SignInThrottleTests : IAsyncLifetime
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
    public async Task WrongPasswords_AreSlowedThenLockedOut_AndTheRightPasswordWaitsToo()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var guesser = PageClient.Anonymous(_app);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await guesser.TrySignInAsync(member.Email, $"guess number {i} here")).Status);
        // The fourth attempt right away is not even checked, even with the right password.
        var (status, html, _) = await guesser.TrySignInAsync(member.Email, PeopleIntents.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("wait", html);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 3; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await guesser.TrySignInAsync(member.Email, $"guess number {i} here")).Status);
            _app.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        (status, html, _) = await guesser.TrySignInAsync(member.Email, PeopleIntents.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("paused", html);
        Assert.Equal(1, await _app.AuditCountAsync("user.locked_out", member.Id));

        _app.Clock.Advance(TimeSpan.FromMinutes(15));
        await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
    }

    [Fact]
    public async Task LockingOutAnUnknownAccount_LooksExactlyLikeAKnownOne()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        const string unknown = "nobody-here@test.example";
        var known = PageClient.Anonymous(_app);
        var stranger = PageClient.Anonymous(_app);
        for (var i = 0; i < 12; i++)
        {
            var a = await known.TrySignInAsync(member.Email, "wrong password number " + i);
            var b = await stranger.TrySignInAsync(unknown, "wrong password number " + i);
            Assert.Equal(a.Status, b.Status);
            Assert.Equal(Comparable(a.Html, member.Email), Comparable(b.Html, unknown));
            _app.Clock.Advance(TimeSpan.FromSeconds(31));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.TrySignInAsync(unknown, "anything at all here")).Status);
        Assert.Equal(1, await _app.AuditCountAsync("user.locked_out", member.Id));
        Assert.Equal(1, Convert.ToInt64(await _app.ScalarSqlAsync(
            "SELECT COUNT(*) FROM audit_events WHERE type = 'user.locked_out' AND subject_id IS NULL AND data_json LIKE '%\"scope\":\"account\"%'")));
        Assert.Equal(0, Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM audit_events WHERE data_json LIKE '%{unknown}%'")));
    }

    [Fact]
    public async Task ManyAccountsFromOneAddress_LockTheAddress_OnEveryNode()
    {
        await using var app = await TestApp.StartAsync(null, "--SignIn:AddressFreeFailures=3", "--SignIn:AddressLockoutFailures=6");
        await using var nodeB = await app.StartNodeAsync();
        var authority = await app.AuthorityAsync();
        var member = await app.AddMemberAsync(authority.Id, Roles.Analyst);
        var sprayer = PageClient.Anonymous(app);
        for (var i = 0; i < 6; i++)
        {
            // A different account each time (password spraying): only the address counts up.
            var node = i % 2 == 0 ? sprayer : sprayer.On(nodeB);
            var status = (await node.TrySignInAsync($"target{i}@test.example", "Summer2026 password")).Status;
            Assert.True(status == HttpStatusCode.OK, $"attempt {i} answered {(int)status}");
            app.Clock.Advance(TimeSpan.FromSeconds(31));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageClient.Anonymous(nodeB).TrySignInAsync(member.Email, PeopleIntents.Password)).Status);
        Assert.Equal(1, Convert.ToInt64(await app.ScalarSqlAsync(
            "SELECT COUNT(*) FROM audit_events WHERE type = 'user.locked_out' AND data_json LIKE '%\"scope\":\"address\"%'")));
    }

    [Fact]
    public async Task ARightPassword_ForgetsTheAccountsEarlierFailures()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var person = PageClient.Anonymous(_app);
        for (var i = 0; i < 3; i++) await person.TrySignInAsync(member.Email, "a typo in my password " + i);
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await person.TrySignInAsync(member.Email, "another typo here " + i)).Status);
    }

    [Fact]
    public async Task GuessingTheCurrentPassword_OnThePasswordPage_CountsAsFailedSignIns()
    {
        var member = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var session = await PageClient.SignInAsync(_app, member.Email, PeopleIntents.Password);
        for (var i = 0; i < 3; i++)
            await session.PostFormAsync("/account/password", "/account/password",
                [AccountIntents.F("CurrentPassword", "guess " + i), AccountIntents.F("NewPassword", "a brand new passphrase"), AccountIntents.F("RepeatPassword", "a brand new passphrase")]);
        var (status, _, _) = await session.PostFormAsync("/account/password", "/account/password",
            [AccountIntents.F("CurrentPassword", PeopleIntents.Password), AccountIntents.F("NewPassword", "a brand new passphrase"), AccountIntents.F("RepeatPassword", "a brand new passphrase")]);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    /// <summary>The page with what legitimately differs removed: the address typed and the per-request form token.</summary>
    private static string Comparable(string html, string email) => Token().Replace(html.Replace(email, "EMAIL"), "TOKEN");

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex Token();
}
