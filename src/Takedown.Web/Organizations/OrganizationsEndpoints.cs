using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Organizations;

internal static class OrganizationsEndpoints
{
    public static void MapOrganizations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireScope(Scopes.Admin);

        group.MapPost("/", (HttpRequest req, ClaimsPrincipal user, OrganizationsService orgs, CancellationToken ct) =>
                Api.CreatedAsync<CreateOrganizationRequest, CreatedOrganization>(req, body => orgs.CreateAsync(user.ToCaller(), body, ct), o => $"/api/v1/organizations/{o.Id}"))
            .Accepts<CreateOrganizationRequest>("application/json")
            .WithSummary("Create an organisation (operator only); its first API key is shown once.");

        group.MapGet("/", (ClaimsPrincipal user, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.ListAsync(user.ToCaller(), ct))).RequireScope(Scopes.Read)
            .WithSummary("Every organisation (operator and oversight).");

        group.MapPost("/{id:guid}/keys", (Guid id, HttpRequest req, ClaimsPrincipal user, OrganizationsService orgs, CancellationToken ct) =>
                Api.CreatedAsync<CreateKeyRequest, CreatedKey>(req, body => orgs.CreateKeyAsync(user.ToCaller(), id, body, ct), k => $"/api/v1/organizations/{id}/keys/{k.Id}"))
            .Accepts<CreateKeyRequest>("application/json")
            .WithSummary("Create a key {name, scopes, person_email?} (admin scope): a person's key, or a service key (no person, never 'approve'); shown once.");

        group.MapGet("/{id:guid}/keys", (Guid id, ClaimsPrincipal user, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.ListKeysAsync(user.ToCaller(), id, ct)))
            .WithSummary("The organisation's keys: kind, scopes, person, creator, and when each was revoked (admin scope).");

        group.MapDelete("/{id:guid}/keys/{keyId:guid}", (Guid id, Guid keyId, ClaimsPrincipal user, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.RevokeKeyAsync(user.ToCaller(), id, keyId, ct)))
            .WithSummary("Revoke a key; it stops working at once.");
    }
}
