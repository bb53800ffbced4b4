using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Organizations;

internal static class OrganizationsEndpoints
{
    public static void MapOrganizations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireScope(Scopes.Admin);

        group.MapPost("/", (JsonBody<CreateOrganizationRequest> body, ApiCaller caller, OrganizationsService orgs, CancellationToken ct) =>
                Api.CreatedAsync(orgs.CreateAsync(caller, body.Value, ct), o => $"/api/v1/organizations/{o.Id}"))
            .WithSummary("Create an organisation (operator only); its first API key is shown once.");

        group.MapGet("/", (ApiCaller caller, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.ListAsync(caller, ct))).RequireScope(Scopes.Read)
            .WithSummary("Every organisation (operator and oversight).");

        group.MapPost("/{id:guid}/keys", (Guid id, JsonBody<CreateKeyRequest> body, ApiCaller caller, OrganizationsService orgs, CancellationToken ct) =>
                Api.CreatedAsync(orgs.CreateKeyAsync(caller, id, body.Value, ct), k => $"/api/v1/organizations/{id}/keys/{k.Id}"))
            .WithSummary("Create a key {name, scopes, person_email?} (admin scope): a person's key, or a service key (no person, never 'approve'); shown once.");

        group.MapGet("/{id:guid}/keys", (Guid id, ApiCaller caller, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.ListKeysAsync(caller, id, ct)))
            .WithSummary("The organisation's keys: kind, scopes, person, creator, and when each was revoked (admin scope).");

        group.MapDelete("/{id:guid}/keys/{keyId:guid}", (Guid id, Guid keyId, ApiCaller caller, OrganizationsService orgs, CancellationToken ct) =>
            Api.OkAsync(orgs.RevokeKeyAsync(caller, id, keyId, ct)))
            .WithSummary("Revoke a key; it stops working at once.");
    }
}
