using Takedown.Web.Common;
using Takedown.Core.Blocklist;

namespace Takedown.Web.Blocklist;

/// <summary>Activates approved listings when their prior-request time passes, so the serial moves even when nobody reads.</summary>
internal sealed class BlocklistSweeper(BlocklistService listings, TimeProvider clock, ILogger<BlocklistSweeper> log) : PeriodicSweep(clock, log)
{
    protected override TimeSpan Period => TimeSpan.FromSeconds(30);

    protected override Task RunOnceAsync(CancellationToken ct) => listings.ActivateDueAsync(ct);
}
