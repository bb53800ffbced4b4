using Takedown.Core.Platforms;

namespace Takedown.Web.Platforms;

internal static class PlatformsSetup
{
    /// <summary>The platform directory and each platform's profile; no settings.</summary>
    public static IServiceCollection AddPlatforms(this IServiceCollection services)
    {
        services.AddSingleton<PlatformsService>();
        return services;
    }
}
