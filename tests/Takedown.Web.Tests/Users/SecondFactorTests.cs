using System.Net.Http.Headers;
using Takedown.Core.Organizations;
using Takedown.Core.SecondFactors;
using Takedown.Core.Users;
using Takedown.Tests;
using Takedown.Web.SecondFactors;
using Takedown.Web.Tests.Pages;

namespace Takedown.Web.Tests.Users;

/// <summary>
/// Second factors through the web interface, as people really sign in: the password alone opens nothing for a role
/// that requires a factor, codes are single use, recovery codes work once, failures lock, admins set the policy and
/// reset only their own members.
/// </summary>
public sealed class SecondFactorTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    private async Task<long> AuditCountAsync(string type, Guid subject) =>
        Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM audit_events WHERE type = '{type}' AND subject_id = '{subject}'"));

    private async Task<Guid> UserIdAsync(string email) => Guid.Parse((string)(await _app.ScalarSqlAsync($"SELECT id FROM users WHERE email = '{email}'"))!);

    [Fact]
    public async Task AnalystsPassword_OpensOnlyEnrolment_NotOrdersNorTheApi_UntilAFactorIsSetUp()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var browser = PageClient.Anonymous(_app);
        Assert.Equal(SecondFactorStep.EnrolPath, await browser.GivePasswordAsync(analyst.Email));

        // The pending state is no session: pages send back to sign-in, the API does not know it.
        var orders = await browser.Http.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.Redirect, orders.StatusCode);
        Assert.StartsWith("/signin", orders.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/api/v1/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/admin/security")).StatusCode);
        // Nor is it a second-factor step to skip to: this person has no factor to give.
        Assert.Equal("/signin", (await browser.Http.GetAsync(SecondFactorStep.StepPath)).Headers.Location!.OriginalString);

        // The pending cookie's value, presented as a session cookie, is not a session (another scheme, another key purpose).
        var pending = await PendingCookieAsync(analyst.Email);
        var forged = new HttpRequestMessage(HttpMethod.Get, "/orders");
        forged.Headers.Add("Cookie", "takedown.session=" + pending);
        var forgedAnswer = await _app.Anonymous().SendAsync(forged);
        Assert.Equal(HttpStatusCode.Redirect, forgedAnswer.StatusCode);

        await browser.EnrolTotpAsync(_app);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/orders")).StatusCode);
        Assert.Equal(1, await AuditCountAsync("second_factor.enrolled", analyst.Id));
        // The secret is sealed by the master key, and the recovery codes are kept only as hashes.
        var stored = (string)(await _app.ScalarSqlAsync($"SELECT secret_sealed FROM totp_authenticators WHERE user_id = '{analyst.Id}'"))!;
        Assert.StartsWith("mk1.", stored);
        Assert.DoesNotContain(browser.TotpSecret!, stored);
        var hashes = Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM recovery_codes WHERE user_id = '{analyst.Id}' AND code_hash LIKE '%{browser.RecoveryCodes[0]}%'"));
        Assert.Equal(0, hashes);
    }

    [Fact]
    public async Task SecondFactorStep_RefusesAWrongCode_AndACodeAlreadyUsed_AndPendingOpensNothing()
    {
        var first = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);

        var browser = PageClient.Anonymous(_app);
        Assert.Equal(SecondFactorStep.StepPath, await browser.GivePasswordAsync(first.Email));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.GetAsync("/api/v1/orders")).StatusCode);

        var (wrong, html, _) = await browser.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", "000000")]);
        Assert.Equal(HttpStatusCode.OK, wrong);
        Assert.Contains("The code is not right.", html);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/orders")).StatusCode);

        var code = first.NextCode(_app);
        var (ok, _, location) = await browser.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", code)]);
        Assert.Equal(HttpStatusCode.Redirect, ok);
        Assert.Equal("/orders", location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/orders")).StatusCode);

        // The same code, seen over a shoulder and typed at once elsewhere, is refused.
        var thief = PageClient.Anonymous(_app);
        Assert.Equal(SecondFactorStep.StepPath, await thief.GivePasswordAsync(first.Email));
        var (replayed, replayHtml, _) = await thief.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", code)]);
        Assert.Equal(HttpStatusCode.OK, replayed);
        Assert.Contains("The code is not right.", replayHtml);
        Assert.Equal(HttpStatusCode.Redirect, (await thief.Http.GetAsync("/orders")).StatusCode);
        var id = await UserIdAsync(first.Email);
        Assert.Equal(2, await AuditCountAsync("second_factor.failed", id));
        Assert.Equal(1, await AuditCountAsync("second_factor.used", id));
    }

    [Fact]
    public async Task RecoveryCode_SignsInOnce_ThenIsRefused()
    {
        var first = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        var recovery = first.RecoveryCodes[3];

        var again = PageClient.Anonymous(_app);
        await again.GivePasswordAsync(first.Email);
        var (ok, _, _) = await again.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", recovery.ToUpperInvariant())]);
        Assert.Equal(HttpStatusCode.Redirect, ok);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/admin/security")).StatusCode);
        Assert.Contains("9 recovery codes left", (await again.GetAsync("/account/security")).Html);

        var third = PageClient.Anonymous(_app);
        await third.GivePasswordAsync(first.Email);
        var (refused, _, _) = await third.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", recovery)]);
        Assert.Equal(HttpStatusCode.OK, refused);
        Assert.Equal(HttpStatusCode.Redirect, (await third.Http.GetAsync("/orders")).StatusCode);
        Assert.Equal(1, Convert.ToInt64(await _app.ScalarSqlAsync(
            $"SELECT COUNT(*) FROM audit_events WHERE type = 'second_factor.used' AND data_json LIKE '%recovery%' AND subject_id = '{await UserIdAsync(first.Email)}'")));
    }

    [Fact]
    public async Task FiveWrongCodes_Lock_EvenTheRightCode_UntilTheirAdminResets_ThenTheyEnrolAgain()
    {
        var member = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var attacker = PageClient.Anonymous(_app);
        await attacker.GivePasswordAsync(member.Email);
        for (var i = 0; i < SecondFactorsService.MaxFailures; i++)
            await attacker.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", $"12345{i}")]);

        var (status, html, _) = await attacker.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", member.NextCode(_app))]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Too many wrong attempts", html);
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.Http.GetAsync("/orders")).StatusCode);
        var id = await UserIdAsync(member.Email);
        Assert.Equal(1, await AuditCountAsync("second_factor.locked", id));

        // Their admin sees the lock and resets; the member enrols again at their next sign-in.
        var admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        Assert.Contains("locked", (await admin.GetAsync("/admin/security")).Html);
        var (reset, _, _) = await admin.PostFormAsync("/admin/security", $"/admin/security?handler=Reset&member={id}", []);
        Assert.Equal(HttpStatusCode.Redirect, reset);
        Assert.Equal(1, await AuditCountAsync("second_factor.reset", id));
        // The member's live session, opened with the factor now removed, is held at enrolment.
        var held = await member.Http.GetAsync("/orders");
        Assert.Equal(SecondFactorStep.EnrolPath, held.Headers.Location!.OriginalString);

        var back = PageClient.Anonymous(_app);
        Assert.Equal(SecondFactorStep.EnrolPath, await back.GivePasswordAsync(member.Email));
    }

    [Fact]
    public async Task Lockout_Ends_AfterFifteenMinutes()
    {
        var member = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var attacker = PageClient.Anonymous(_app);
        await attacker.GivePasswordAsync(member.Email);
        for (var i = 0; i < SecondFactorsService.MaxFailures; i++)
            await attacker.PostFormAsync(SecondFactorStep.StepPath, SecondFactorStep.StepPath + "?handler=Code", [F("Code", $"65432{i}")]);
        _app.Clock.Advance(SecondFactorsService.LockFor + TimeSpan.FromSeconds(1));
        var later = await PageClient.SignInAsync(_app, member.Email, totpSecret: member.TotpSecret);
        Assert.Equal(HttpStatusCode.OK, (await later.Http.GetAsync("/orders")).StatusCode);
    }

    [Fact]
    public async Task AdminsPolicy_RequiresModerators_SoALiveModeratorSessionIsHeldAtEnrolment_AndAnUnknownRoleIsRefused()
    {
        var moderator = await PageClient.SignInAsync(_app, _platform.Id, Roles.Moderator);
        Assert.Null(moderator.TotpSecret);
        Assert.Equal(HttpStatusCode.OK, (await moderator.Http.GetAsync("/orders")).StatusCode);

        var admin = await PageClient.SignInAsync(_app, _platform.Id, Roles.Admin);
        var (bad, _, _) = await admin.PostFormAsync("/admin/security", "/admin/security?handler=Policy", [F("RequiredRoles", "admin"), F("RequiredRoles", "analyst")]);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        var (ok, _, _) = await admin.PostFormAsync("/admin/security", "/admin/security?handler=Policy", [F("RequiredRoles", "admin"), F("RequiredRoles", "moderator")]);
        Assert.Equal(HttpStatusCode.Redirect, ok);
        Assert.Equal(1, await AuditCountAsync("second_factor.policy_changed", _platform.Id));

        var held = await moderator.Http.GetAsync("/orders");
        Assert.Equal(SecondFactorStep.EnrolPath, held.Headers.Location!.OriginalString);
        await moderator.EnrolTotpAsync(_app);
        Assert.Equal(HttpStatusCode.OK, (await moderator.Http.GetAsync("/orders")).StatusCode);

        // A moderator or analyst cannot change the policy.
        Assert.Equal(HttpStatusCode.NotFound, (await moderator.PostFormAsync("/account/security", "/admin/security?handler=Policy", [])).Status);
    }

    [Fact]
    public async Task PolicyWithoutAnalysts_LetsAnAnalystInWithThePasswordAlone_UnlessTheyHoldAFactor()
    {
        var admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        await admin.PostFormAsync("/admin/security", "/admin/security?handler=Policy", [F("RequiredRoles", "admin")]);
        var analyst = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var browser = PageClient.Anonymous(_app);
        Assert.Equal("/orders", await browser.GivePasswordAsync(analyst.Email));

        // Once they choose a factor, it is asked for.
        await browser.EnrolTotpAsync(_app);
        Assert.Equal(SecondFactorStep.StepPath, await PageClient.Anonymous(_app).GivePasswordAsync(analyst.Email));
    }

    [Fact]
    public async Task ASessionOpenedWithoutTheFactorThePersonNowHolds_IsEnded_WhenTheirRoleBecomesRequired()
    {
        var admin = await PageClient.SignInAsync(_app, _platform.Id, Roles.Admin);
        var moderator = await _app.AddMemberAsync(_platform.Id, Roles.Moderator);
        var laptop = await PageClient.SignInAsync(_app, moderator.Email);
        // On another device the moderator sets up an app; the laptop's session was opened with the password alone.
        var phone = await PageClient.SignInAsync(_app, moderator.Email);
        await phone.EnrolTotpAsync(_app);

        await admin.PostFormAsync("/admin/security", "/admin/security?handler=Policy", [F("RequiredRoles", "admin"), F("RequiredRoles", "moderator")]);
        var ended = await laptop.Http.GetAsync("/orders");
        Assert.Equal("/signin", ended.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.Http.GetAsync("/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync("/orders")).StatusCode);
    }

    [Fact]
    public async Task Reset_OfAMemberOfAnotherOrganisation_IsNotFound_AndChangesNothing()
    {
        var other = await PageClient.SignInAsync(_app, _platform.Id, Roles.Admin);
        var admin = await PageClient.SignInAsync(_app, _authority.Id, Roles.Admin);
        var otherId = await UserIdAsync(other.Email);
        var (status, _, _) = await admin.PostFormAsync("/admin/security", $"/admin/security?handler=Reset&member={otherId}", []);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM totp_authenticators WHERE user_id = '{otherId}'")));
        Assert.DoesNotContain(other.Email, (await admin.GetAsync("/admin/security")).Html);
    }

    [Fact]
    public async Task LastFactor_OfARequiredRole_CannotBeRemoved()
    {
        var analyst = await PageClient.SignInAsync(_app, _authority.Id, Roles.Analyst);
        var (status, html, _) = await analyst.PostFormAsync("/account/security", "/account/security?handler=RemoveTotp", []);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("add another before removing your last one", html);
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM totp_authenticators WHERE user_id = '{await UserIdAsync(analyst.Email)}'")));
    }

    [Fact]
    public async Task EnrolmentPage_ShowsAQrCodeAsSvg_AndTheSecret_ThatTheTestsOwnTotpAgreesWith()
    {
        var analyst = await _app.AddMemberAsync(_authority.Id, Roles.Analyst);
        var browser = PageClient.Anonymous(_app);
        await browser.GivePasswordAsync(analyst.Email);
        await browser.PostFormAsync("/account/security", "/account/security?handler=BeginTotp", []);
        var html = (await browser.GetAsync("/account/security")).Html;
        // Drawn on the server, with presentation attributes only: nothing a CSP without 'unsafe-inline' would block.
        var svg = System.Text.RegularExpressions.Regex.Match(html, "<svg.*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("<rect", svg);
        Assert.DoesNotContain("style", svg);
        Assert.DoesNotContain("<script>", html);
        // A code from a step two away from the clock is outside the window.
        var secret = System.Text.RegularExpressions.Regex.Match(html, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        var far = TestTotp.CodeAt(TestTotp.FromBase32(secret), _app.Clock.GetUtcNow().ToUnixTimeSeconds() / 30 + 2);
        var (status, refused, _) = await browser.PostFormAsync("/account/security", "/account/security?handler=ConfirmTotp", [F("Code", far)]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("The code is not right", refused);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/orders")).StatusCode);
    }

    /// <summary>The pending cookie a fresh password step sets (read from Set-Cookie).</summary>
    private async Task<string> PendingCookieAsync(string email)
    {
        var http = _app.Anonymous();
        var form = await http.GetAsync("/signin");
        var html = await form.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent([F("Email", email), F("Password", PeopleIntents.Password), F("__RequestVerificationToken", WebUtility.HtmlDecode(token))]),
        };
        foreach (var c in form.Headers.GetValues("Set-Cookie")) request.Headers.Add("Cookie", c.Split(';')[0]);
        var answer = await http.SendAsync(request);
        var pending = answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("takedown.pending=", StringComparison.Ordinal));
        return pending.Split(';')[0]["takedown.pending=".Length..];
    }
}
