using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Hashing;
using Takedown.Core.Review;
using Takedown.Web.Common;
using Takedown.Web.Edge;

namespace Takedown.Web.Review;

internal static class ReviewEndpoints
{
    private static readonly string[] FileFields = ["content_id", "text"];

    public static void MapReview(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/review").WithTags("Review").RequireScopes();

        group.MapPost("/checks", CheckAsync)
            .RequireHashingSlot()
            .Accepts<CheckRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Check content from your upload pipeline against every bank you may use: JSON {content_id, signals, text} or multipart "
                + "(file, content_id, optional text). 201 with the decision and the case when something matched; 200 'allow' when nothing did, "
                + "and 200 with the first answer when this content_id was checked before.");

        group.MapGet("/checks/{id:guid}", (Guid id, ApiCaller caller, ReviewService review, CancellationToken ct) =>
            Api.OkAsync(review.GetCheckAsync(caller, id, ct)))
            .WithSummary("One check and the cases it opened.");

        group.MapGet("/cases", (string? state, [AsParameters] PageRequest page, ApiCaller caller, ReviewService review, CancellationToken ct) =>
                Api.OkAsync(review.ListCasesAsync(caller, state, page.After, page.Limit, ct)))
            .WithSummary("Your review queue: most severe label first (imminent_credible_threat), then smallest distance, then bank; ?state=open|confirmed|dismissed; cursor-paginated.");

        group.MapGet("/cases/{id:guid}", (Guid id, ApiCaller caller, ReviewService review, CancellationToken ct) =>
            Api.OkAsync(review.GetCaseAsync(caller, id, ct)))
            .WithSummary("One review case with its matches.");

        group.MapPost("/cases/{id:guid}/confirm", (Guid id, JsonBody<ConfirmCaseRequest> body, ApiCaller caller, ReviewService review, CancellationToken ct) =>
                Api.OkAsync(review.ConfirmAsync(caller, id, body.Value, ct)))
            .WithSummary("A reviewer confirms the match.");

        group.MapPost("/cases/{id:guid}/dismiss", (Guid id, JsonBody<DismissCaseRequest> body, ApiCaller caller, ReviewService review, CancellationToken ct) =>
                Api.OkAsync(review.DismissAsync(caller, id, body.Value, ct)))
            .WithSummary("A reviewer dismisses the match; with false_positive: true a false_positive opinion is recorded on entry_ids (default: every matched entry). "
                + "The bank owner's own false_positive stops the entry matching.");

        group.MapGet("/rules", (ApiCaller caller, ReviewRulesService rules, CancellationToken ct) => Api.OkAsync(rules.ListAsync(caller, ct)))
            .WithSummary("Your review rules.");

        group.MapPost("/rules", (JsonBody<RuleRequest> body, ApiCaller caller, ReviewRulesService rules, CancellationToken ct) =>
                Api.CreatedAsync(rules.CreateAsync(caller, body.Value, ct), r => $"/api/v1/review/rules/{r.Id}"))
            .WithSummary("A rule: signal_type, optional max_distance, bank and label, and an action (review, hold, remove); remove needs allow_automatic_removal: true. "
                + "The strictest applicable rule decides; no rule means review.");

        group.MapGet("/rules/{id:guid}", (Guid id, ApiCaller caller, ReviewRulesService rules, CancellationToken ct) =>
            Api.OkAsync(rules.GetAsync(caller, id, ct)))
            .WithSummary("One review rule.");

        group.MapPut("/rules/{id:guid}", (Guid id, JsonBody<RuleRequest> body, ApiCaller caller, ReviewRulesService rules, CancellationToken ct) =>
                Api.OkAsync(rules.UpdateAsync(caller, id, body.Value, ct)))
            .WithSummary("Replace a rule.");

        group.MapDelete("/rules/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ApiCaller caller, ReviewRulesService rules, CancellationToken ct) =>
        {
            var result = await rules.DeleteAsync(caller, id, ct);
            return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error!);
        })
            .WithSummary("Delete a review rule.");
    }

    private static async Task<Results<Created<CheckView>, Ok<CheckView>, ProblemHttpResult>> CheckAsync(
        HttpRequest req, ApiCaller caller, ReviewService review, HashingOptions hashing, CancellationToken ct)
    {
        Core.Common.Result<CheckOutcome> result;
        if (MultipartBody.IsMultipart(req))
        {
            var form = await MultipartBody.ReadAsync(req, hashing.MaxUploadBytes, FileFields);
            if (!form.IsSuccess) return Problems.From(form.Error!);
            result = await review.CheckFileAsync(caller, form.Value.Field("content_id"), form.Value.Field("text"), form.Value.File,
                form.Value.FileName, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<CheckRequest>(req);
            if (!body.IsSuccess) return Problems.From(body.Error!);
            result = await review.CheckAsync(caller, body.Value, ct);
        }
        if (!result.IsSuccess) return Problems.From(result.Error!);
        var check = result.Value.Check;
        return result.Value.Created ? TypedResults.Created($"/api/v1/review/checks/{check.Id}", check) : TypedResults.Ok(check);
    }
}
