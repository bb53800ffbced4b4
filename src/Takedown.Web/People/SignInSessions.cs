using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Takedown.Core.Users;

namespace Takedown.Web.People;

/// <summary>The one place a web session begins: a row in the session store, then the cookie that names it.</summary>
public static class SignInSessions
{
    /// <summary>The claim naming the server-side session (its token; the store keeps only its hash).</summary>
    public const string SessionClaim = "takedown:sid";

    /// <summary>The second factor the person passed at sign-in, when they passed one.</summary>
    public const string SecondFactorClaim = "takedown:2fa";

    /// <summary>
    /// Starts a session for <paramref name="user"/>, who has passed every sign-in step, and signs the cookie in.
    /// <paramref name="secondFactor"/> names the second factor used ("totp", "passkey", ...), or null.
    /// </summary>
    public static async Task StartAsync(HttpContext http, UserView user, string? secondFactor)
    {
        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        // A new sign-in in the same browser (e.g. after adding a second factor) replaces the session it had.
        await sessions.EndAsync(http.User.FindFirstValue(SessionClaim), "replaced", http.RequestAborted);
        var token = await sessions.StartAsync(user, secondFactor, http.RequestAborted);
        var principal = PersonAuthentication.Principal(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(SessionClaim, token));
        if (secondFactor is not null) identity.AddClaim(new Claim(SecondFactorClaim, secondFactor));
        await http.SignInAsync(PersonAuthentication.Scheme, principal);
    }

    /// <summary>Ends the current session in the store (every node) and removes the cookie.</summary>
    public static async Task EndAsync(HttpContext http, string reason = "signed_out")
    {
        var token = http.User.FindFirstValue(SessionClaim);
        await http.RequestServices.GetRequiredService<SessionStore>().EndAsync(token, reason, http.RequestAborted);
        await http.SignOutAsync(PersonAuthentication.Scheme);
    }
}
