using Takedown.Core.Audit;
using Takedown.Web.Common;

namespace Takedown.Web.Audit;

internal static class AuditSetup
{
    /// <summary>Binds and validates Audit:* and runs the checkpoint writer.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection("Audit")).ValidateProblems(o => o.Problems()).ValidateOnStart().AsSingletonValue();
        services.AddSingleton<AuditCheckpoints>();
        services.AddHostedService<CheckpointWriter>();
        return services;
    }
}

/// <summary>
/// Signs the chain's head when a checkpoint is due (every Audit:CheckpointEvery events, or Audit:CheckpointMinutes
/// with new events), looking every Audit:PollSeconds on the injected clock; and once more when the service stops,
/// so events cut off while it is down are named by the checkpoint it left behind.
/// </summary>
internal sealed partial class CheckpointWriter(AuditCheckpoints checkpoints, TimeProvider clock, AuditOptions options, ILogger<CheckpointWriter> log)
    : PeriodicSweep(clock, log)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(options.PollSeconds);

    protected override Task RunOnceAsync(CancellationToken ct) => checkpoints.WriteIfDueAsync(ct);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await checkpoints.WriteNowAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            FinalCheckpointFailed(log, ex);
        }
    }

    [LoggerMessage(EventId = 10202, Level = LogLevel.Warning, Message = "No audit checkpoint could be written at shutdown")]
    private static partial void FinalCheckpointFailed(ILogger logger, Exception ex);
}
