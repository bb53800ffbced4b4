using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;
using Takedown.Web.People;
using Takedown.Web.SecondFactors;

namespace Takedown.Web.Pages.Account;

public sealed class SignInModel(UsersService users, SignInThrottle throttle, TimeProvider clock) : TakedownPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public IActionResult OnGet() => Person.From(User) is { } me ? Redirect(PageAccess.HomeOf(me)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The password step. Throttled first, by account (known or not) and by client address, so the
        // answer never tells whether someone signs in with this address.
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        var verdict = await throttle.CheckAsync(Email, address, ct);
        if (!verdict.Allowed)
        {
            var wait = verdict.RetryAt!.Value - clock.GetUtcNow();
            Failure = verdict.LockedOut
                ? string.Format(T["Too many failed attempts: signing in is paused for {0} minute(s)."], Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes)))
                : string.Format(T["Too many failed attempts: wait {0} second(s) and try again."], Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }
        var result = await users.SignInAsync(Email, Password, ct);
        if (!result.IsSuccess)
        {
            await throttle.RecordFailureAsync(Email, address, ct);
            Failure = T["The e-mail address or the password is not right."];
            return Page();
        }
        await throttle.RecordSuccessAsync(Email, ct);
        return LocalRedirect(await SecondFactorStep.AfterPasswordAsync(HttpContext, result.Value, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}
