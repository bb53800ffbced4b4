using Takedown.Core.Organizations;

namespace Takedown.Web.Organizations;

internal static class OrganizationsSetup
{
    /// <summary>Organisations and their API keys; no settings.</summary>
    public static IServiceCollection AddOrganizations(this IServiceCollection services)
    {
        services.AddSingleton<OrganizationsService>();
        return services;
    }
}
