using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Takedown.Web.People;

/// <summary>
/// Which signed-in person may open which page: one table, read by the navigation and enforced by a
/// filter. A page a person may not use answers 404, as for anything else that is not theirs.
/// </summary>
internal static class PageAccess
{
    public sealed record Entry(string Page, string Href, string Label, Func<Person, bool> Allowed, bool InNav = true);

    public static readonly Entry[] Pages =
    [
        new("/Orders/Index", "/orders", "Orders", p => p.IsAuthority || p.IsPlatform),
        new("/Orders/New", "/orders/new", "New order", p => p.CanIssue),
        new("/Orders/Detail", "/orders", "Order", p => p.IsAuthority || p.IsPlatform, InNav: false),
        new("/Review/Case", "/orders", "Review case", p => p.IsPlatform, InNav: false),
        new("/Orders/Annex", "/orders", "Annex", p => p.IsAuthority || p.IsPlatform, InNav: false),
        new("/Dashboard/Index", "/dashboard", "Dashboard", p => p.IsAuthority || p.IsPlatform),
        new("/Reports/Index", "/reports", "Reports", p => p.IsAuthority || p.IsPlatform),
        new("/Admin/Index", "/admin", "Members", p => p.IsAdmin),
        new("/Admin/Keys", "/admin/keys", "API keys", p => p.IsAdmin),
        new("/Admin/Security", "/admin/security", "Sign-in security", p => p.IsAdmin),
        new("/Admin/Organizations", "/admin/organizations", "Organisations", p => p.IsOperator && p.IsAdmin),
        new("/Admin/Health", "/admin/health", "Health", p => p.IsOperator && p.IsAdmin),
    ];

    public static IEnumerable<Entry> NavFor(Person person) => Pages.Where(p => p.InNav && p.Allowed(person));

    /// <summary>Where a person lands after signing in.</summary>
    public static string HomeOf(Person person) => NavFor(person).FirstOrDefault()?.Href ?? "/signin";

    public static bool MayOpen(Person? person, string page)
    {
        var entry = Pages.FirstOrDefault(p => p.Page == page);
        return entry is null || (person is not null && entry.Allowed(person));
    }
}

/// <summary>Answers 404 before any handler runs when the signed-in person's role may not use the page.</summary>
internal sealed class PageAccessFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var path = context.ActionDescriptor.ViewEnginePath;
        if (PageAccess.Pages.Any(p => p.Page == path) && !PageAccess.MayOpen(Person.From(context.HttpContext.User), path))
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}
