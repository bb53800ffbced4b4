using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ComplaintsEndpoints
{
    public static void MapComplaints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/items/{itemId:guid}/complaints",
                (Guid id, Guid itemId, HttpRequest req, ClaimsPrincipal user, ComplaintsService complaints, CancellationToken ct) =>
                    Api.CreatedAsync<CreateComplaintRequest, ComplaintView>(req, body => complaints.CreateAsync(user.ToCaller(), id, itemId, body, ct),
                        c => $"/api/v1/complaints/{c.Id}"))
            .RequireScopes().WithTags("Complaints")
            .Accepts<CreateComplaintRequest>("application/json")
            .WithSummary("Record an uploader's complaint against a removal or disabling (Art. 10 TCO); due in two weeks.");

        var group = app.MapGroup("/api/v1/complaints").WithTags("Complaints").RequireScopes();

        group.MapGet("/", async Task<Results<Ok<ComplaintPage>, ProblemHttpResult>> (
            string? status, string? after, string? limit, ClaimsPrincipal user, ComplaintsService complaints, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            return size.IsSuccess ? Api.Ok(await complaints.ListAsync(user.ToCaller(), status, after, size.Value, ct)) : Problems.From(size.Error!);
        }).WithSummary("The platform's complaints, or those on the authority's orders; ?status=open|decided; cursor-paginated.");

        group.MapGet("/{id:guid}", (Guid id, ClaimsPrincipal user, ComplaintsService complaints, CancellationToken ct) =>
            Api.OkAsync(complaints.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One complaint.");

        group.MapPost("/{id:guid}/decision", (Guid id, HttpRequest req, ClaimsPrincipal user, ComplaintsService complaints, CancellationToken ct) =>
                Api.OkAsync<ComplaintDecisionRequest, ComplaintView>(req, body => complaints.DecideAsync(user.ToCaller(), id, body, ct)))
            .Accepts<ComplaintDecisionRequest>("application/json")
            .WithSummary("Decide a complaint: upheld (the action stands) or reinstated (the item is put back, and that travels to banks, blocklists and the authority).");
    }
}
