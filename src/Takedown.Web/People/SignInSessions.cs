using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Takedown.Core.Users;

namespace Takedown.Web.People;

/// <summary>
/// Opens a person's session once every sign-in step is passed. (Minimal version on this branch: the cookie
/// sign-in as before plus the second-factor claim; the server-side session store replaces it.)
/// </summary>
public static class SignInSessions
{
    public static Task StartAsync(HttpContext http, UserView user, string? secondFactor)
    {
        var principal = PersonAuthentication.Principal(user);
        if (secondFactor is not null) ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("takedown:2fa", secondFactor));
        return http.SignInAsync(PersonAuthentication.Scheme, principal);
    }
}
