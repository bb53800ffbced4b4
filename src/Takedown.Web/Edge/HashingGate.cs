using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Takedown.Web.Common;

namespace Takedown.Web.Edge;

/// <summary>
/// The node's hashing slots: at most <see cref="HashingConcurrencyOptions.MaxConcurrent"/> uploads are read and
/// hashed (images decoded, ffmpeg run) at once; a few more wait briefly, in order; the rest are answered 503.
/// A slot is taken before the upload is read, so it also bounds the memory uploads take.
/// </summary>
internal sealed class HashingGate : IDisposable
{
    private readonly HashingConcurrencyOptions _options;
    private readonly TimeProvider _clock;
    private readonly ConcurrencyLimiter _slots;

    public HashingGate(IOptions<HashingConcurrencyOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _slots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.MaxConcurrent, QueueLimit = _options.QueueLimit, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int RetryAfterSeconds => _options.QueueTimeoutSeconds;

    /// <summary>A slot, held until disposed; or null when none came free within the queue's limits.</summary>
    public async ValueTask<RateLimitLease?> EnterAsync(CancellationToken requestAborted)
    {
        var lease = _slots.AttemptAcquire();
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.QueueTimeoutSeconds), _clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, requestAborted);
        try
        {
            lease = await _slots.AcquireAsync(1, either.Token);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return null;
        }
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    public void Dispose() => _slots.Dispose();
}

internal static class HashingSlots
{
    /// <summary>A multipart upload to this route waits for a hashing slot before its body is read; JSON bodies (signals) do not.</summary>
    public static RouteHandlerBuilder RequireHashingSlot(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!MultipartBody.IsMultipart(http.Request)) return await next(context);
            var gate = http.RequestServices.GetRequiredService<HashingGate>();
            using var slot = await gate.EnterAsync(http.RequestAborted);
            if (slot is null)
            {
                EdgeLog.HashingBusy(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Edge"));
                http.Response.Headers.RetryAfter = gate.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    $"Every hashing slot of this node is busy and the queue is full or did not move within {gate.RetryAfterSeconds} s. Retry after {gate.RetryAfterSeconds} s.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Hashing busy",
                    extensions: new Dictionary<string, object?> { ["retry_after_seconds"] = gate.RetryAfterSeconds });
            }
            return await next(context);
        }).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
