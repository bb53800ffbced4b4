using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Takedown.Core.SecondFactors;
using Takedown.Core.Users;
using Takedown.Web.People;

namespace Takedown.Web.SecondFactors;

/// <summary>Where people register passkeys: the relying party is this site, named by configuration or by the request's host.</summary>
public sealed class PasskeysOptions
{
    /// <summary>The WebAuthn relying-party id (a registrable domain, e.g. "takedown.example"); empty means the request's host.</summary>
    public string? RelyingPartyId { get; set; }

    /// <summary>The origins passkeys are used from (e.g. "https://takedown.example"); empty means the request's own origin.</summary>
    public string[] Origins { get; set; } = [];
}

/// <summary>
/// The step between a good password and a session. A person who holds a second factor, or whose role requires one,
/// gets a short-lived pending cookie of its own scheme (not a session: it opens no page but the second-factor step
/// and enrolment, and never the API) and is sent to give their factor, or to enrol one.
/// </summary>
public static class SecondFactorStep
{
    public const string PendingScheme = "PersonPending";
    public const string StepPath = "/signin/second-factor";
    public const string EnrolPath = "/account/security";

    /// <summary>The session's claim naming the second factor it was opened with (set by <see cref="SignInSessions.StartAsync"/>).</summary>
    public const string SessionClaim = "takedown:2fa";

    /// <summary>Whether this session was opened with a second factor.</summary>
    public static bool SessionUsedSecondFactor(ClaimsPrincipal user) => user.HasClaim(c => c.Type == SessionClaim);

    /// <summary>How long the pending state lasts between the password and the second factor.</summary>
    public static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(10);

    private const string PurposeClaim = "takedown:pending";
    private const string ReturnClaim = "takedown:return";
    private const string UserClaim = "takedown:user";

    public const string Verify = "verify";
    public const string Enrol = "enrol";

    public sealed record Pending(UserView User, string Purpose, string? ReturnUrl);

    internal static void AddSecondFactors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SecondFactorsService>();
        services.AddOptions<PasskeysOptions>().Bind(configuration.GetSection("Passkeys"))
            .Validate(o => o.Origins.All(x => Uri.TryCreate(x, UriKind.Absolute, out var u) && u.AbsolutePath == "/"),
                "Passkeys:Origins must be origins such as https://takedown.example")
            .ValidateOnStart();
        services.AddSingleton<Passkeys>();
        services.AddAuthentication().AddCookie(PendingScheme, o =>
        {
            o.Cookie.Name = "takedown.pending";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = PendingFor;
            o.SlidingExpiration = false;
            o.LoginPath = "/signin";
        });
    }

    /// <summary>Called by the sign-in page after a good password; answers where to go next (a local path).</summary>
    public static async Task<string> AfterPasswordAsync(HttpContext http, UserView user, string? returnUrl)
    {
        var status = await http.RequestServices.GetRequiredService<SecondFactorsService>().StatusAsync(user, http.RequestAborted);
        if (!status.HasAny && !status.Required)
        {
            await SignInSessions.StartAsync(http, user, null);
            return Target(user, returnUrl);
        }
        var purpose = status.HasAny ? Verify : Enrol;
        var identity = new ClaimsIdentity(
        [
            new Claim(UserClaim, user.Id.ToString()),
            new Claim(PurposeClaim, purpose),
            new Claim(ReturnClaim, returnUrl ?? ""),
        ], PendingScheme);
        await http.SignInAsync(PendingScheme, new ClaimsPrincipal(identity));
        return purpose == Verify ? StepPath : EnrolPath;
    }

    /// <summary>The person between their password and their second factor, if this request carries a live pending state.</summary>
    public static async Task<Pending?> PendingAsync(HttpContext http, string purpose)
    {
        var auth = await http.AuthenticateAsync(PendingScheme);
        if (!auth.Succeeded || auth.Principal.FindFirstValue(PurposeClaim) != purpose) return null;
        if (!Guid.TryParse(auth.Principal.FindFirstValue(UserClaim), out var id)) return null;
        var user = await http.RequestServices.GetRequiredService<UsersService>().FindAsync(id, http.RequestAborted);
        return user is null ? null : new Pending(user, purpose, auth.Principal.FindFirstValue(ReturnClaim) is { Length: > 0 } r ? r : null);
    }

    /// <summary>The second factor is given (or enrolled): the pending state ends and the session starts.</summary>
    public static async Task<string> CompleteAsync(HttpContext http, UserView user, string factor, string? returnUrl)
    {
        await http.SignOutAsync(PendingScheme);
        await SignInSessions.StartAsync(http, user, factor);
        return Target(user, returnUrl);
    }

    internal static string Target(UserView user, string? returnUrl) =>
        returnUrl is { Length: > 1 } r && r[0] == '/' && r[1] is not ('/' or '\\')
            ? r
            : PageAccess.HomeOf(new Person(user.Id, user.Email, user.Role, user.OrganizationId, user.OrganizationKind, user.OrganizationName));
}

/// <summary>
/// Keeps a person whose role requires a second factor on the enrolment page until their session rests on one
/// (their organisation's policy changed, or an admin reset their factors, after they signed in).
/// </summary>
internal sealed class SecondFactorGate : IAsyncPageFilter
{
    private static readonly string[] Open = ["/Account/Security", "/Account/SignOut", "/Account/Language", "/Status"];

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var user = context.HttpContext.User;
        if (Person.From(user) is not { } me || Open.Contains(context.ActionDescriptor.ViewEnginePath))
        {
            await next();
            return;
        }
        var factors = context.HttpContext.RequestServices.GetRequiredService<SecondFactorsService>();
        var standing = await factors.StandingAsync(me.UserId, me.OrganizationId, me.Role,
            SecondFactorStep.SessionUsedSecondFactor(user), context.HttpContext.RequestAborted);
        switch (standing)
        {
            case SessionStanding.MustEnrol:
                context.Result = new RedirectResult(SecondFactorStep.EnrolPath);
                return;
            case SessionStanding.MustSignInAgain:
                // Signed in before their role required the factor they hold: they sign in again, giving it.
                await SignInSessions.EndAsync(context.HttpContext, "second_factor_required");
                context.Result = new RedirectResult("/signin");
                return;
        }
        await next();
    }
}
