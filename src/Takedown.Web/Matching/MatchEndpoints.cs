using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Organizations;
using Takedown.Web.Common;
using Takedown.Web.Edge;

namespace Takedown.Web.Matching;

internal static class MatchEndpoints
{
    private static readonly string[] FileFields = ["radius"];

    public static void MapMatching(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/match").WithTags("Matching").RequireScope(Scopes.Read); // a match asks a question; it changes nothing

        group.MapPost("/", MatchAsync)
            .RequireHashingSlot()
            .Accepts<MatchRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithSummary("Match one signal (JSON) or a file (multipart field 'file': MD5, SHA-256 and all eight dihedral PDQ hashes) over every bank you may use; PDQ radius default 31, at most 63.");

        group.MapPost("/batch", (JsonBody<BatchMatchRequest> body, ApiCaller caller, MatchService match, CancellationToken ct) =>
                Api.OkAsync(match.MatchBatchAsync(caller, body.Value, ct)))
            .WithSummary("Match up to 1,000 signals; one result per signal, in order.");
    }

    private static async Task<Results<Ok<MatchResponse>, Ok<FileMatchResponse>, ProblemHttpResult>> MatchAsync(
        HttpRequest req, ApiCaller caller, MatchService match, HashingOptions hashing, CancellationToken ct)
    {
        if (!MultipartBody.IsMultipart(req))
        {
            var body = await JsonBody.ReadAsync<MatchRequest>(req);
            if (!body.IsSuccess) return Problems.From(body.Error!);
            var result = await match.MatchAsync(caller, body.Value, ct);
            return result.IsSuccess ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
        }
        var form = await MultipartBody.ReadAsync(req, hashing.MaxUploadBytes, FileFields);
        if (!form.IsSuccess) return Problems.From(form.Error!);
        int? radius = null;
        if (form.Value.Field("radius") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
                return Problems.From(Error.Invalid("radius", $"must be a whole number between 0 and {PdqIndex.MaxRadius}"));
            radius = r;
        }
        var file = await match.MatchFileAsync(caller, form.Value.File, radius, ct, form.Value.FileName);
        return file.IsSuccess ? TypedResults.Ok(file.Value) : Problems.From(file.Error!);
    }
}
