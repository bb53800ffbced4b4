using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Takedown.Core.Evidence;
using Takedown.Web.Common;
using Takedown.Web.Storage;

namespace Takedown.Web.Evidence;

internal static class EvidenceSetup
{
    /// <summary>Evidence files (Evidence:Directory, default evidence/ in the data directory; Evidence:MaxBytes up to 2 GiB).</summary>
    public static IServiceCollection AddEvidence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EvidenceOptions>()
            .Configure<IOptions<StorageOptions>>((o, storage) => o.Directory = Path.Combine(storage.Value.Data, "evidence"))
            .Bind(configuration.GetSection("Evidence"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Directory), "Evidence:Directory must name a folder")
            .Validate(o => o.MaxBytes is >= 1 and <= 1L << 31, "Evidence:MaxBytes must be between 1 and 2 GiB")
            .ValidateOnStart().AsSingletonValue();
        services.AddSingleton<EvidenceService>();
        services.AddOptions<FormOptions>().Configure<IOptions<EvidenceOptions>>((o, evidence) => o.MultipartBodyLengthLimit = evidence.Value.MaxBytes + 64 * 1024);
        return services;
    }
}
