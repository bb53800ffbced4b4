using Takedown.Core.Common;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Accountability;

namespace Takedown.Web.Pages.Orders;

/// <summary>The printable TCO Annex II (removal or disabling) or Annex III (cannot be executed) of one answered item.</summary>
public sealed class AnnexModel(AnnexService annexes) : TakedownPageModel
{
    public AnnexDocument Annex { get; private set; } = null!;

    /// <summary>Only the issuing authority and the addressed platform see it; anyone else, and an unanswered item, get 404.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, Guid itemId, CancellationToken ct)
    {
        var result = await annexes.GetAsync(Me.Caller, id, itemId, ct);
        if (!result.IsSuccess) return NotFound();
        Annex = result.Value;
        return Page();
    }

    public string CauseLabel(string? because)
    {
        var s = T["figure." + (because ?? "unknown")];
        return s.ResourceNotFound ? because ?? "—" : s.Value;
    }
}
