using Takedown.Core.Review;

namespace Takedown.Web.Review;

internal static class ReviewSetup
{
    /// <summary>The review queue and its rules; no settings.</summary>
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddSingleton<ReviewRulesService>();
        services.AddSingleton<ReviewService>();
        return services;
    }
}
