using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Takedown.Web.Pages.Account;

/// <summary>The language switch: remembers the choice in a cookie, then goes back where the person was.</summary>
public sealed class LanguageModel : TakedownPageModel
{
    public IActionResult OnGet() => NotFound();

    public IActionResult OnPost(string? culture, string? returnUrl)
    {
        if (culture is "en" or "fr")
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
