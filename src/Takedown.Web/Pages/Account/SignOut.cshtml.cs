using Microsoft.AspNetCore.Mvc;
using Takedown.Web.People;

namespace Takedown.Web.Pages.Account;

public sealed class SignOutModel : TakedownPageModel
{
    public void OnGet()
    {
    }

    /// <summary>Ends the session in the store, so the old cookie opens nothing on any node.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        await SignInSessions.EndAsync(HttpContext);
        return Redirect("/signin");
    }
}
