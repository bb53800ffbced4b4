using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;

namespace Takedown.Web.Pages.Account;

/// <summary>The page a one-time invitation link opens: the invited person chooses their own password.</summary>
public sealed class InvitationModel(UsersService users) : TakedownPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? RepeatPassword { get; set; }

    public UserView? Invited { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        KeepTokenToThisPage();
        var found = await users.FindInvitationAsync(Token, ct);
        if (!found.IsSuccess) return Gone();
        Invited = found.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        KeepTokenToThisPage();
        var found = await users.FindInvitationAsync(Token, ct);
        if (!found.IsSuccess) return Gone();
        Invited = found.Value;
        if (NewPassword != RepeatPassword)
        {
            AddError("repeat", T["is not the same as the new password"]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var accepted = await users.AcceptInvitationAsync(Token, NewPassword, ct);
        if (!accepted.IsSuccess)
        {
            if (accepted.Error!.Kind == Core.Common.ErrorKind.NotFound) return Gone();
            ShowError(accepted.Error);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Notice = T["Your password is set. Sign in with your e-mail address and your new password."];
        return Redirect("/signin");
    }

    /// <summary>The token is in the address: no other site sees it in a Referer header, and no cache keeps the page.</summary>
    private void KeepTokenToThisPage()
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers.CacheControl = "no-store";
    }

    private IActionResult Gone()
    {
        Invited = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
