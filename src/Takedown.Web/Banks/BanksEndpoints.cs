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

        group.MapPost("/", (JsonBody<CreateBankRequest> body, ApiCaller caller, BanksService banks, CancellationToken ct) =>
                Api.CreatedAsync(banks.CreateAsync(caller, body.Value, ct), b => $"/api/v1/banks/{b.Name}"))
            .WithSummary("Create a bank (UPPER_SNAKE_CASE name; private, shared with named members, or all_members).");

        group.MapGet("/", async (ApiCaller caller, BanksService banks, CancellationToken ct) =>
            TypedResults.Ok(new { data = await banks.ListAsync(caller, ct) })).WithSummary("The banks your organisation may use.");

        // Literal segments win over {name}: the bank name REVIEWS is reserved.
        group.MapGet("/reviews", (string? status, [AsParameters] PageRequest page, ApiCaller caller, OwnerReviewsService reviews, CancellationToken ct) =>
                Api.OkAsync(reviews.ListAsync(caller, status, page.After, page.Limit, ct)))
            .WithSummary("Your owner reviews: entries of your banks that someone else's reinstatement touched; ?status=open|decided|overdue; cursor-paginated.");

        group.MapGet("/reviews/{id:guid}", (Guid id, ApiCaller caller, OwnerReviewsService reviews, CancellationToken ct) =>
            Api.OkAsync(reviews.GetAsync(caller, id, ct)))
            .WithSummary("One owner review.");

        group.MapPost("/reviews/{id:guid}/decision", (Guid id, JsonBody<OwnerReviewDecisionRequest> body, ApiCaller caller, OwnerReviewsService reviews, CancellationToken ct) =>
                Api.OkAsync(reviews.DecideAsync(caller, id, body.Value, ct)))
            .WithSummary("Decide an owner review: keep, narrow (new labels) or disable the entry for everyone; reasons required.");

        group.MapGet("/{name}", (string name, ApiCaller caller, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.GetAsync(caller, name, ct)))
            .WithSummary("One bank: owner, visibility, members and entry counts.");

        group.MapPatch("/{name}", (string name, JsonBody<UpdateBankRequest> body, ApiCaller caller, BanksService banks, CancellationToken ct) =>
                Api.OkAsync(banks.UpdateAsync(caller, name, body.Value, ct)))
            .WithSummary("Change who may use the bank (owner only).");

        group.MapPost("/{name}/entries", AddEntryAsync)
            .RequireHashingSlot()
            .Accepts<AddEntryRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Add an entry: a signal as JSON, or a file (multipart field 'file', hashed and not kept; form fields signal_type, entity, behaviour, source, order_item_id).");

        group.MapGet("/{name}/entries", async Task<Results<Ok<BankFeedPage>, ProblemHttpResult>> (
            string name, string? after, string? limit, ApiCaller caller, BanksService banks, CancellationToken ct) =>
        {
            var size = 100;
            if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size)))
                return Problems.From(Error.Invalid("limit", $"must be a whole number between 1 and {BanksService.MaxFeedPage}"));
            return Api.Ok(await banks.FeedAsync(caller, name, after, size, ct));
        }).WithSummary("The bank's incremental feed: added, disabled, enabled (and owner false-positive) changes in order; resume with ?after=<next_cursor>.");

        group.MapGet("/{name}/entries/{id:guid}", (string name, Guid id, ApiCaller caller, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.GetEntryAsync(caller, name, id, ct)))
            .WithSummary("One entry: its signal, labels, state and opinions.");

        group.MapPost("/{name}/entries/{id:guid}/disable", (string name, Guid id, ApiCaller caller, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.SetEnabledAsync(caller, name, id, enabled: false, ct))).WithSummary("Disable an entry (it stops matching; never deleted).");

        group.MapPost("/{name}/entries/{id:guid}/enable", (string name, Guid id, ApiCaller caller, BanksService banks, CancellationToken ct) =>
            Api.OkAsync(banks.SetEnabledAsync(caller, name, id, enabled: true, ct))).WithSummary("Re-enable a disabled entry.");

        group.MapPut("/{name}/entries/{id:guid}/opinion", (string name, Guid id, JsonBody<OpinionRequest> body, ApiCaller caller, BanksService banks, CancellationToken ct) =>
                Api.OkAsync(banks.RecordOpinionAsync(caller, name, id, body.Value, ct)))
            .WithSummary("Record your opinion: agree, disagree or false_positive (the owner's false_positive stops the entry matching).");
    }

    private static async Task<Results<Created<EntryView>, ProblemHttpResult>> AddEntryAsync(
        string name, HttpRequest req, ApiCaller caller, BanksService banks, HashingOptions hashing, CancellationToken ct)
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
            result = await banks.AddFileEntryAsync(caller, name, new AddFileEntryRequest(f.Field("signal_type"), labels, f.Field("source"), item, f.FileName), f.File, ct);
        }
        else
        {
            var body = await JsonBody.ReadAsync<AddEntryRequest>(req);
            if (!body.IsSuccess) return Problems.From(body.Error!);
            result = await banks.AddEntryAsync(caller, name, body.Value, ct);
        }
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/banks/{name}/entries/{result.Value.Id}", result.Value)
            : Problems.From(result.Error!);
    }
}
