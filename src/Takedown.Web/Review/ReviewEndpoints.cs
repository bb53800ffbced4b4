using System.Security.Claims;
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

        group.MapGet("/checks/{id:guid}", (Guid id, ClaimsPrincipal user, ReviewService review, CancellationToken ct) =>
            Api.OkAsync(review.GetCheckAsync(user.ToCaller(), id, ct)))
            .WithSummary("One check and the cases it opened.");

        group.MapGet("/cases", async Task<Results<Ok<CasePage>, ProblemHttpResult>> (
            string? state, string? after, string? limit, ClaimsPrincipal user, ReviewService review, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            return size.IsSuccess ? Api.Ok(await review.ListCasesAsync(user.ToCaller(), state, after, size.Value, ct)) : Problems.From(size.Error!);
        }).WithSummary("Your review queue: most severe label first (imminent_credible_threat), then smallest distance, then bank; ?state=open|confirmed|dismissed; cursor-paginated.");

        group.MapGet("/cases/{id:guid}", (Guid id, ClaimsPrincipal user, ReviewService review, CancellationToken ct) =>
            Api.OkAsync(review.GetCaseAsync(user.ToCaller(), id, ct)))
            .WithSummary("One review case with its matches.");

        group.MapPost("/cases/{id:guid}/confirm", (Guid id, HttpRequest req, ClaimsPrincipal user, ReviewService review, CancellationToken ct) =>
                Api.OkAsync<ConfirmCaseRequest, CaseView>(req, body => review.ConfirmAsync(user.ToCaller(), id, body, ct)))
            .Accepts<ConfirmCaseRequest>("application/json")
            .WithSummary("A reviewer confirms the match.");

        group.MapPost("/cases/{id:guid}/dismiss", (Guid id, HttpRequest req, ClaimsPrincipal user, ReviewService review, CancellationToken ct) =>
                Api.OkAsync<DismissCaseRequest, CaseView>(req, body => review.DismissAsync(user.ToCaller(), id, body, ct)))
            .Accepts<DismissCaseRequest>("application/json")
            .WithSummary("A reviewer dismisses the match; with false_positive: true a false_positive opinion is recorded on entry_ids (default: every matched entry). "
                + "The bank owner's own false_positive stops the entry matching.");

        group.MapGet("/rules", (ClaimsPrincipal user, ReviewRulesService rules, CancellationToken ct) => Api.OkAsync(rules.ListAsync(user.ToCaller(), ct)))
            .WithSummary("Your review rules.");

        group.MapPost("/rules", (HttpRequest req, ClaimsPrincipal user, ReviewRulesService rules, CancellationToken ct) =>
                Api.CreatedAsync<RuleRequest, RuleView>(req, body => rules.CreateAsync(user.ToCaller(), body, ct), r => $"/api/v1/review/rules/{r.Id}"))
            .Accepts<RuleRequest>("application/json")
            .WithSummary("A rule: signal_type, optional max_distance, bank and label, and an action (review, hold, remove); remove needs allow_automatic_removal: true. "
                + "The strictest applicable rule decides; no rule means review.");

        group.MapGet("/rules/{id:guid}", (Guid id, ClaimsPrincipal user, ReviewRulesService rules, CancellationToken ct) =>
            Api.OkAsync(rules.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One review rule.");

        group.MapPut("/rules/{id:guid}", (Guid id, HttpRequest req, ClaimsPrincipal user, ReviewRulesService rules, CancellationToken ct) =>
                Api.OkAsync<RuleRequest, RuleView>(req, body => rules.UpdateAsync(user.ToCaller(), id, body, ct)))
            .Accepts<RuleRequest>("application/json")
            .WithSummary("Replace a rule.");

        group.MapDelete("/rules/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, ReviewRulesService rules, CancellationToken ct) =>
        {
            var result = await rules.DeleteAsync(user.ToCaller(), id, ct);
            return result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error!);
        })
            .WithSummary("Delete a review rule.");
    }

    private static async Task<Results<Created<CheckView>, Ok<CheckView>, ProblemHttpResult>> CheckAsync(
        HttpRequest req, ClaimsPrincipal user, ReviewService review, HashingOptions hashing, CancellationToken ct)
    {
        Core.Common.Result<CheckOutcome> result;
        if (MultipartBody.IsMultipart(req))
        {
            var form = await MultipartBody.ReadAsync(req, hashing.MaxUploadBytes, FileFields);
            if (!form.IsSuccess) return Problems.From(form.Error!);
            result = await review.CheckFileAsync(user.ToCaller(), form.Value.Field("content_id"), form.Value.Field("text"), form.Value.File,
                form.Value.FileName, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<CheckRequest>(req);
            if (!body.IsSuccess) return Problems.From(body.Error!);
            result = await review.CheckAsync(user.ToCaller(), body.Value, ct);
        }
        if (!result.IsSuccess) return Problems.From(result.Error!);
        var check = result.Value.Check;
        return result.Value.Created ? TypedResults.Created($"/api/v1/review/checks/{check.Id}", check) : TypedResults.Ok(check);
    }
}
