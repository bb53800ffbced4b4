using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Takedown.Core.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Storage;
using Takedown.Web.Common;

namespace Takedown.Web.DataRequests;

internal static class DataRequestsEndpoints
{
    public static void MapDataRequests(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/takedown-signing-key", async (SigningKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)))
            .WithTags("Data requests").WithSummary("The Ed25519 public key that signs production manifests (raw 32 bytes, base64), and under 'keys' every key, current and retired, with its id, fingerprint and status.");

        var group = app.MapGroup("/api/v1/data-requests").WithTags("Data requests").RequireScopes();

        group.MapPost("/", (JsonBody<CreateDataRequest> body, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
                Api.CreatedAsync(service.CreateAsync(caller, body.Value, ct), r => $"/api/v1/data-requests/{r.Id}"))
            .WithSummary("Send a preservation, disclosure or emergency disclosure request to a platform.");

        group.MapGet("/", async (ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(caller, ct)))
            .WithSummary("The data requests you sent or received.");

        group.MapGet("/{id:guid}", (Guid id, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.GetAsync(caller, id, ct)))
            .WithSummary("One data request with its answers, files and deadlines.");

        group.MapPost("/{id:guid}/acknowledge", (Guid id, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.AcknowledgeAsync(caller, id, ct)))
            .WithSummary("The platform acknowledges the data request.");

        group.MapPost("/{id:guid}/request-clarification", (Guid id, JsonBody<DataRequestAnswer> body, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.RequestClarificationAsync(caller, id, body.Value, ct)))
            .WithSummary("The platform asks the authority to clarify the request.");

        group.MapPost("/{id:guid}/clarify", (Guid id, JsonBody<DataRequestAnswer> body, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.ClarifyAsync(caller, id, body.Value, ct)))
            .WithSummary("The authority clarifies the request.");

        group.MapPost("/{id:guid}/narrow", (Guid id, JsonBody<DataRequestAnswer> body, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.NarrowAsync(caller, id, body.Value, ct)))
            .WithSummary("The authority narrows the request.");

        group.MapPost("/{id:guid}/object", (Guid id, JsonBody<DataRequestAnswer> body, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.ObjectAsync(caller, id, body.Value, ct)))
            .WithSummary("The platform objects to the request, with its reasons.");

        group.MapPost("/{id:guid}/extend", (Guid id, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
            Api.OkAsync(service.ExtendAsync(caller, id, ct))).WithSummary("Extend a preservation before it expires.");

        group.MapPost("/{id:guid}/attachments", AttachAsync).DisableAntiforgery()
            .WithSummary("Attach the legal instrument (multipart field 'file').");

        group.MapPost("/{id:guid}/productions", ProduceAsync).DisableAntiforgery()
            .WithSummary("Answer with a production (multipart field 'files'); the manifest is signed with the service's Ed25519 key.");

        group.MapGet("/{id:guid}/productions/{productionId:guid}", async Task<Results<Ok<ProductionView>, ProblemHttpResult>> (
            Guid id, Guid productionId, ApiCaller caller, DataRequestsService service, CancellationToken ct) =>
        {
            var p = await service.OpenProductionAsync(caller, id, productionId, ct);
            return p.IsSuccess ? TypedResults.Ok(p.Value.Production) : Problems.From(p.Error!);
        })
            .WithSummary("One production: its signed manifest, signature and key id.");

        group.MapGet("/{id:guid}/productions/{productionId:guid}/archive", ArchiveAsync)
            .WithSummary("The production as one zip: files/, manifest.json, manifest.sig, signing-key.json.");
    }

    private static async Task<Results<Ok<DataRequestView>, ProblemHttpResult>> AttachAsync(Guid id, HttpRequest req, ApiCaller caller,
        DataRequestsService service, BlobStore store, IOptions<DataRequestOptions> options, CancellationToken ct)
    {
        var may = await service.CanUploadAsync(caller, id, production: false, ct);
        if (!may.IsSuccess) return Problems.From(may.Error!);
        var o = options.Value;
        var files = await Multipart.ReadFilesAsync(req, store, "file", o.MaxFileBytes, o.MaxRequestBytes, 10);
        if (!files.IsSuccess) return Problems.From(files.Error!);
        var notPdf = files.Value.FindIndex(f => f.Blob.ContentType != FileTypes.Pdf);
        if (notPdf >= 0) return Problems.From(Error.Invalid("file", $"'{DataRequestsService.SafeName(files.Value[notPdf].Name)}' is not a PDF (its bytes say {files.Value[notPdf].Blob.ContentType})"));
        return Api.Ok(await service.AttachAsync(caller, id, files.Value, ct));
    }

    private static async Task<Results<Created<ProductionView>, ProblemHttpResult>> ProduceAsync(Guid id, HttpRequest req, ApiCaller caller,
        DataRequestsService service, BlobStore store, IOptions<DataRequestOptions> options, CancellationToken ct)
    {
        var may = await service.CanUploadAsync(caller, id, production: true, ct);
        if (!may.IsSuccess) return Problems.From(may.Error!);
        var o = options.Value;
        var files = await Multipart.ReadFilesAsync(req, store, "files", o.MaxFileBytes, o.MaxRequestBytes, o.MaxFiles);
        if (!files.IsSuccess) return Problems.From(files.Error!);
        var result = await service.ProduceAsync(caller, id, files.Value, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/data-requests/{id}/productions/{result.Value.Id}", result.Value)
            : Problems.From(result.Error!);
    }

    private static async Task<IResult> ArchiveAsync(Guid id, Guid productionId, ApiCaller caller, DataRequestsService service,
        BlobStore store, SigningKeys keys, CancellationToken ct)
    {
        var p = await service.OpenProductionAsync(caller, id, productionId, ct);
        if (!p.IsSuccess) return Problems.From(p.Error!);
        var (production, manifestJson) = p.Value;
        // A file lost from the store (a disk, or a restore without it) is a problem to name, not a half-written zip.
        if (production.Manifest.Files.FirstOrDefault(f => !File.Exists(store.PathOf(f.Sha256))) is { } lost)
            return Problems.From(new Error(ErrorKind.Unavailable, "Production file missing",
                $"The stored file '{lost.Name}' of this production is missing; tell the operator."));
        var temp = Path.Combine(Path.GetTempPath(), "takedown-archive-" + Guid.NewGuid().ToString("N"));
        await using (var file = new FileStream(temp, FileMode.CreateNew))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            foreach (var f in production.Manifest.Files)
            {
                var entry = zip.CreateEntry("files/" + f.Name, CompressionLevel.Fastest);
                await using var target = entry.Open();
                await using var source = store.OpenRead(f.Sha256);
                await source.CopyToAsync(target, ct);
            }
            await WriteAsync(zip, "manifest.json", manifestJson);
            await WriteAsync(zip, "manifest.sig", production.Signature);
            // The key that signed this production (it may have been retired since), not the current one.
            var key = await keys.FindAsync(production.KeyId, ct) ?? await keys.PublicAsync(ct);
            await WriteAsync(zip, "signing-key.json", JsonSerializer.Serialize(key, TakedownJson.Options));
        }
        var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return TypedResults.File(stream, "application/zip", $"production-{productionId}.zip");
    }

    private static async Task WriteAsync(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var s = entry.Open();
        await s.WriteAsync(Encoding.UTF8.GetBytes(text));
    }
}

/// <summary>Escalates unacknowledged emergencies and expires lapsed preservations on the injected clock.</summary>
internal sealed partial class DataRequestSweeper(DataRequestsService service, TimeProvider clock, ILogger<DataRequestSweeper> log) : PeriodicSweep(clock, log)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(5);

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var n = await service.EscalateAsync(ct);
        if (n > 0) Swept(log, n);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "{Count} data request(s) escalated or expired")]
    private static partial void Swept(ILogger logger, int count);
}
