using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>A real HTTP receiver on 127.0.0.1 (Kestrel), recording every webhook request it gets.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Request(int Number, string? EventId, string? Timestamp, string? Signature, byte[] Body, int AnsweredWith, long ArrivedAt)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    private readonly ConcurrentQueue<Request> _requests = new();
    private WebApplication? _app;
    private int _count;

    private WebhookReceiver(int port) => Port = port;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The status to answer the n-th request with (1-based); 200 by default.</summary>
    public Func<int, int> Respond { get; set; } = _ => 200;

    public IReadOnlyList<Request> Requests => _requests.ToArray();

    public IReadOnlyList<Request> Accepted => _requests.Where(r => r.AnsweredWith is >= 200 and < 300).ToArray();

    /// <summary>Fires on every request, with the Stopwatch timestamp of its arrival.</summary>
    public event Action<Request>? Arrived;

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var receiver = new WebhookReceiver(port);
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", async (HttpContext ctx) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            var n = Interlocked.Increment(ref _count);
            var status = Respond(n);
            var request = new Request(n, ctx.Request.Headers["Takedown-Event-Id"], ctx.Request.Headers["Takedown-Timestamp"],
                ctx.Request.Headers["Takedown-Signature"], buffer.ToArray(), status, arrived);
            _requests.Enqueue(request);
            Arrived?.Invoke(request);
            ctx.Response.StatusCode = status;
        });
        await app.StartAsync();
        Port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
