using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;
using Takedown.Web.People;

namespace Takedown.Web.Pages.Account;

/// <summary>A signed-in person changes their own password; the current one is required and guessing it is throttled like sign-in.</summary>
public sealed class PasswordModel(UsersService users, SignInThrottle throttle) : TakedownPageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? RepeatPassword { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        if (!(await throttle.CheckAsync(Me.Email, address, ct)).Allowed)
        {
            Failure = T["Too many failed attempts: try again later."];
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (NewPassword != RepeatPassword)
        {
            AddError("repeat", T["is not the same as the new password"]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await users.ChangePasswordAsync(Me.UserId, CurrentPassword, NewPassword, User.FindFirstValue(SignInSessions.SessionClaim), ct);
        if (!result.IsSuccess)
        {
            if (result.Error!.Fields?.ContainsKey("current_password") == true) await throttle.RecordFailureAsync(Me.Email, address, ct);
            ShowError(result.Error);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = T["Your password was changed. Your other sessions have ended."];
        return Redirect("/account/password");
    }
}
