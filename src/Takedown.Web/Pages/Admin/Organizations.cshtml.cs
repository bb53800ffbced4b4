using Takedown.Core.Common;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Organizations;

namespace Takedown.Web.Pages.Admin;

/// <summary>The operator's page: organisations and their API keys.</summary>
public sealed class OrganizationsModel(OrganizationsService organizations) : TakedownPageModel
{
    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Country { get; set; }

    [BindProperty]
    public string? KeyName { get; set; }

    public IReadOnlyList<OrganizationView> Organizations { get; private set; } = [];

    public Dictionary<Guid, IReadOnlyList<KeyView>> Keys { get; } = [];

    /// <summary>A new key, shown once.</summary>
    [TempData]
    public string? NewKey { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var result = await organizations.CreateAsync(Me.Caller, new CreateOrganizationRequest(Kind, Name, string.IsNullOrWhiteSpace(Country) ? null : Country.Trim()), ct);
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct);
        NewKey = string.Format(T["{0} was created. Its API key is {1} — it is shown only this once."], result.Value.Name, result.Value.ApiKey);
        return Redirect("/admin/organizations");
    }

    public async Task<IActionResult> OnPostKeyAsync(Guid org, CancellationToken ct)
    {
        var result = await organizations.CreateKeyAsync(Me.Caller, org, new CreateKeyRequest(KeyName), ct);
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct, "key.");
        NewKey = string.Format(T["Key {0} was created: {1} — it is shown only this once."], result.Value.Name, result.Value.ApiKey);
        return Redirect("/admin/organizations");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid org, Guid key, CancellationToken ct)
    {
        var result = await organizations.RevokeKeyAsync(Me.Caller, org, key, ct);
        if (!result.IsSuccess) return await RefusedAsync(result.Error!, ct);
        Notice = T["Key revoked."];
        return Redirect("/admin/organizations");
    }

    private async Task<IActionResult> RefusedAsync(Takedown.Core.Common.Error error, CancellationToken ct, string prefix = "")
    {
        ShowError(error, f => prefix + f);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await organizations.ListAsync(Me.Caller, ct);
        Organizations = list.IsSuccess ? list.Value : [];
        foreach (var o in Organizations)
        {
            var keys = await organizations.ListKeysAsync(Me.Caller, o.Id, ct);
            Keys[o.Id] = keys.IsSuccess ? keys.Value : [];
        }
    }
}
