using Takedown.Core.Common;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Organizations;
using Takedown.Core.Users;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>A member of an organisation, as the tests know them.</summary>
public sealed record Member(Guid Id, string Email, string Role, Guid OrganizationId);

/// <summary>Intent methods for people and their keys: members, and person keys made the way an organisation admin makes them.</summary>
public static class PeopleIntents
{
    public const string Password = "a long enough password";

    /// <summary>Adds a member with <paramref name="role"/>, as the operator's `admin add-user` does.</summary>
    public static async Task<Member> AddMemberAsync(this TestApp app, Guid organizationId, string role)
    {
        var email = $"{role}-{Guid.NewGuid():N}"[..20] + "@test.example";
        var added = await app.App.Services.GetRequiredService<UsersService>()
            .AddAsync(Caller.System, organizationId, new AddUserRequest(email, Password, role), CancellationToken.None);
        Assert.True(added.IsSuccess, added.Error?.Detail);
        return new Member(added.Value.Id, email, role, organizationId);
    }

    /// <summary>
    /// A key bound to <paramref name="person"/>, created by a new admin of their organisation signed in to the web
    /// interface (an admin's powers come from their role; /admin/keys calls the same use case with the same caller).
    /// </summary>
    public static async Task<ApiClient> PersonKeyAsync(this TestApp app, Member person, params string[] scopes)
    {
        var admin = await app.AddMemberAsync(person.OrganizationId, Roles.Admin);
        var users = app.App.Services.GetRequiredService<UsersService>();
        var signedIn = (await users.FindAsync(admin.Id, CancellationToken.None))!.ToCaller();
        var created = await app.App.Services.GetRequiredService<OrganizationsService>().CreateKeyAsync(signedIn, person.OrganizationId,
            new CreateKeyRequest($"key of {person.Email}", scopes.Length == 0 ? null : scopes, person.Email), CancellationToken.None);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return new ApiClient(app.Anonymous(), created.Value.ApiKey, person.OrganizationId);
    }

    /// <summary>A new analyst of the authority and their own key with read, write and approve.</summary>
    public static async Task<(Member Person, ApiClient Key)> AnalystWithKeyAsync(this TestApp app, ApiClient authority)
    {
        var analyst = await app.AddMemberAsync(authority.Id, Roles.Analyst);
        return (analyst, await app.PersonKeyAsync(analyst, Scopes.Read, Scopes.Write, Scopes.Approve));
    }
}
