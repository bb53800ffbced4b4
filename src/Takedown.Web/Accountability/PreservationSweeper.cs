using Takedown.Web.Common;
using Microsoft.Extensions.Options;
using Takedown.Core.Accountability;

namespace Takedown.Web.Accountability;

/// <summary>How often the preservation sweep runs.</summary>
public sealed class PreservationOptions
{
    /// <summary>Hours between sweeps (default 24: a daily sweep).</summary>
    public int SweepIntervalHours { get; set; } = 24;
}

/// <summary>Runs the preservation sweep on the injected clock (daily by default).</summary>
internal sealed class PreservationSweeper(PreservationService preservation, TimeProvider clock, IOptions<PreservationOptions> options, ILogger<PreservationSweeper> log)
    : PeriodicSweep(clock, log)
{
    protected override TimeSpan Period => TimeSpan.FromHours(Math.Max(1, options.Value.SweepIntervalHours));

    protected override TimeSpan RetryAfter => TimeSpan.FromMinutes(5);

    protected override Task RunOnceAsync(CancellationToken ct) => preservation.SweepAsync(ct);
}
