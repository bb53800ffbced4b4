using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ComplaintsEndpoints
{
    public static void MapComplaints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/items/{itemId:guid}/complaints",
                (Guid id, Guid itemId, JsonBody<CreateComplaintRequest> body, ApiCaller caller, ComplaintsService complaints, CancellationToken ct) =>
                    Api.CreatedAsync(complaints.CreateAsync(caller, id, itemId, body.Value, ct),
                        c => $"/api/v1/complaints/{c.Id}"))
            .RequireScopes().WithTags("Complaints")
            .WithSummary("Record an uploader's complaint against a removal or disabling (Art. 10 TCO); due in two weeks.");

        var group = app.MapGroup("/api/v1/complaints").WithTags("Complaints").RequireScopes();

        group.MapGet("/", (string? status, [AsParameters] PageRequest page, ApiCaller caller, ComplaintsService complaints, CancellationToken ct) =>
                Api.OkAsync(complaints.ListAsync(caller, status, page.After, page.Limit, ct)))
            .WithSummary("The platform's complaints, or those on the authority's orders; ?status=open|decided; cursor-paginated.");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, ComplaintsService complaints, CancellationToken ct) =>
            Api.OkAsync(complaints.GetAsync(caller, id, ct)))
            .WithSummary("One complaint.");

        group.MapPost("/{id:guid}/decision", (Guid id, JsonBody<ComplaintDecisionRequest> body, ApiCaller caller, ComplaintsService complaints, CancellationToken ct) =>
                Api.OkAsync(complaints.DecideAsync(caller, id, body.Value, ct)))
            .WithSummary("Decide a complaint: upheld (the action stands) or reinstated (the item is put back, and that travels to banks, blocklists and the authority).");
    }
}
