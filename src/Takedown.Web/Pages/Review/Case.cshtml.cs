using Takedown.Core.Common;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Review;

namespace Takedown.Web.Pages.Review;

/// <summary>One review case: what matched, what the platform's rules decided, and the reviewer's confirm or dismiss.</summary>
public sealed class CaseModel(ReviewService review) : TakedownPageModel
{
    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public bool FalsePositive { get; set; }

    public CaseView Case { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var found = await review.GetCaseAsync(Me.Caller, id, ct);
        if (!found.IsSuccess) return NotFound();
        Case = found.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanAnswer) return NotFound();
        var result = await review.ConfirmAsync(Me.Caller, id, new ConfirmCaseRequest(Blank(Note)), ct);
        return await DoneAsync(id, result.Error, T["Case confirmed."], ct);
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanAnswer) return NotFound();
        var result = await review.DismissAsync(Me.Caller, id, new DismissCaseRequest(Blank(Note), FalsePositive ? true : null, null), ct);
        return await DoneAsync(id, result.Error, T["Case dismissed."], ct);
    }

    private async Task<IActionResult> DoneAsync(Guid id, Core.Common.Error? error, string notice, CancellationToken ct)
    {
        if (NotFoundUnless(error) is { } missing) return missing;
        if (error is not null)
        {
            ShowError(error);
            return await OnGetAsync(id, ct);
        }
        Notice = notice;
        return Redirect($"/review/cases/{id}");
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
