using Takedown.Core.Accountability;
using Takedown.Core.Transparency;

namespace Takedown.Web.Accountability;

internal static class AccountabilitySetup
{
    /// <summary>
    /// Complaints, scrutiny, preservation (swept every Preservation:SweepIntervalHours, 1 to 168), statements of reasons,
    /// court reinstatements, annexes and the transparency figures.
    /// </summary>
    public static IServiceCollection AddAccountability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ComplaintsService>();
        services.AddSingleton<ScrutinyService>();
        services.AddSingleton<PreservationService>();
        services.AddSingleton<StatementsService>();
        services.AddSingleton<TransparencyReportsService>();
        services.AddSingleton<OrderStatisticsService>();
        services.AddSingleton<CourtReinstatementService>();
        services.AddSingleton<AnnexService>();
        services.AddOptions<PreservationOptions>().Bind(configuration.GetSection("Preservation"))
            .Validate(o => o.SweepIntervalHours is >= 1 and <= 168, "Preservation:SweepIntervalHours must be between 1 and 168").ValidateOnStart();
        services.AddHostedService<PreservationSweeper>();
        return services;
    }
}
