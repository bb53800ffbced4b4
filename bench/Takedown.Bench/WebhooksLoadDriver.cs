using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Takedown.Bench;

/// <summary>
/// Delivery latency on a real `takedown serve` process: issues orders at a fixed rate and measures, per
/// order, the time from its POST /api/v1/orders returning (201) to (a) its order.created webhook arriving
/// at a Kestrel receiver on loopback and (b) a long-polling reader of /api/v1/events?wait=30 getting it.
/// </summary>
internal static class WebhooksLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = OrdersLoadDriver.IntArg(args, "--rate", 50);
        var count = OrdersLoadDriver.IntArg(args, "--orders", 1000);
        var dll = OrdersLoadDriver.StrArg(args, "--takedown", Path.Combine(OrdersLoadDriver.RepoRoot(), "src/Takedown.Cli/bin/Release/net10.0/linux-x64/takedown.dll"));
        var data = Path.Combine(Path.GetTempPath(), "takedown-bench-" + Guid.NewGuid().ToString("N"));
        var url = $"http://127.0.0.1:{FreePort()}";

        var returned = new ConcurrentDictionary<string, long>();
        var hooked = new ConcurrentDictionary<string, long>();
        var polled = new ConcurrentDictionary<string, long>();

        var receiverBuilder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        receiverBuilder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/hook", async (HttpContext ctx) =>
        {
            var at = Stopwatch.GetTimestamp();
            var body = await JsonNode.ParseAsync(ctx.Request.Body);
            hooked.TryAdd(body!["data"]!["id"]!.GetValue<string>(), at);
            return Results.Ok();
        });
        await receiver.StartAsync();
        var hookUrl = receiver.Urls.First() + "/hook";

        var key = (await RunAsync(dll, ["admin", "bootstrap", "--data", data], [])).Trim();
        using var server = Process.Start(Psi(dll, ["serve", "--data", data, "--urls", url], new() { ["TAKEDOWN_Webhooks__AllowedHosts__0"] = "127.0.0.1" }))!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        using var stop = new CancellationTokenSource();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            await WaitHealthyAsync(http);
            var authorityKey = (await SendAsync(http, key, HttpMethod.Post, "/api/v1/organizations", JsonSerializer.Serialize(new { kind = "authority", name = "A" })))["api_key"]!.GetValue<string>();
            var platform = await SendAsync(http, key, HttpMethod.Post, "/api/v1/organizations", JsonSerializer.Serialize(new { kind = "platform", name = "P" }));
            var platformKey = platform["api_key"]!.GetValue<string>();
            var platformId = platform["id"]!.GetValue<string>();
            await SendAsync(http, platformKey, HttpMethod.Post, "/api/v1/webhooks", JsonSerializer.Serialize(new { url = hookUrl, events = new[] { "order.created" } }));

            var poller = Task.Run(async () =>
            {
                using var feed = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(90) };
                var cursor = "0";
                while (!stop.IsCancellationRequested)
                {
                    JsonNode page;
                    try { page = await SendAsync(feed, platformKey, HttpMethod.Get, $"/api/v1/events?after={cursor}&wait=30&limit=200", null, stop.Token); }
                    catch (OperationCanceledException) { break; }
                    var at = Stopwatch.GetTimestamp();
                    foreach (var e in page["data"]!.AsArray()) polled.TryAdd(e!["data"]!["id"]!.GetValue<string>(), at);
                    cursor = page["next_cursor"]!.GetValue<string>();
                }
            });

            Console.WriteLine($"webhooks latency: {count} orders at {rate}/s against {url} (SQLite, synchronous=FULL); webhook receiver and long-poll reader on loopback");
            var clock = Stopwatch.StartNew();
            var tasks = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                var n = i;
                tasks.Add(Task.Run(async () =>
                {
                    var body = JsonSerializer.Serialize(new
                    {
                        kind = "removal_order", platform_id = platformId, reference = $"HOOK-{n}",
                        items = new[] { new { url = $"https://forum.example/hook/{n}" } },
                        reasons = "Synthetic load.", terrorist_content_types = new[] { "incitement" }, legal_basis = "TCO Art. 3",
                    });
                    var node = await SendAsync(http, authorityKey, HttpMethod.Post, "/api/v1/orders", body);
                    returned[node["id"]!.GetValue<string>()] = Stopwatch.GetTimestamp();
                }));
            }
            await Task.WhenAll(tasks);
            var deadline = Stopwatch.StartNew();
            while ((hooked.Count < count || polled.Count < count) && deadline.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
            stop.Cancel();

            Report("POST returned -> webhook arrived", returned, hooked);
            Report("POST returned -> long-poll returned", returned, polled);
            return hooked.Count == count && polled.Count == count ? 0 : 1;
        }
        finally
        {
            stop.Cancel();
            server.Kill(true);
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    private static void Report(string what, ConcurrentDictionary<string, long> from, ConcurrentDictionary<string, long> to)
    {
        // A delivery can beat the 201 to the client (the sender is woken by the commit, in parallel with the answer): counted as 0.
        var ms = from.Where(f => to.ContainsKey(f.Key))
            .Select(f => Math.Max(0, Stopwatch.GetElapsedTime(f.Value, to[f.Key]).TotalMilliseconds)).OrderBy(x => x).ToList();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        var early = from.Count(f => to.TryGetValue(f.Key, out var t) && t < f.Value);
        Console.WriteLine(ms.Count == 0 ? $"{what}: nothing arrived" :
            $"{what}: {ms.Count}/{from.Count} arrived, p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms, max {ms[^1]:F1} ms ({early} arrived before the 201 was read)");
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, string key, HttpMethod method, string path, string? json, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode} {method} {path}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("service did not start");
    }

    private static async Task<string> RunAsync(string dll, string[] args, Dictionary<string, string> env)
    {
        using var p = Process.Start(Psi(dll, args, env))!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException(await p.StandardError.ReadToEndAsync());
        return output;
    }

    private static ProcessStartInfo Psi(string dll, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        OrdersLoadDriver.RaiseKeyLimits(psi);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
