using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;
using Takedown.Web.People;
using Takedown.Web.SecondFactors;

namespace Takedown.Web.Pages.Account;

public sealed class SignInModel(UsersService users) : TakedownPageModel
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
        var result = await users.SignInAsync(Email, Password, ct);
        if (!result.IsSuccess)
        {
            Failure = T["The e-mail address or the password is not right."];
            return Page();
        }
        return LocalRedirect(await SecondFactorStep.AfterPasswordAsync(HttpContext, result.Value, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}
