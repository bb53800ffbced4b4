using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Accountability;
using Takedown.Core.Common;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class StatementsEndpoints
{
    public static void MapStatements(this IEndpointRouteBuilder app)
    {
        var item = app.MapGroup("/api/v1/orders/{id:guid}/items/{itemId:guid}/statement").WithTags("Statements of reasons").RequireScopes();

        item.MapGet("/", (Guid id, Guid itemId, ApiCaller caller, StatementsService statements, CancellationToken ct) =>
                Api.OkAsync(statements.GetAsync(caller, id, itemId, ct)))
            .WithSummary("The DSA Art. 17 statement of reasons for the item's action (409 while the order's confidential_until has not passed).");

        item.MapPost("/sent", (Guid id, Guid itemId, ApiCaller caller, StatementsService statements, CancellationToken ct) =>
                Api.OkAsync(statements.MarkSentAsync(caller, id, itemId, ct)))
            .WithSummary("Record that the platform sent the statement of reasons to the uploader.");

        app.MapGet("/api/v1/reports/dsa-statements", ExportAsync).RequireScopes().WithTags("Reports")
            .WithSummary("Statements of reasons for actions in [from, to) as JSON lines in the DSA Transparency Database's fields; &batch=true puts up to 100 per line.");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ExportAsync(
        string? from, string? to, string? batch, ApiCaller caller, StatementsService statements, CancellationToken ct)
    {
        var v = new Validator();
        var start = Dates.Parse(v, "from", from);
        var end = Dates.Parse(v, "to", to);
        if (batch is not null and not ("true" or "false")) v.Add("batch", "must be true or false");
        if (!v.IsValid) return Problems.From(v.ToError());
        var result = await statements.ExportAsync(caller, start, end, ct);
        if (!result.IsSuccess) return Problems.From(result.Error!);
        var text = new StringBuilder();
        if (batch == "true")
        {
            foreach (var chunk in result.Value.Chunk(StatementsService.MaxBatch))
                text.Append(JsonSerializer.Serialize(new { statements = chunk }, TakedownJson.Options)).Append('\n');
        }
        else
        {
            foreach (var statement in result.Value) text.Append(JsonSerializer.Serialize(statement, TakedownJson.Options)).Append('\n');
        }
        return TypedResults.Text(text.ToString(), "application/jsonl", Encoding.UTF8);
    }
}
