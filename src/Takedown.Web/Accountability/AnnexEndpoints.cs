using Takedown.Core.Accountability;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class AnnexEndpoints
{
    public static void MapAnnexes(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/orders/{id:guid}/items/{itemId:guid}/annex", (Guid id, Guid itemId, ApiCaller caller, AnnexService annexes, CancellationToken ct) =>
                Api.OkAsync(annexes.GetAsync(caller, id, itemId, ct)))
            .RequireScopes().WithTags("Orders")
            .WithSummary("The answered item as TCO Annex II (removed or disabled) or Annex III (cannot be executed); 409 while it has neither.");
}
