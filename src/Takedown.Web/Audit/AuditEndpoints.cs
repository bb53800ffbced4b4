using System.Security.Claims;
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

        group.MapGet("/", async Task<Results<Ok<AuditPage>, ProblemHttpResult>> (string? after, string? limit, ClaimsPrincipal user, IDatabase db, CancellationToken ct) =>
        {
            var size = Api.Limit(limit, 100);
            if (!size.IsSuccess) return Problems.From(size.Error!);
            long from = 0;
            if (after is not null && !long.TryParse(after, out from)) return Problems.From(Error.Invalid("after", "is not a cursor from a previous page"));
            return Api.Ok(await AuditLog.ListAsync(db, user.ToCaller(), from, size.Value, ct));
        }).WithSummary("The audit log (operator and oversight).");

        group.MapGet("/verify", async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> (ClaimsPrincipal user, IDatabase db, CancellationToken ct) =>
        {
            var caller = user.ToCaller();
            if (!caller.IsOperator && !caller.IsOversight) return Problems.From(Error.Forbidden("Only the operator and oversight verify the audit log."));
            return TypedResults.Ok(await AuditLog.VerifyAsync(db, ct));
        }).WithSummary("Recompute the hash chain; names the first broken link.");
    }
}
