using Takedown.Web.Common;

namespace Takedown.Web.Cluster;

internal static class ClusterSetup
{
    /// <summary>Several nodes on one database: the change listener (Cluster:CatchUpSeconds, 1 to 300).</summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection("Cluster"))
            .Validate(o => o.CatchUpSeconds is >= 1 and <= 300, "Cluster:CatchUpSeconds must be between 1 and 300").ValidateOnStart().AsSingletonValue();
        services.AddHostedService<ChangeListener>();
        return services;
    }
}
