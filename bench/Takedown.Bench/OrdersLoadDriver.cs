using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Takedown.Bench;

/// <summary>
/// Open-loop load on real `takedown serve` processes (SQLite, or one or more nodes over one PostgreSQL
/// with --database and --nodes, sent to round-robin; durable commits either way): issues orders at a fixed
/// rate, then records actions at the same rate, and reports achieved rate and p50/p99 latency. Also
/// checks that every order's due_at is exactly received_at + 1 h and that receipt is recorded while the
/// request is being served (the clock never depends on load).
/// </summary>
internal static class OrdersLoadDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = IntArg(args, "--rate", 200);
        var seconds = IntArg(args, "--seconds", 15);
        var warmup = IntArg(args, "--warmup", 3);
        var nodes = Math.Max(1, IntArg(args, "--nodes", 1));
        // "--database CONN": PostgreSQL (a fresh schema in that database, dropped afterwards); default SQLite in a temp folder.
        var database = StrArg(args, "--database", "");
        // "--max 100,200,400": after the fixed-rate run, step up through these rates (5 s each) and report the highest sustained.
        var steps = StrArg(args, "--max", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var dll = StrArg(args, "--takedown", Path.Combine(RepoRoot(), "src/Takedown.Cli/bin/Release/net10.0/linux-x64/takedown.dll"));
        var data = Path.Combine(Path.GetTempPath(), "takedown-bench-" + Guid.NewGuid().ToString("N"));
        if (database.Length == 0 && nodes > 1) throw new ArgumentException("--nodes > 1 needs --database (several nodes share one PostgreSQL)");
        string? schema = null;
        string[] store = [];
        if (database.Length > 0)
        {
            schema = "bench_" + Guid.NewGuid().ToString("N");
            await using (var c = new Npgsql.NpgsqlConnection(database))
            {
                await c.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", c);
                await cmd.ExecuteNonQueryAsync();
            }
            store = ["--database", new Npgsql.NpgsqlConnectionStringBuilder(database) { SearchPath = schema }.ConnectionString];
        }

        var key = (await RunAsync(dll, ["admin", "bootstrap", "--data", data, .. store])).Trim();
        var servers = new List<Process>();
        var clients = new List<HttpClient>();
        try
        {
            for (var n = 0; n < nodes; n++)
            {
                var url = $"http://127.0.0.1:{FreePort()}";
                var psi = Psi(dll, ["serve", "--data", n == 0 ? data : data + "-node" + n, "--urls", url, .. store]);
                psi.Environment["TAKEDOWN_Webhooks__SecretKeyFile"] = Path.Combine(data, "webhook-secrets.key");
                var server = Process.Start(psi)!;
                server.BeginOutputReadLine();
                server.BeginErrorReadLine();
                servers.Add(server);
                clients.Add(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) });
            }
            foreach (var client in clients) await WaitHealthyAsync(client);
            var http = clients[0];
            HttpClient Next(int i) => clients[i % clients.Count];
            var (authorityKey, _) = await CreateOrgAsync(http, key, "authority");
            var (platformKey, platformId) = await CreateOrgAsync(http, key, "platform");

            var what = schema is null ? "SQLite, synchronous=FULL" : $"PostgreSQL, {nodes} node(s), round-robin";
            Console.WriteLine($"orders load: {rate}/s for {seconds}s against {string.Join(", ", clients.Select(c => c.BaseAddress))} ({what}), after a {warmup}s warm-up");
            var orders = new List<(string Id, string ItemId)>();
            var measuring = false;
            var offset = 0;
            async Task<bool> CreateOne(int i)
            {
                i += offset;
                var body = JsonSerializer.Serialize(new
                {
                    kind = "removal_order", platform_id = platformId, reference = $"BENCH-{i}",
                    items = new[] { new { url = $"https://forum.example/bench/{i}" } },
                    reasons = "Synthetic load.", terrorist_content_types = new[] { "incitement" }, legal_basis = "TCO Art. 3",
                });
                var sent = DateTimeOffset.UtcNow;
                var response = await SendAsync(Next(i), authorityKey, HttpMethod.Post, "/api/v1/orders", body);
                var done = DateTimeOffset.UtcNow;
                if (response.Status != 201) return false;
                var node = JsonNode.Parse(response.Body)!;
                var received = node["received_at"]!.GetValue<DateTimeOffset>();
                var due = node["due_at"]!.GetValue<DateTimeOffset>();
                if (due - received != TimeSpan.FromHours(1)) throw new InvalidOperationException("due_at is not received_at + 1 h");
                if (received < sent.AddMilliseconds(-5) || received > done.AddMilliseconds(5)) throw new InvalidOperationException("receipt recorded outside the request");
                if (measuring) lock (orders) orders.Add((node["id"]!.GetValue<string>(), node["items"]![0]!["id"]!.GetValue<string>()));
                return true;
            }
            await OpenLoopAsync(rate, warmup, CreateOne);
            offset = rate * warmup;
            measuring = true;
            var create = await OpenLoopAsync(rate, seconds, CreateOne);
            Report("create order", create);

            var queue = orders.ToArray();
            var act = await OpenLoopAsync(rate, Math.Min(seconds, Math.Max(1, queue.Length / rate)), async i =>
            {
                var (id, item) = queue[i % queue.Length];
                var response = await SendAsync(Next(i), platformKey, HttpMethod.Post, $"/api/v1/orders/{id}/items/{item}/action", "{\"action\":\"removed\"}");
                return response.Status == 200;
            });
            Report("record action", act);
            Console.WriteLine("clock check: every due_at = received_at + 1 h, receipt inside the request window: ok");

            // Sustained: every request answered 201, and p99 under 500 ms (the queue does not grow).
            var best = 0;
            foreach (var step in steps)
            {
                offset += 1_000_000;
                var o = await OpenLoopAsync(step, 5, CreateOne);
                var sustained = o.Ok == o.Sent && Percentile(o, 0.99) < 500;
                Report($"step {step}/s{(sustained ? "" : " (not sustained)")}", o);
                if (!sustained) break;
                best = step;
            }
            if (steps.Count > 0) Console.WriteLine($"max sustainable rate: {best}/s (highest step with every request 201 and p99 < 500 ms)");
            return 0;
        }
        finally
        {
            foreach (var server in servers) server.Kill(true);
            foreach (var client in clients) client.Dispose();
            foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), Path.GetFileName(data) + "*"))
                try { Directory.Delete(dir, true); } catch (IOException) { }
            if (schema is not null)
            {
                await using var c = new Npgsql.NpgsqlConnection(database);
                await c.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", c);
                await cmd.ExecuteNonQueryAsync();
            }
        }
    }

    internal sealed record Outcome(int Sent, int Ok, double Seconds, List<double> LatenciesMs);

    /// <summary>Starts request i at t0 + i/rate whatever the server does (no coordinated omission), then waits for all.</summary>
    internal static async Task<Outcome> OpenLoopAsync(int rate, int seconds, Func<int, Task<bool>> send)
    {
        var total = rate * seconds;
        var latencies = new List<double>(total);
        var tasks = new List<Task>(total);
        var ok = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var index = i;
            var scheduled = due;
            tasks.Add(Task.Run(async () =>
            {
                var success = await send(index);
                var latency = (clock.Elapsed - scheduled).TotalMilliseconds;
                lock (latencies) latencies.Add(latency);
                if (success) Interlocked.Increment(ref ok);
            }));
        }
        await Task.WhenAll(tasks);
        return new Outcome(total, ok, clock.Elapsed.TotalSeconds, latencies);
    }

    internal static double Percentile(Outcome o, double q)
    {
        o.LatenciesMs.Sort();
        return o.LatenciesMs[Math.Min(o.LatenciesMs.Count - 1, (int)Math.Ceiling(q * o.LatenciesMs.Count) - 1)];
    }

    internal static void Report(string what, Outcome o)
    {
        double P(double q) => Percentile(o, q);
        Console.WriteLine($"{what}: {o.Ok}/{o.Sent} ok, {o.Sent / o.Seconds:F0} req/s achieved, p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms, max {o.LatenciesMs[^1]:F1} ms");
    }

    internal static async Task<(int Status, string Body)> SendAsync(HttpClient http, string key, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<(string Key, string Id)> CreateOrgAsync(HttpClient http, string op, string kind)
    {
        var r = await SendAsync(http, op, HttpMethod.Post, "/api/v1/organizations", JsonSerializer.Serialize(new { kind, name = kind }));
        var node = JsonNode.Parse(r.Body)!;
        return (node["api_key"]!.GetValue<string>(), node["id"]!.GetValue<string>());
    }

    internal static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try { if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return; } catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("service did not start");
    }

    internal static async Task<string> RunAsync(string dll, string[] args)
    {
        using var p = Process.Start(Psi(dll, args))!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException(await p.StandardError.ReadToEndAsync());
        return output;
    }

    internal static ProcessStartInfo Psi(string dll, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        RaiseKeyLimits(psi);
        return psi;
    }

    /// <summary>
    /// The drivers send hundreds of requests a second with one key, far past the service's default per-key limits
    /// (600 reads and 120 writes a minute): they raise them to --per-key-per-minute N (default 10,000,000).
    /// </summary>
    internal static string PerKeyPerMinute { get; set; } = "10000000";

    internal static void RaiseKeyLimits(ProcessStartInfo psi)
    {
        psi.Environment["TAKEDOWN_RateLimits__PerKeyPerMinute__Reads"] = PerKeyPerMinute;
        psi.Environment["TAKEDOWN_RateLimits__PerKeyPerMinute__Writes"] = PerKeyPerMinute;
    }

    internal static int FreePort()
    {
        var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Takedown.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    internal static string StrArg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
