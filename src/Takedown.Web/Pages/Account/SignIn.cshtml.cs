using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;
using Takedown.Web.People;

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
        var principal = PersonAuthentication.Principal(result.Value);
        await HttpContext.SignInAsync(PersonAuthentication.Scheme, principal);
        var target = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : PageAccess.HomeOf(Person.From(principal)!);
        return LocalRedirect(target);
    }
}
