using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Takedown.Web.People;

namespace Takedown.Web.Pages.Account;

public sealed class SignOutModel : TakedownPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PersonAuthentication.Scheme);
        return Redirect("/signin");
    }
}
