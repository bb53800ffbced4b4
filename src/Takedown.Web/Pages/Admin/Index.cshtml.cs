using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;
using Takedown.Core.Users;

namespace Takedown.Web.Pages.Admin;

/// <summary>An organisation admin's page: the members, inviting one by a one-time link, resetting, deactivating and reactivating.</summary>
public sealed class IndexModel(UsersService users, InvitationOptions invitations) : TakedownPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    public IReadOnlyList<UserView> Members { get; private set; } = [];

    /// <summary>Shown once, right after an invitation: the link to hand to the member.</summary>
    [TempData]
    public string? Invited { get; set; }

    [TempData]
    public string? InvitationLink { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await users.InviteAsync(Me.Caller, Me.OrganizationId, Email, Role, TimeSpan.FromHours(invitations.ValidHours), ct);
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct);
        return ShowLink(result.Value);
    }

    /// <summary>A new one-time link for a member: their password stops working and their sessions end.</summary>
    public async Task<IActionResult> OnPostReinviteAsync(Guid member, CancellationToken ct)
    {
        var result = await users.ReinviteAsync(Me.Caller, Me.OrganizationId, member, TimeSpan.FromHours(invitations.ValidHours), ct);
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct);
        return ShowLink(result.Value);
    }

    public Task<IActionResult> OnPostDeactivateAsync(Guid member, CancellationToken ct) =>
        ChangeAsync(users.DeactivateAsync(Me.Caller, Me.OrganizationId, member, ct), "{0} is deactivated: their sessions and keys stopped working.", ct);

    public Task<IActionResult> OnPostReactivateAsync(Guid member, CancellationToken ct) =>
        ChangeAsync(users.ReactivateAsync(Me.Caller, Me.OrganizationId, member, ct), "{0} is active again.", ct);

    private async Task<IActionResult> ChangeAsync(Task<Result<UserView>> change, string notice, CancellationToken ct)
    {
        var result = await change;
        if (NotFoundUnless(result.Error) is { } missing) return missing;
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct);
        Notice = string.Format(T[notice], result.Value.Email);
        return Redirect("/admin");
    }

    private IActionResult ShowLink(IssuedInvitation issued)
    {
        Invited = string.Format(T["Send this one-time link to {0} ({1}) by a channel you trust. It lets them choose their password, works once, expires at {2} and is not shown again."],
            issued.User.Email, T["role." + issued.User.Role], Utc(issued.ExpiresAt));
        InvitationLink = $"{Request.Scheme}://{Request.Host}/invitation/{issued.Token}";
        return Redirect("/admin");
    }

    private async Task<IActionResult> RefusedAsync(Error error, CancellationToken ct)
    {
        ShowError(error);
        Response.StatusCode = error.Kind == ErrorKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await users.ListAsync(Me.Caller, Me.OrganizationId, ct);
        Members = list.IsSuccess ? list.Value : [];
    }
}
