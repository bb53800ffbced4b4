using System.Collections.Concurrent;
using System.Text.Json;
using Takedown.Core.Common;
using Takedown.Core.Delivery;

namespace Takedown.Web.Delivery;

/// <summary>
/// Delivers the outbox. It wakes at once when a commit enqueues something (the <see cref="OutboxSignal"/>),
/// when the next retry falls due on the injected clock, and every PollSeconds regardless, so after a crash
/// or restart everything still pending goes out. Each endpoint is drained by one worker at a time, in
/// event order; endpoints proceed independently of each other.
/// </summary>
internal sealed class WebhookSender(DeliveryStore store, WebhookHttp http, SecretBox secrets, OutboxSignal signal, TimeProvider clock,
    WebhooksOptions options, ILogger<WebhookSender> log) : BackgroundService
{
    private const int BatchSize = 64;

    /// <summary>Attempts posted but not yet recorded, per endpoint: the most a crash can make go twice.</summary>
    internal const int MaxUnrecorded = 8;

    private readonly ConcurrentDictionary<string, Task> _busy = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(1, options.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.NextWorkAsync();
            var wait = poll;
            try
            {
                foreach (var endpoint in await store.EndpointsWithDueWorkAsync(500, stoppingToken))
                {
                    // Claimed before the worker starts, so the worker's release can never precede the claim.
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (!_busy.TryAdd(endpoint, done.Task)) continue;
                    _ = Task.Run(async () =>
                    {
                        try { await DrainAsync(endpoint, stoppingToken); }
                        finally { done.TrySetResult(); }
                    }, CancellationToken.None);
                }
                if (await store.NextDueAtAsync(stoppingToken) is { } next)
                {
                    var until = next - clock.GetUtcNow();
                    if (until < wait) wait = until < TimeSpan.Zero ? TimeSpan.Zero : until;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                DeliveryLog.SenderFailed(log, ex);
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            // Due now yet not started means its endpoint's worker has it; that worker pokes us when it is done.
            await Task.WhenAny(wake, Task.Delay(wait > TimeSpan.Zero ? wait : poll, clock, stop.Token));
            stop.Cancel();
        }
        await Task.WhenAll(_busy.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task DrainAsync(string endpointId, CancellationToken ct)
    {
        var claimed = false;
        var failed = false;
        try
        {
            // Another node may be draining this endpoint: then it is its business until its claim runs out.
            if (await store.ClaimAsync(endpointId, ct) is not { } until) return;
            claimed = true;
            IReadOnlyList<DueDelivery> batch;
            while (!ct.IsCancellationRequested && (batch = await store.NextForEndpointAsync(endpointId, BatchSize, ct)).Count > 0)
            {
                // Posts go one after another, in order. Their records commit while the next posts are on their way
                // (group commit), at most MaxUnrecorded outstanding, and all of them before the claim is renewed or
                // released, so no other node ever sends what this one has sent. Only a crash between a receiver's
                // answer and its record makes an event go again: at-least-once, de-duplicated by event id, and at
                // most MaxUnrecorded events per endpoint the dead node was draining.
                var recording = new Queue<Task>();
                var lost = false;
                foreach (var d in batch)
                {
                    if (until - clock.GetUtcNow() < store.Lease / 2)
                    {
                        while (recording.Count > 0) await recording.Dequeue();
                        if (await store.ClaimAsync(endpointId, ct) is not { } renewed)
                        {
                            lost = true;
                            break;
                        }
                        until = renewed;
                    }
                    while (recording.Count >= MaxUnrecorded) await recording.Dequeue();
                    var outcome = await http.PostAsync(d.url, d.event_id, secrets.Open(d.secret_sealed), Body(d), clock.GetUtcNow().ToUnixTimeSeconds(), ct);
                    recording.Enqueue(store.RecordAttemptAsync(d, outcome, ct));
                    if (outcome.Succeeded) DeliveryLog.Delivered(log, d.event_id, d.endpoint_id, outcome.StatusCode, outcome.LatencyMs);
                    else
                    {
                        DeliveryLog.AttemptFailed(log, d.event_id, d.endpoint_id, outcome.StatusCode, outcome.Error);
                        break;
                    }
                }
                while (recording.Count > 0) await recording.Dequeue();
                if (lost)
                {
                    // Another node has it now: nothing of ours to release, and nothing for us to look at again.
                    claimed = false;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            DeliveryLog.SenderFailed(log, ex);
            failed = true;
        }
        finally
        {
            await ReleaseAsync(endpointId, claimed);
            _busy.TryRemove(endpointId, out _);
        }
        // Work may have arrived for this endpoint while it was busy: look again.
        if (claimed && !failed) signal.PokeWork();
    }

    private async Task ReleaseAsync(string endpointId, bool claimed)
    {
        if (!claimed) return;
        try
        {
            await store.ReleaseAsync(endpointId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim then simply runs out.
            DeliveryLog.SenderFailed(log, ex);
        }
    }

    /// <summary>The envelope exactly as the pull feed shows it: {"id", "type", "created_at", "data"}.</summary>
    private static byte[] Body(DueDelivery d)
    {
        using var data = JsonDocument.Parse(d.data_json);
        return JsonSerializer.SerializeToUtf8Bytes(
            new EventEnvelope(Guid.Parse(d.event_id), d.type, Time.Load(d.event_created_at), data.RootElement), ApiDescription.ApiJson.Options);
    }
}
