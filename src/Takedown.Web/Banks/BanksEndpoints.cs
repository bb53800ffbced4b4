using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Web.Common;
using Takedown.Web.Edge;

namespace Takedown.Web.Banks;

internal static class BanksEndpoints
{
    private static readonly string[] FileFields = ["signal_type", "entity", "behaviour", "source", "order_item_id"];

    public static void MapBanks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/banks").WithTags("Banks").RequireScopes();

        group.MapPost("/", (HttpRequest req, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
                Api.CreatedAsync<CreateBankRequest, BankView>(req, body => banks.CreateAsync(user.ToCaller(), body, ct), b => $"/api/v1/banks/{b.Name}"))
            .Accepts<CreateBankRequest>("application/json")
            .WithSummary("Create a bank (UPPER_SNAKE_CASE name; private, shared with named members, or all_members).");

        group.MapGet("/", async (ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
            TypedResults.Ok(new { data = await banks.ListAsync(user.ToCaller(), ct) })).WithSummary("The banks your organisation may use.");

        // Literal segments win over {name}: the bank name REVIEWS is reserved.
        group.MapGet("/reviews", async Task<Results<Ok<OwnerReviewPage>, ProblemHttpResult>> (
            string? status, string? after, string? limit, ClaimsPrincipal user, OwnerReviewsService reviews, CancellationToken ct) =>
        {
            var size = Api.Limit(limit);
            return size.IsSuccess ? Api.Ok(await reviews.ListAsync(user.ToCaller(), status, after, size.Value, ct)) : Problems.From(size.Error!);
        }).WithSummary("Your owner reviews: entries of your banks that someone else's reinstatement touched; ?status=open|decided|overdue; cursor-paginated.");

        group.MapGet("/reviews/{id:guid}", (Guid id, ClaimsPrincipal user, OwnerReviewsService reviews, CancellationToken ct) =>
            Api.OkAsync(reviews.GetAsync(user.ToCaller(), id, ct)))
            .WithSummary("One owner review.");

        group.MapPost("/reviews/{id:guid}/decision", (Guid id, HttpRequest req, ClaimsPrincipal user, OwnerReviewsService reviews, CancellationToken ct) =>
                Api.OkAsync<OwnerReviewDecisionRequest, OwnerReviewView>(req, body => reviews.DecideAsync(user.ToCaller(), id, body, ct)))
            .Accepts<OwnerReviewDecisionRequest>("application/json")
            .WithSummary("Decide an owner review: keep, narrow (new labels) or disable the entry for everyone; reasons required.");

        group.MapGet("/{name}", (string name, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.GetAsync(user.ToCaller(), name, ct)))
            .WithSummary("One bank: owner, visibility, members and entry counts.");

        group.MapPatch("/{name}", (string name, HttpRequest req, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
                Api.OkAsync<UpdateBankRequest, BankView>(req, body => banks.UpdateAsync(user.ToCaller(), name, body, ct)))
            .Accepts<UpdateBankRequest>("application/json")
            .WithSummary("Change who may use the bank (owner only).");

        group.MapPost("/{name}/entries", AddEntryAsync)
            .RequireHashingSlot()
            .Accepts<AddEntryRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Add an entry: a signal as JSON, or a file (multipart field 'file', hashed and not kept; form fields signal_type, entity, behaviour, source, order_item_id).");

        group.MapGet("/{name}/entries", async Task<Results<Ok<BankFeedPage>, ProblemHttpResult>> (
            string name, string? after, string? limit, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
        {
            var size = 100;
            if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size)))
                return Problems.From(Error.Invalid("limit", $"must be a whole number between 1 and {BanksService.MaxFeedPage}"));
            return Api.Ok(await banks.FeedAsync(user.ToCaller(), name, after, size, ct));
        }).WithSummary("The bank's incremental feed: added, disabled, enabled (and owner false-positive) changes in order; resume with ?after=<next_cursor>.");

        group.MapGet("/{name}/entries/{id:guid}", (string name, Guid id, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.GetEntryAsync(user.ToCaller(), name, id, ct)))
            .WithSummary("One entry: its signal, labels, state and opinions.");

        group.MapPost("/{name}/entries/{id:guid}/disable", (string name, Guid id, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.SetEnabledAsync(user.ToCaller(), name, id, enabled: false, ct))).WithSummary("Disable an entry (it stops matching; never deleted).");

        group.MapPost("/{name}/entries/{id:guid}/enable", (string name, Guid id, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.SetEnabledAsync(user.ToCaller(), name, id, enabled: true, ct))).WithSummary("Re-enable a disabled entry.");

        group.MapPut("/{name}/entries/{id:guid}/opinion", (string name, Guid id, HttpRequest req, ClaimsPrincipal user, BanksService banks, CancellationToken ct) =>
                Api.OkAsync<OpinionRequest, EntryView>(req, body => banks.RecordOpinionAsync(user.ToCaller(), name, id, body, ct)))
            .Accepts<OpinionRequest>("application/json")
            .WithSummary("Record your opinion: agree, disagree or false_positive (the owner's false_positive stops the entry matching).");
    }

    private static async Task<Results<Created<EntryView>, ProblemHttpResult>> AddEntryAsync(
        string name, HttpRequest req, ClaimsPrincipal user, BanksService banks, HashingOptions hashing, CancellationToken ct)
    {
        Result<EntryView> result;
        if (MultipartBody.IsMultipart(req))
        {
            var form = await MultipartBody.ReadAsync(req, hashing.MaxUploadBytes, FileFields);
            if (!form.IsSuccess) return Problems.From(form.Error!);
            var f = form.Value;
            Guid? item = null;
            if (f.Field("order_item_id") is { } text)
            {
                if (!Guid.TryParse(text, out var parsed)) return Problems.From(Error.Invalid("order_item_id", "is not an id"));
                item = parsed;
            }
            var labels = f.Field("entity") is null && f.Field("behaviour") is null ? null : new EntryLabels(f.Field("entity"), f.Field("behaviour"));
            result = await banks.AddFileEntryAsync(user.ToCaller(), name, new AddFileEntryRequest(f.Field("signal_type"), labels, f.Field("source"), item, f.FileName), f.File, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<AddEntryRequest>(req);
            if (!body.IsSuccess) return Problems.From(body.Error!);
            result = await banks.AddEntryAsync(user.ToCaller(), name, body.Value, ct);
        }
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/banks/{name}/entries/{result.Value.Id}", result.Value)
            : Problems.From(result.Error!);
    }
}
