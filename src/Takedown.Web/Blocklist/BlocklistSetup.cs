using Takedown.Core.Blocklist;
using Takedown.Web.Common;

namespace Takedown.Web.Blocklist;

internal static class BlocklistSetup
{
    /// <summary>Listings, their exports and activation sweep (section Blocklist: zone name, stop host, review and prior-request times, stop page texts).</summary>
    public static IServiceCollection AddBlocklist(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BlocklistOptions>().Bind(configuration.GetSection("Blocklist")).ValidateProblems(o => o.Problems()).ValidateOnStart().AsSingletonValue();
        services.AddSingleton<BlocklistService>();
        services.AddSingleton<BlocklistExports>();
        services.AddHostedService<BlocklistSweeper>();
        return services;
    }
}
