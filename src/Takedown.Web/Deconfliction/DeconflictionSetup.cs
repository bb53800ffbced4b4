using Takedown.Core.Deconfliction;

namespace Takedown.Web.Deconfliction;

internal static class DeconflictionSetup
{
    /// <summary>Deconfliction between authorities; no settings.</summary>
    public static IServiceCollection AddDeconfliction(this IServiceCollection services)
    {
        services.AddSingleton<DeconflictionService>();
        return services;
    }
}
