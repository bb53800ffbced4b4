using System.Security.Claims;
using Takedown.Core.DataRequests;
using Takedown.Web.Common;

namespace Takedown.Web.DataRequests;

internal static class ProductionRetentionEndpoints
{
    public static void MapProductionRetention(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/data-requests/{id:guid}").WithTags("Data requests").RequireScopes();

        group.MapGet("/retention", (Guid id, ClaimsPrincipal user, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync(retention.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("The request's legal hold, and until when each production's files are kept (purged_at once the sweep purged them).");

        group.MapPost("/legal-hold", (Guid id, HttpRequest req, ClaimsPrincipal user, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync<DataRequestHoldRequest, DataRequestHoldView>(req, body => retention.HoldAsync(user.ToCaller(), id, body, hold: true, ct)))
            .Accepts<DataRequestHoldRequest>("application/json")
            .WithSummary("The requesting authority puts the request under a legal hold: none of its productions is purged while it lasts.");

        group.MapPost("/legal-hold/release", (Guid id, HttpRequest req, ClaimsPrincipal user, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync<DataRequestHoldRequest, DataRequestHoldView>(req, body => retention.HoldAsync(user.ToCaller(), id, body, hold: false, ct)))
            .Accepts<DataRequestHoldRequest>("application/json")
            .WithSummary("Release the legal hold; the next sweep purges productions past their retention.");
    }
}
