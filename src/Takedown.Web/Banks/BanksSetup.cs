using Takedown.Core.Banks;
using Takedown.Web.Common;

namespace Takedown.Web.Banks;

internal static class BanksSetup
{
    /// <summary>Hash banks and owner reviews (Banks:OwnerReviewDays, 1 to 90).</summary>
    public static IServiceCollection AddBanks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BanksOptions>().Bind(configuration.GetSection("Banks"))
            .Validate(o => o.OwnerReviewDays is >= 1 and <= 90, "Banks:OwnerReviewDays must be between 1 and 90").ValidateOnStart().AsSingletonValue();
        services.AddSingleton<BanksService>();
        services.AddSingleton<OwnerReviewsService>();
        return services;
    }
}
