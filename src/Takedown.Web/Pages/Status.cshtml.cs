using Microsoft.AspNetCore.Mvc;

namespace Takedown.Web.Pages;

/// <summary>The page shown for 404 and other failures; it answers whatever method the failed request used.</summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : TakedownPageModel
{
    public int Code { get; private set; }

    public void OnGet(int code) => Code = code;

    public void OnPost(int code) => Code = code;
}
