using Takedown.Core.Common;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Web.Pages.Admin;

/// <summary>
/// An organisation admin's page: the organisation's API keys with their scopes and person, creating a person's
/// or a service key (never beyond the admin's own powers), and revoking. This is where keys that approve are made.
/// </summary>
public sealed class KeysModel(OrganizationsService organizations, UsersService users) : TakedownPageModel
{
    [BindProperty]
    public string? KeyName { get; set; }

    /// <summary>A member's e-mail for a person's key; empty for a service key.</summary>
    [BindProperty]
    public string? PersonEmail { get; set; }

    [BindProperty]
    public List<string> KeyScopes { get; set; } = [];

    public IReadOnlyList<KeyView> Keys { get; private set; } = [];

    public IReadOnlyList<UserView> Members { get; private set; } = [];

    /// <summary>A new key, shown once.</summary>
    [TempData]
    public string? NewKey { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var request = new CreateKeyRequest(KeyName, KeyScopes, string.IsNullOrWhiteSpace(PersonEmail) ? null : PersonEmail);
        var result = await organizations.CreateKeyAsync(Me.Caller, Me.OrganizationId, request, ct);
        if (!result.IsSuccess)
        {
            ShowError(result.Error!, f => f switch { "name" => "KeyName", "scopes" => "KeyScopes", "person_email" => "PersonEmail", _ => f });
            Response.StatusCode = result.Error!.Kind == Core.Common.ErrorKind.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        NewKey = string.Format(T["Key {0} was created: {1} — it is shown only this once."], result.Value.Name, result.Value.ApiKey);
        return Redirect("/admin/keys");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid key, CancellationToken ct)
    {
        var result = await organizations.RevokeKeyAsync(Me.Caller, Me.OrganizationId, key, ct);
        if (!result.IsSuccess)
        {
            ShowError(result.Error!);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        Notice = T["Key revoked."];
        return Redirect("/admin/keys");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var keys = await organizations.ListKeysAsync(Me.Caller, Me.OrganizationId, ct);
        Keys = keys.IsSuccess ? keys.Value : [];
        var members = await users.ListAsync(Me.Caller, Me.OrganizationId, ct);
        Members = members.IsSuccess ? members.Value : [];
    }
}
