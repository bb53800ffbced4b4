using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;
using Takedown.Core.Evidence;
using Takedown.Web.Common;

namespace Takedown.Web.Evidence;

internal static class EvidenceEndpoints
{
    public static void MapEvidence(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/orders/{id:guid}/items/{itemId:guid}/evidence").WithTags("Evidence").RequireScopes();

        group.MapPost("/", UploadAsync)
            .DisableAntiforgery()
            .WithSummary("Attach a screenshot or archived page (multipart field 'file'; PNG, JPEG, GIF, WebP or PDF, decided from the bytes).");

        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<EvidenceView>>, ProblemHttpResult>> (
            Guid id, Guid itemId, ApiCaller caller, EvidenceService evidence, CancellationToken ct) =>
        {
            var list = await evidence.ListAsync(caller, id, ct);
            return list.IsSuccess ? TypedResults.Ok<IReadOnlyList<EvidenceView>>(list.Value.Where(e => e.ItemId == itemId).ToList()) : Problems.From(list.Error!);
        }).WithSummary("The item's evidence (issuing authority and addressed platform only).");

        group.MapGet("/{evidenceId:guid}", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
            Guid id, Guid itemId, Guid evidenceId, HttpContext http, ApiCaller caller, EvidenceService evidence, CancellationToken ct) =>
        {
            var opened = await evidence.OpenAsync(caller, id, itemId, evidenceId, ct);
            if (!opened.IsSuccess) return Problems.From(opened.Error!);
            Harden(http.Response);
            var e = opened.Value.Evidence;
            return TypedResults.File(opened.Value.Content, e.MediaType, e.FileName ?? e.Sha256);
        }).WithSummary("The file itself; every read is audited.");
    }

    /// <summary>Evidence is hostile content: never sniffed into HTML by the browser, never able to run script.</summary>
    public static void Harden(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox";
        response.Headers.CacheControl = "private, no-store";
    }

    private static async Task<Results<Created<EvidenceView>, ProblemHttpResult>> UploadAsync(
        Guid id, Guid itemId, HttpRequest request, ApiCaller caller, EvidenceService evidence, EvidenceOptions options, CancellationToken ct)
    {
        if (request.ContentLength > options.MaxBytes + 64 * 1024)
            return Problems.From(new Error(ErrorKind.TooLarge, "File too large", $"Evidence files are at most {options.MaxBytes} bytes.",
                new Dictionary<string, string[]> { ["file"] = [$"must be at most {options.MaxBytes} bytes"] }));
        if (!request.HasFormContentType) return Problems.From(Error.Invalid("file", "send the file as multipart/form-data in the field 'file'"));
        IFormFile? file;
        try
        {
            file = (await request.ReadFormAsync(ct)).Files.GetFile("file");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problems.From(new Error(ErrorKind.TooLarge, "File too large", "The upload exceeds the limit or is malformed.",
                new Dictionary<string, string[]> { ["file"] = [$"must be at most {options.MaxBytes} bytes and well-formed multipart"] }));
        }
        if (file is null) return Problems.From(Error.Invalid("file", "is required"));
        await using var stream = file.OpenReadStream();
        var result = await evidence.AddAsync(caller, id, itemId, file.FileName, stream, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/orders/{id}/items/{itemId}/evidence/{result.Value.Id}", result.Value)
            : Problems.From(result.Error!);
    }
}
