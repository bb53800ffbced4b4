using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Takedown.Web.Common;

namespace Takedown.Web.Edge;

/// <summary>
/// Per-key request limits: each API key has a bucket for reads (GET, HEAD) and one for writes (every other
/// method) on each node, refilled evenly over the minute. Past it: 429 with Retry-After and a problem.
/// Requests without a valid key (pages, sign-in, a wrong key) are not counted here.
/// </summary>
internal static class ApiRateLimits
{
    public static void AddApiRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitsOptions>>((o, limits) =>
        {
            var reads = limits.Value.PerKeyPerMinute.Reads;
            var writes = limits.Value.PerKeyPerMinute.Writes;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                var key = ctx.User.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName }
                    ? ctx.User.FindFirst(CallerClaims.Key)?.Value
                    : null;
                if (key is null) return RateLimitPartition.GetNoLimiter("");
                var read = HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method);
                return read
                    ? RateLimitPartition.GetTokenBucketLimiter("r:" + key, _ => Bucket(reads))
                    : RateLimitPartition.GetTokenBucketLimiter("w:" + key, _ => Bucket(writes));
            });
            o.OnRejected = RejectAsync;
        });
    }

    /// <summary>A full bucket of a minute's requests, refilled evenly: exactly <paramref name="perMinute"/> tokens a minute.</summary>
    internal static TokenBucketRateLimiterOptions Bucket(int perMinute)
    {
        // Up to 60 a minute, one token at a time; above, the smallest whole number of tokens every whole second
        // (the partitioned limiter replenishes on a 100 ms tick, so periods shorter than a second would be rounded up).
        var (period, perPeriod) = perMinute <= 60
            ? (TimeSpan.FromSeconds(60.0 / perMinute), 1)
            : (TimeSpan.FromSeconds(60 / Gcd(perMinute, 60)), perMinute / Gcd(perMinute, 60));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute, TokensPerPeriod = perPeriod, ReplenishmentPeriod = period,
            QueueLimit = 0, AutoReplenishment = false, // the partitioned limiter replenishes every partition on its own tick
        };
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 60;
        var http = context.HttpContext;
        var read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        EdgeLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Edge"),
            http.User.FindFirst(CallerClaims.Key)?.Value ?? "", read ? "reads" : "writes");
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitsOptions>>().Value.PerKeyPerMinute;
        var limit = read ? limits.Reads : limits.Writes;
        await TypedResults.Problem(
            $"This API key made more than {limit} {(read ? "reads (GET, HEAD)" : "writes")} a minute. Retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", type: "https://tools.ietf.org/html/rfc6585#section-4",
            extensions: new Dictionary<string, object?> { ["retry_after_seconds"] = seconds, ["limit_per_minute"] = limit })
            .ExecuteAsync(http);
    }
}
