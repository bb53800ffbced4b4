using Takedown.Core.Common;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Takedown.Core.Organizations;
using Takedown.Core.Users;
using Takedown.Web.Common;

namespace Takedown.Web.People;

/// <summary>A signed-in person, read from their session cookie.</summary>
internal sealed record Person(Guid UserId, string Email, string Role, Guid OrganizationId, string OrganizationKind, string OrganizationName)
{
    /// <summary>The audit log names the person: their user id stands where an API key id would.</summary>
    public Caller Caller => new(OrganizationId, OrganizationKind, UserId, Email, UserId);

    public bool IsAuthority => OrganizationKind == OrganizationKinds.Authority;
    public bool IsPlatform => OrganizationKind == OrganizationKinds.Platform;
    public bool IsOperator => OrganizationKind == OrganizationKinds.Operator;
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Issues orders, attaches evidence, clarifies and withdraws.</summary>
    public bool CanIssue => IsAuthority && Role is Roles.Analyst or Roles.Admin;

    /// <summary>Acknowledges orders and records actions.</summary>
    public bool CanAnswer => IsPlatform && Role is Roles.Moderator or Roles.Admin;

    public static Person? From(ClaimsPrincipal user)
    {
        if (user.Identity?.AuthenticationType != PersonAuthentication.Scheme) return null;
        var role = user.FindFirstValue(PersonAuthentication.RoleClaim);
        if (role is null) return null;
        return new Person(Guid.Parse(user.FindFirstValue(CallerClaims.Key)!), user.FindFirstValue(ClaimTypes.Name)!, role,
            Guid.Parse(user.FindFirstValue(CallerClaims.Organization)!), user.FindFirstValue(CallerClaims.Kind)!,
            user.FindFirstValue(PersonAuthentication.OrganizationNameClaim) ?? "");
    }
}

/// <summary>
/// People sign in with a cookie; programs keep their API keys. One policy scheme picks between them:
/// /api/* and any request carrying "Authorization: Bearer" use the key scheme, everything else the cookie.
/// </summary>
internal static class PersonAuthentication
{
    public const string Scheme = "Person";
    public const string Selector = "Takedown";
    public const string RoleClaim = "takedown:role";
    public const string OrganizationNameClaim = "takedown:org_name";
    public const string PeoplePolicy = "people";

    public static void AddTakedownAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "API key or session cookie", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Headers.Authorization.Count > 0
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "takedown.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/status/404";
                o.ReturnUrlParameter = "returnUrl";
                // Lifetimes come from Sessions:* (AccountsSetup); the session store decides on every request.
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    var person = ctx.Principal is null ? null : Person.From(ctx.Principal);
                    var sessions = ctx.HttpContext.RequestServices.GetRequiredService<SessionStore>();
                    var check = person is null
                        ? null
                        : await sessions.CheckAsync(ctx.Principal!.FindFirstValue(SignInSessions.SessionClaim), person.UserId, person.Role, ctx.HttpContext.RequestAborted);
                    if (check is not { Valid: true })
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(Scheme);
                    }
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(PeoplePolicy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(RoleClaim));
    }

    public static ClaimsPrincipal Principal(UserView user) => new(new ClaimsIdentity(
    [
        new Claim(CallerClaims.Organization, user.OrganizationId.ToString()),
        new Claim(CallerClaims.Kind, user.OrganizationKind),
        new Claim(CallerClaims.Key, user.Id.ToString()),
        new Claim(CallerClaims.Person, user.Id.ToString()),
        new Claim(ClaimTypes.Name, user.Email),
        new Claim(RoleClaim, user.Role),
        new Claim(OrganizationNameClaim, user.OrganizationName),
    ], Scheme));
}
