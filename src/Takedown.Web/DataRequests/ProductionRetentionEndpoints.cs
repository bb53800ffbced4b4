using Takedown.Core.DataRequests;
using Takedown.Web.Common;

namespace Takedown.Web.DataRequests;

internal static class ProductionRetentionEndpoints
{
    public static void MapProductionRetention(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/data-requests/{id:guid}").WithTags("Data requests").RequireScopes();

        group.MapGet("/retention", (Guid id, ApiCaller caller, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync(retention.GetAsync(caller, id, ct)))
            .WithSummary("The request's legal hold, and until when each production's files are kept (purged_at once the sweep purged them).");

        group.MapPost("/legal-hold", (Guid id, JsonBody<DataRequestHoldRequest> body, ApiCaller caller, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync(retention.HoldAsync(caller, id, body.Value, hold: true, ct)))
            .WithSummary("The requesting authority puts the request under a legal hold: none of its productions is purged while it lasts.");

        group.MapPost("/legal-hold/release", (Guid id, JsonBody<DataRequestHoldRequest> body, ApiCaller caller, ProductionRetention retention, CancellationToken ct) =>
                Api.OkAsync(retention.HoldAsync(caller, id, body.Value, hold: false, ct)))
            .WithSummary("Release the legal hold; the next sweep purges productions past their retention.");
    }
}
