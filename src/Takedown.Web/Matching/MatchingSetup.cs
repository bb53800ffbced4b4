using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Signals;
using Takedown.Core.Storage;
using Takedown.Web.Common;

namespace Takedown.Web.Matching;

internal static class MatchingSetup
{
    /// <summary>
    /// Hashing limits (section Hashing: MaxUploadBytes up to 2 GiB, MaxImagePixels up to 10⁹, MinTextOverlap, MaxTextChars),
    /// the request body limit they imply, the signal kinds, the match index and the match service.
    /// </summary>
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HashingOptions>().Bind(configuration.GetSection("Hashing"))
            .Validate(o => o.MaxUploadBytes is >= 1 and <= 1L << 31, "Hashing:MaxUploadBytes must be between 1 and 2 GiB")
            .Validate(o => o.MaxImagePixels is >= 1 and <= 1_000_000_000, "Hashing:MaxImagePixels must be between 1 and 1,000,000,000")
            .Validate(o => o.MinTextOverlap is > 0 and <= 1, "Hashing:MinTextOverlap must be more than 0 and at most 1")
            .Validate(o => o.MaxTextChars >= 1, "Hashing:MaxTextChars must be at least 1")
            .ValidateOnStart().AsSingletonValue();
        // Room for the largest upload plus its multipart framing; the upload reader applies the exact limit.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HashingOptions>>((k, hashing) =>
            k.Limits.MaxRequestBodySize = Math.Max(64L * 1024 * 1024, hashing.Value.MaxUploadBytes + 1024 * 1024));
        services.AddSignals();
        services.AddSingleton<MatchIndex>();
        // A committed bank change reaches the index before its writer is answered.
        services.AddSingleton<ICommitObserver, IndexFollower>();
        services.AddSingleton<MatchService>();
        return services;
    }
}
