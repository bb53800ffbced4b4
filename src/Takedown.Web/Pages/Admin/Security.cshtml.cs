using Takedown.Core.Common;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.SecondFactors;
using Takedown.Core.Users;

namespace Takedown.Web.Pages.Admin;

/// <summary>An organisation admin's page: which roles must sign in with a second factor, and resetting a member's factors.</summary>
public sealed class SecurityModel(SecondFactorsService factors) : TakedownPageModel
{
    [BindProperty]
    public List<string> RequiredRoles { get; set; } = [];

    public SecondFactorPolicy Policy { get; private set; } = null!;

    public IReadOnlyList<MemberFactors> Members { get; private set; } = [];

    public IReadOnlyList<string> RolesHere => Roles.For(Me.OrganizationKind);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostPolicyAsync(CancellationToken ct)
    {
        var set = await factors.SetPolicyAsync(Me.Caller, Me.OrganizationId, RequiredRoles, ct);
        if (!set.IsSuccess)
        {
            ShowError(set.Error!, f => f == "required_roles" ? "RequiredRoles" : f);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        Notice = T["Policy saved."];
        return Redirect("/admin/security");
    }

    public async Task<IActionResult> OnPostResetAsync(Guid member, CancellationToken ct)
    {
        var reset = await factors.ResetAsync(Me.Caller, Me.OrganizationId, member, ct);
        if (NotFoundUnless(reset.Error) is { } notFound) return notFound;
        Notice = T["Second factors reset. The member sets up a new one at their next sign-in."];
        return Redirect("/admin/security");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Policy = await factors.PolicyAsync(Me.OrganizationId, ct);
        Members = (await factors.MembersAsync(Me.Caller, Me.OrganizationId, ct)).Value;
    }
}
