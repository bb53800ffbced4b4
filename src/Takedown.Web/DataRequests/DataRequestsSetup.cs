using Takedown.Core.DataRequests;
using Takedown.Web.Common;

namespace Takedown.Web.DataRequests;

internal static class DataRequestsSetup
{
    /// <summary>Data requests, their signed productions and retention, and the deadline sweep (section DataRequests).</summary>
    public static IServiceCollection AddDataRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataRequestOptions>().Bind(configuration.GetSection("DataRequests")).ValidateProblems(Problems).ValidateOnStart();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<DataRequestsService>();
        services.AddSingleton<ProductionRetention>();
        services.AddHostedService<DataRequestSweeper>();
        return services;
    }

    /// <summary>Deadlines and limits that could never be met or would refuse everything, each naming its key.</summary>
    private static IEnumerable<string> Problems(DataRequestOptions o)
    {
        if (o.EmergencyHours <= 0) yield return "DataRequests:EmergencyHours must be more than 0";
        if (o.DisclosureDays <= 0) yield return "DataRequests:DisclosureDays must be more than 0";
        if (o.PreservationAckHours <= 0) yield return "DataRequests:PreservationAckHours must be more than 0";
        if (o.EmergencyEscalationMinutes < 1) yield return "DataRequests:EmergencyEscalationMinutes must be at least 1";
        if (o.MaxFileBytes < 1) yield return "DataRequests:MaxFileBytes must be at least 1";
        if (o.MaxRequestBytes < 1) yield return "DataRequests:MaxRequestBytes must be at least 1";
        if (o.MaxFiles < 1) yield return "DataRequests:MaxFiles must be at least 1";
        if (o.ProductionRetentionMonths < 1) yield return "DataRequests:ProductionRetentionMonths must be at least 1";
        foreach (var problem in RuleProblems(o.PreservationDays, o.ExtensionDays, o.MaxExtensions,
                     "DataRequests:PreservationDays", "DataRequests:ExtensionDays", "DataRequests:MaxExtensions"))
            yield return problem;
        foreach (var (type, rule) in o.PreservationByProcessType)
        {
            var key = $"DataRequests:PreservationByProcessType:{type}";
            foreach (var problem in RuleProblems(rule.Days, rule.ExtensionDays, rule.MaxExtensions, $"{key}:Days", $"{key}:ExtensionDays", $"{key}:MaxExtensions"))
                yield return problem;
        }
    }

    private static IEnumerable<string> RuleProblems(int days, int extensionDays, int maxExtensions, string daysKey, string extensionDaysKey, string maxExtensionsKey)
    {
        if (days < 1) yield return $"{daysKey} must be at least 1";
        if (extensionDays < 0) yield return $"{extensionDaysKey} must be 0 or more";
        if (maxExtensions < 0) yield return $"{maxExtensionsKey} must be 0 or more";
    }
}
