using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Takedown.Core.Delivery;

namespace Takedown.Web.Delivery;

/// <summary>A connection refused by the outbound-safety rule (the address resolved at connection time is not public).</summary>
internal sealed class OutboundRefusedException(string message) : IOException(message);

/// <summary>
/// The HTTP client that posts webhooks. It re-checks the address it actually connects to (so a name that
/// resolved to a public address at registration cannot later point inside the network), never follows
/// redirects, sends no cookies or credentials, times out, and reads at most a bounded part of the answer.
/// </summary>
internal sealed class WebhookHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhooksOptions _options;

    public WebhookHttp(WebhooksOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, options.TimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = 16,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (!_options.IsAllowedHost(host) && (addresses.Length == 0 || addresses.Any(OutboundAddress.IsForbidden)))
            throw new OutboundRefusedException("refused: the host resolves to a non-public address");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Posts one signed event. Any HTTP answer is an outcome with its status code; no answer is an outcome with an error.</summary>
    public async Task<AttemptOutcome> PostAsync(string url, string eventId, string secret, byte[] body, long timestamp, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && _options.IsAllowedHost(uri.IdnHost.Trim('[', ']')))))
                return new AttemptOutcome(null, 0, "refused: the URL is not https and its host is not on the allow-list");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation("User-Agent", "Takedown-Webhooks/1");
            request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, eventId);
            request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await DrainAsync(response, timeout.Token);
            return new AttemptOutcome((int)response.StatusCode, clock.Elapsed.TotalMilliseconds, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptOutcome(null, clock.Elapsed.TotalMilliseconds, $"timeout after {_options.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            var refused = ex.InnerException as OutboundRefusedException;
            return new AttemptOutcome(null, clock.Elapsed.TotalMilliseconds, refused?.Message ?? Describe(ex));
        }
    }

    /// <summary>Reads at most MaxResponseBytes of the answer (receivers are not expected to say much), then stops.</summary>
    private async Task DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[8192];
        var total = 0;
        int read;
        while (total < _options.MaxResponseBytes && (read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, _options.MaxResponseBytes - total)), ct)) > 0)
            total += read;
    }

    private static string Describe(HttpRequestException ex)
    {
        var text = new StringBuilder(ex.HttpRequestError.ToString());
        if (ex.InnerException is SocketException s) text.Append(": ").Append(s.SocketErrorCode);
        return text.ToString();
    }

    public void Dispose() => _http.Dispose();
}
