using Microsoft.AspNetCore.Mvc;
using Takedown.Web.People;

namespace Takedown.Web.Pages;

/// <summary>The start: each person's first page.</summary>
public sealed class IndexModel : TakedownPageModel
{
    public IActionResult OnGet() => Redirect(PageAccess.HomeOf(Me));
}
