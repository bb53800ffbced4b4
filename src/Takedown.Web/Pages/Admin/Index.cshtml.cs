using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Users;

namespace Takedown.Web.Pages.Admin;

/// <summary>An organisation admin's page: the members, and inviting a new one with a one-time password.</summary>
public sealed class IndexModel(UsersService users) : TakedownPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    public IReadOnlyList<UserView> Members { get; private set; } = [];

    /// <summary>Shown once, right after an invitation: the password to hand to the new member.</summary>
    [TempData]
    public string? Invited { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
        var result = await users.AddAsync(Me.Caller, Me.OrganizationId, new AddUserRequest(Email, password, Role), ct);
        if (!result.IsSuccess)
        {
            ShowError(result.Error!);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        Invited = string.Format(T["{0} was added as {1}. Their one-time password is {2} — hand it over in person or by a separate channel; it is not shown again."],
            result.Value.Email, T["role." + result.Value.Role], password);
        return Redirect("/admin");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = await users.ListAsync(Me.Caller, Me.OrganizationId, ct);
        Members = list.IsSuccess ? list.Value : [];
    }
}
