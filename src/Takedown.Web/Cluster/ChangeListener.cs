using Dapper;
using Npgsql;
using Takedown.Core.Delivery;
using Takedown.Core.Matching;
using Takedown.Core.Storage;

namespace Takedown.Web.Cluster;

/// <summary>
/// Several nodes on one PostgreSQL: follows what other nodes commit. It LISTENs on the change channel
/// (<see cref="ChangeNotifications"/>) and, on each notification and every CatchUpSeconds regardless,
/// catches up by sequence number: bank changes into this node's match index, new outbox events into the
/// <see cref="OutboxSignal"/> (waking long polls and the webhook sender here). A lost notification or
/// a dropped connection therefore only delays. On SQLite (one node) it does nothing.
/// </summary>
internal sealed class ChangeListener(IDatabase db, MatchIndex index, OutboxSignal signal, ClusterOptions options, ILogger<ChangeListener> log)
    : BackgroundService
{
    private long _outboxSeq = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if ((db is EffectsDatabase e ? e.Inner : db) is not PostgresDatabase pg) return;
        var every = TimeSpan.FromSeconds(options.CatchUpSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listen = await pg.DataSource.OpenConnectionAsync(stoppingToken);
                listen.Notification += (_, _) => { };
                await listen.ExecuteAsync($"LISTEN {ChangeNotifications.Channel}");
                // Listening before catching up: whatever commits from here on is either caught or announced.
                await CatchUpAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await listen.WaitAsync(every, stoppingToken);
                    await CatchUpAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ClusterLog.ListenerFailed(log, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        await index.CatchUpAsync(ct);
        await using var c = await db.OpenAsync(ct);
        if (_outboxSeq < 0)
        {
            _outboxSeq = await c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(seq), 0) FROM outbox_events");
            return;
        }
        var fresh = (await c.QueryAsync<(string org_id, long seq)>(
            "SELECT org_id, MAX(seq) AS seq FROM outbox_events WHERE seq > @from GROUP BY org_id", new { from = _outboxSeq })).ToList();
        if (fresh.Count == 0) return;
        _outboxSeq = fresh.Max(f => f.seq);
        signal.Committed(fresh.Select(f => Guid.Parse(f.org_id)));
    }
}

/// <summary>Settings for several nodes on one database.</summary>
public sealed class ClusterOptions
{
    /// <summary>Seconds between catch-ups when no notification arrives (default 2): the most a missed notification delays.</summary>
    public int CatchUpSeconds { get; set; } = 2;
}

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 14001, Level = LogLevel.Warning, Message = "Change listener failed; reconnecting")]
    public static partial void ListenerFailed(ILogger logger, Exception ex);
}
