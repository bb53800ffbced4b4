using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class PreservationEndpoints
{
    public static void MapPreservation(this IEndpointRouteBuilder app)
    {
        var item = app.MapGroup("/api/v1/orders/{id:guid}/items/{itemId:guid}/preservation").WithTags("Preservation").RequireScopes();

        item.MapGet("/", (Guid id, Guid itemId, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
            Api.OkAsync(preservation.GetAsync(caller, id, itemId, ct))).WithSummary("How long the item is preserved, its holds, extensions and the platform's records.");

        item.MapPost("/extend", (Guid id, Guid itemId, JsonBody<ExtendPreservationRequest> body, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
                Api.OkAsync(preservation.ExtendAsync(caller, id, itemId, body.Value, ct)))
            .WithSummary("The issuing authority extends preservation (Art. 6(2)) to a later date, with its reason.");

        item.MapPost("/legal-hold", (Guid id, Guid itemId, JsonBody<LegalHoldRequest> body, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
                Api.OkAsync(preservation.HoldAsync(caller, id, itemId, body.Value, hold: true, ct)))
            .WithSummary("Put the item under a legal hold: nothing is purged while it lasts.");

        item.MapPost("/legal-hold/release", (Guid id, Guid itemId, JsonBody<LegalHoldRequest> body, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
                Api.OkAsync(preservation.HoldAsync(caller, id, itemId, body.Value, hold: false, ct)))
            .WithSummary("Release the legal hold; the next sweep purges the item if its period has passed.");

        item.MapPost("/records", (Guid id, Guid itemId, JsonBody<PreservationRecordRequest> body, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
                Api.OkAsync(preservation.RecordAsync(caller, id, itemId, body.Value, ct)))
            .WithSummary("The platform records what it preserved: a description and optionally hashes (md5, sha256, pdq).");

        app.MapGet("/api/v1/preservation/expiring", async Task<Results<Ok<IReadOnlyList<ExpiringItem>>, ProblemHttpResult>> (
                string? within_days, ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
            {
                var days = 30;
                if (within_days is not null && !int.TryParse(within_days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out days))
                    return Problems.From(Takedown.Core.Common.Error.Invalid("within_days", "must be a whole number of days"));
                return Api.Ok(await preservation.ExpiringAsync(caller, days, ct));
            })
            .RequireScopes().WithTags("Preservation")
            .WithSummary("Your items whose preservation ends within ?within_days= (default 30), under a legal hold or not.");
    

        app.MapPost("/api/v1/preservation/sweep", async Task<Results<Ok<PreservationSweep>, ProblemHttpResult>> (
                ApiCaller caller, PreservationService preservation, CancellationToken ct) =>
            {
                if (!caller.Caller.IsOperator) return Problems.From(Takedown.Core.Common.Error.Forbidden("Only the operator runs the preservation sweep by hand."));
                return TypedResults.Ok(await preservation.SweepAsync(ct));
            })
            .RequireScopes().WithTags("Preservation")
            .WithSummary("Run the daily preservation sweep now (operator): ends and purges what is past every hold, and reports it.");
    }
}
