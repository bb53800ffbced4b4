using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Storage;
using Takedown.Web.Common;

namespace Takedown.Web.Audit;

internal static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireScopes();

        group.MapGet("/", async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ([AsParameters] PageRequest page, ApiCaller caller, IDatabase db, CancellationToken ct) =>
        {
            long from = 0;
            if (page.After is not null && !long.TryParse(page.After, out from)) return Problems.From(Error.Invalid("after", "is not a cursor from a previous page"));
            return Api.Ok(await AuditLog.ListAsync(db, caller, from, page.LimitOr(100), ct));
        }).WithSummary("The audit log (operator and oversight).");

        group.MapGet("/verify", async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> (ApiCaller caller, AuditCheckpoints checkpoints, CancellationToken ct) =>
        {
            if (!caller.Caller.IsOperator && !caller.Caller.IsOversight) return Problems.From(Error.Forbidden("Only the operator and oversight verify the audit log."));
            return TypedResults.Ok(await checkpoints.VerifyAsync(null, ct));
        }).WithSummary("Recompute the hash chain and check it against the signed checkpoints; names the first thing that does not hold.");

        group.MapPost("/verify", VerifyKeptAsync)
            .WithSummary("Check a checkpoint you kept (the JSON of GET /checkpoint) against the chain as it is now (every organisation).");

        group.MapGet("/checkpoint", async Task<Results<Ok<AuditCheckpoint>, ProblemHttpResult>> (AuditCheckpoints checkpoints, CancellationToken ct) =>
            await checkpoints.LatestAsync(ct) is { } latest
                ? TypedResults.Ok(latest)
                : Problems.From(new Error(ErrorKind.NotFound, "No checkpoint yet", "No checkpoint has been written yet: the audit chain is empty.")))
            .WithSummary("The latest signed checkpoint of the audit chain (every organisation: keep copies, and check them later with 'takedown admin verify-audit --checkpoint').");

        group.MapPost("/checkpoint", async Task<Results<Ok<AuditCheckpoint>, ProblemHttpResult>> (ApiCaller caller, AuditCheckpoints checkpoints, CancellationToken ct) =>
        {
            if (!caller.Caller.IsOperator) return Problems.From(Error.Forbidden("Only the operator asks for a checkpoint out of turn."));
            return await checkpoints.WriteNowAsync(ct) is { } written ? TypedResults.Ok(written) : Problems.From(new Error(ErrorKind.NotFound, "No checkpoint yet", "The audit chain is empty: there is nothing to sign."));
        }).WithSummary("Sign the chain's head now (operator; e.g. before a backup or a handover); answers the checkpoint that covers it.");
    }

    /// <summary>Any party checks its own kept copy: the chain must still contain the events it covers, as signed.</summary>
    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyKeptAsync(HttpRequest request, AuditCheckpoints checkpoints, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<System.Text.Json.Nodes.JsonObject>(request);
        if (!body.IsSuccess) return Problems.From(body.Error!);
        var kept = AuditCheckpoints.Parse(body.Value.ToJsonString());
        if (!kept.IsSuccess) return Problems.From(kept.Error!);
        return TypedResults.Ok(await checkpoints.VerifyAsync(kept.Value, ct));
    }
}
