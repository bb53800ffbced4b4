using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;
using Takedown.Core.Evidence;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Users;
using Takedown.Web.Evidence;

namespace Takedown.Web.Pages.Orders;

/// <summary>One order: its items and answers, evidence, timeline, and the forms each side may use.</summary>
public sealed class DetailModel(
    OrdersService orders, ItemActionsService itemActions, EvidenceService evidence, PlatformsService platforms,
    OrganizationsService organizations, UsersService users, TimeProvider clock) : TakedownPageModel
{
    public sealed class ActionForm
    {
        public Guid ItemId { get; set; }
        public string? Action { get; set; }
        public string? Reason { get; set; }
        public string? RuleId { get; set; }
        public string? Explanation { get; set; }

        /// <summary>The answer to the Art. 1(3) question: "yes", "no", or not answered.</summary>
        public string? Exempt { get; set; }
    }

    public sealed class ClarifyForm
    {
        public Guid ItemId { get; set; }
        public string? Text { get; set; }
    }

    public sealed class WithdrawForm
    {
        public Guid? ItemId { get; set; }
        public string? Reason { get; set; }
    }

    [BindProperty]
    public ActionForm Act { get; set; } = new();

    [BindProperty]
    public ClarifyForm Clarify { get; set; } = new();

    [BindProperty]
    public WithdrawForm Withdraw { get; set; } = new();

    public OrderView Order { get; private set; } = null!;

    public IReadOnlyList<TimelineEvent> Timeline { get; private set; } = [];

    public IReadOnlyList<EvidenceView> Evidence { get; private set; } = [];

    public IReadOnlyList<ContentRule> Rules { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public DateTimeOffset Now { get; private set; }

    /// <summary>The item whose form was just refused, so its errors show next to it.</summary>
    public Guid? ErrorItem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>An evidence file, for the page's &lt;img&gt; and links; read through the same audited use case as the API.</summary>
    public async Task<IActionResult> OnGetEvidenceAsync(Guid id, Guid item, Guid evidenceId, CancellationToken ct)
    {
        var opened = await evidence.OpenAsync(Me.Caller, id, item, evidenceId, ct);
        if (!opened.IsSuccess) return NotFound();
        EvidenceEndpoints.Harden(Response);
        var e = opened.Value.Evidence;
        if (e.MediaType == "application/pdf")
            return File(opened.Value.Content, e.MediaType, e.FileName ?? e.Sha256 + ".pdf");
        return File(opened.Value.Content, e.MediaType);
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanAnswer) return NotFound();
        var result = await orders.AcknowledgeAsync(Me.Caller, id, ct);
        return NotFoundUnless(result.Error) ?? Done(id, T["Receipt acknowledged."]);
    }

    public async Task<IActionResult> OnPostActionAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanAnswer) return NotFound();
        var reason = string.IsNullOrEmpty(Act.Reason) ? null : Act.Reason;
        if (Act.Action == Actions.NotActioned)
        {
            // Art. 1(3): material for journalism, research, art or countering terrorism is not terrorist content.
            if (Act.Exempt is not ("yes" or "no")) AddError("act.exempt", T["Answer the exemption question before choosing not_actioned."]);
            else if (Act.Exempt == "yes") reason = "exempt";
            else if (reason == "exempt") AddError("act.reason", T["You answered that the material is not exempt."]);
        }
        if (HasErrors) return await RefusedAsync(id, Act.ItemId, ct);
        var request = new ActionRequest(Act.Action, reason, string.IsNullOrWhiteSpace(Act.Explanation) ? null : Act.Explanation,
            string.IsNullOrEmpty(Act.RuleId) ? null : Act.RuleId, null);
        var result = await itemActions.RecordActionAsync(Me.Caller, id, Act.ItemId, request, ct);
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess)
        {
            ShowError(result.Error!, f => "act." + f);
            return await RefusedAsync(id, Act.ItemId, ct);
        }
        return Done(id, T["Answer recorded."]);
    }

    public async Task<IActionResult> OnPostClarifyAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanIssue) return NotFound();
        var result = await itemActions.ClarifyAsync(Me.Caller, id, new ClarificationRequest(Clarify.ItemId, Clarify.Text), ct);
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess)
        {
            ShowError(result.Error!, f => "clarify." + f);
            return await RefusedAsync(id, Clarify.ItemId, ct);
        }
        return Done(id, T["Clarification sent; the item's clock restarts."]);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct)
    {
        if (!Me.CanIssue) return NotFound();
        var result = await itemActions.WithdrawAsync(Me.Caller, id, new WithdrawRequest(Withdraw.Reason, Withdraw.ItemId), ct);
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess)
        {
            ShowError(result.Error!, f => "withdraw." + f);
            return await RefusedAsync(id, null, ct);
        }
        return Done(id, T["Withdrawn."]);
    }

    public async Task<IActionResult> OnPostEvidenceAsync(Guid id, Guid item, IFormFile? file, CancellationToken ct)
    {
        if (!Me.CanIssue) return NotFound();
        if (file is null || file.Length == 0)
        {
            AddError("evidence.file", T["Choose a file."]);
            return await RefusedAsync(id, item, ct);
        }
        await using var stream = file.OpenReadStream();
        var result = await evidence.AddAsync(Me.Caller, id, item, file.FileName, stream, ct);
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess)
        {
            ShowError(result.Error!, f => "evidence." + f);
            return await RefusedAsync(id, item, ct);
        }
        return Done(id, T["Evidence attached."]);
    }

    public string NameOf(Guid? id) => id is { } g && Names.TryGetValue(g, out var n) ? n : "—";

    public IEnumerable<EvidenceView> EvidenceOf(Guid itemId) => Evidence.Where(e => e.ItemId == itemId);

    private IActionResult Done(Guid id, string notice)
    {
        Notice = notice;
        return Redirect($"/orders/{id}");
    }

    private async Task<IActionResult> RefusedAsync(Guid id, Guid? item, CancellationToken ct)
    {
        ErrorItem = item;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var order = await orders.GetAsync(Me.Caller, id, ct);
        if (!order.IsSuccess) return NotFound();
        Order = order.Value;
        Now = Time.Now(clock);
        Timeline = (await orders.TimelineAsync(Me.Caller, id, ct)).Value;
        Evidence = (await evidence.ListAsync(Me.Caller, id, ct)).Value;
        var platform = await platforms.GetAsync(Me.Caller, Order.PlatformId, ct);
        Rules = platform.IsSuccess ? platform.Value.Rules : [];
        var names = new Dictionary<Guid, string>(await organizations.NamesAsync([Order.AuthorityId, Order.PlatformId], ct));
        // People and keys of one's own organisation are named; the other side's show as their organisation.
        foreach (var (k, v) in await users.ActorNamesAsync(Me.OrganizationId, ct)) names[k] = v;
        Names = names;
        return null;
    }
}
