using Takedown.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Takedown.Core.Blocklist;
using Takedown.Core.Organizations;
using Takedown.Web.Common;

namespace Takedown.Web.Blocklist;

internal static class BlocklistEndpoints
{
    public static void MapBlocklist(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/blocklist").WithTags("Blocklist").RequireScopes();

        group.MapPost("/", (JsonBody<ProposeListingRequest> body, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.CreatedAsync(service.ProposeAsync(caller, body.Value, ct), l => $"/api/v1/blocklist/{l.Id}"))
            .WithSummary("Propose a domain (blocks it and its subdomains) or a URL (search de-listing); a second person approves.");

        group.MapGet("/", (string? status, bool? review_overdue, bool? awaiting_answer, [AsParameters] PageRequest page,
                ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.OkAsync(service.ListAsync(caller, status, review_overdue == true, awaiting_answer == true, page.After, page.Limit, ct)))
            .WithSummary("Your listings (all listings for oversight); ?status=, ?review_overdue=true, ?awaiting_answer=true; cursor-paginated.");

        group.MapGet("/reviews/overdue", ([AsParameters] PageRequest page, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.OkAsync(service.ListAsync(caller, null, true, false, page.After, page.Limit, ct)))
            .WithSummary("Active listings whose quarterly re-check is overdue.");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
            Api.OkAsync(service.GetAsync(caller, id, ct)))
            .WithSummary("One blocklist listing with its approvals, reviews and recommendations.");

        group.MapPost("/{id:guid}/approve", (Guid id, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.OkAsync(service.ApproveAsync(caller, id, ct)))
            .RequireScope(Scopes.Approve)
            .WithSummary("The second person's approval (a person's key with 'approve', not the proposer's); active once the host has had its prior-request time.");

        group.MapPost("/{id:guid}/delist", (Guid id, JsonBody<DelistRequest> body, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.OkAsync(service.DelistAsync(caller, id, body.Value, ct)))
            .WithSummary("Remove a listing; it leaves the exports at once (new serial).");

        group.MapPost("/{id:guid}/review", (Guid id, JsonBody<ReviewRequest> body, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.OkAsync(service.ReviewAsync(caller, id, body.Value, ct)))
            .WithSummary("Record the periodic re-check: decision 'confirm' (next due date) or 'delist'.");

        group.MapPost("/{id:guid}/recommendations", (Guid id, JsonBody<RecommendationRequest> body, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                Api.CreatedAsync(service.RecommendAsync(caller, id, body.Value, ct),
                    r => $"/api/v1/blocklist/{id}/recommendations/{r.Id}"))
            .WithSummary("Oversight: recommend 'uphold' or 'lift', with reasons.");

        group.MapPost("/{id:guid}/recommendations/{recommendationId:guid}/answer",
                (Guid id, Guid recommendationId, JsonBody<AnswerRequest> body, ApiCaller caller, BlocklistService service, CancellationToken ct) =>
                    Api.OkAsync(service.AnswerAsync(caller, id, recommendationId, body.Value, ct)))
            .WithSummary("The authority answers a 'lift' recommendation: 'delist' or 'maintain', with reasons.");

        group.MapGet("/pulls", (ApiCaller caller, BlocklistExports exports, CancellationToken ct) =>
                Api.OkAsync(exports.PullsAsync(caller, ct)))
            .WithSummary("Which ISP and search-engine key pulled which serial, and who is stale or late.");

        group.MapGet("/rpz", (HttpContext http, ApiCaller caller, BlocklistExports exports, CancellationToken ct) => ExportAsync(http, caller, exports, ExportFormats.Rpz, ct))
            .WithSummary("The RPZ zone for resolvers; ETag is the serial (send If-None-Match).");
        group.MapGet("/hosts", (HttpContext http, ApiCaller caller, BlocklistExports exports, CancellationToken ct) => ExportAsync(http, caller, exports, ExportFormats.Hosts, ct))
            .WithSummary("A hosts file of the listed domains; ETag is the serial.");
        group.MapGet("/urls.csv", (HttpContext http, ApiCaller caller, BlocklistExports exports, CancellationToken ct) => ExportAsync(http, caller, exports, ExportFormats.Csv, ct))
            .WithSummary("Listed URLs (and domains) for search engines: url, listing_id, category, since, scope; ETag is the serial.");
    }

    /// <summary>Serves one export, or 304 when the caller already has this serial; records the pull either way.</summary>
    private static async Task<IResult> ExportAsync(HttpContext http, Caller caller, BlocklistExports exports, string format, CancellationToken ct)
    {
        if (caller.Kind is not (OrganizationKinds.Isp or OrganizationKinds.SearchEngine or OrganizationKinds.Oversight or OrganizationKinds.Operator))
            return Problems.From(Core.Common.Error.Forbidden("The exports are pulled by ISPs and search engines (and read by oversight and the operator)."));
        var snapshot = await exports.SnapshotAsync(ct);
        var etag = $"\"{snapshot.Serial}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Blocklist-Serial"] = snapshot.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await exports.RecordPullAsync(caller, format, snapshot.Serial, ct);
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Text(exports.Render(format, snapshot), BlocklistExports.ContentType(format));
    }
}
