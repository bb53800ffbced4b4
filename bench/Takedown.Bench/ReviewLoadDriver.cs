using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Takedown.Bench;

/// <summary>
/// `review --entries N --rate R --seconds S [--matching P]`: review-check latency on a real `takedown serve`
/// (SQLite, synchronous=FULL). A platform's bank is filled with N random PDQ entries written straight into
/// the store (the API would take minutes), the service is restarted so its index loads them, a hold rule
/// is set, and then checks with one PDQ signal each are posted open-loop at R per second, each with its
/// own content id: P percent are near copies of a bank entry (2 to 12 bits away: a case is opened and
/// written with its audit and outbox events), the rest match nothing (answered allow, nothing written).
/// </summary>
internal static class ReviewLoadDriver
{
    private static readonly string[] Labels = ["imminent_credible_threat", "graphic_violence", "radicalisation_recruitment_instruction", "glorification"];

    public static async Task<int> RunAsync(string[] args)
    {
        var entries = OrdersLoadDriver.IntArg(args, "--entries", 100_000);
        var rate = OrdersLoadDriver.IntArg(args, "--rate", 100);
        var seconds = OrdersLoadDriver.IntArg(args, "--seconds", 15);
        var warmup = OrdersLoadDriver.IntArg(args, "--warmup", 3);
        var matchingPercent = OrdersLoadDriver.IntArg(args, "--matching", 10);
        var dll = OrdersLoadDriver.StrArg(args, "--takedown", Path.Combine(OrdersLoadDriver.RepoRoot(), "src/Takedown.Cli/bin/Release/net10.0/linux-x64/takedown.dll"));
        var data = Path.Combine(Path.GetTempPath(), "takedown-bench-review-" + Guid.NewGuid().ToString("N"));
        var key = (await OrdersLoadDriver.RunAsync(dll, ["admin", "bootstrap", "--data", data])).Trim();
        Process? server = null;
        HttpClient? http = null;
        try
        {
            (server, http) = await StartAsync(dll, data);
            var (platformKey, platformId) = await OrdersLoadDriver.CreateOrgAsync(http, key, "platform");
            var bank = await OrdersLoadDriver.SendAsync(http, platformKey, HttpMethod.Post, "/api/v1/banks", "{\"name\":\"BENCH\",\"visibility\":\"private\"}");
            if (bank.Status != 201) throw new InvalidOperationException("bank: " + bank.Body);
            var bankId = JsonDocument.Parse(bank.Body).RootElement.GetProperty("id").GetString()!;
            server.Kill(true);
            await server.WaitForExitAsync();
            http.Dispose();

            var watch = Stopwatch.StartNew();
            var hashes = Fill(Path.Combine(data, "takedown.db"), bankId, platformId, entries);
            Console.WriteLine($"bank filled: {entries:N0} PDQ entries in {watch.Elapsed.TotalSeconds:F1} s");
            watch.Restart();
            (server, http) = await StartAsync(dll, data);
            Console.WriteLine($"service restarted with its index loaded in {watch.Elapsed.TotalSeconds:F1} s");
            var rule = await OrdersLoadDriver.SendAsync(http, platformKey, HttpMethod.Post, "/api/v1/review/rules",
                "{\"signal_type\":\"pdq\",\"max_distance\":10,\"bank\":\"BENCH\",\"action\":\"hold\"}");
            if (rule.Status != 201) throw new InvalidOperationException("rule: " + rule.Body);

            Console.WriteLine($"review checks: {rate}/s for {seconds}s, {matchingPercent}% near copies of a bank entry, after a {warmup}s warm-up " +
                "(SQLite, synchronous=FULL)");
            var matched = new List<double>();
            var allowed = new List<double>();
            var measuring = false;
            var offset = 0;
            var client = http;
            async Task<bool> CheckOne(int i)
            {
                i += offset;
                var rng = new Random(i);
                var near = rng.Next(100) < matchingPercent;
                var hex = near ? Flip(hashes[rng.Next(hashes.Length)], 2 + rng.Next(11), rng) : RandomHash(rng);
                var body = $"{{\"content_id\":\"upload-{i}\",\"signals\":[{{\"signal_type\":\"pdq\",\"signal\":\"{hex}\"}}]}}";
                var sent = Stopwatch.GetTimestamp();
                var response = await OrdersLoadDriver.SendAsync(client, platformKey, HttpMethod.Post, "/api/v1/review/checks", body);
                var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                var ok = near ? response.Status == 201 : response.Status == 200 && response.Body.Contains("\"allow\"", StringComparison.Ordinal);
                if (measuring && ok) lock (matched) (near ? matched : allowed).Add(ms);
                return ok;
            }
            await OrdersLoadDriver.OpenLoopAsync(rate, warmup, CheckOne);
            offset = rate * warmup;
            measuring = true;
            var all = await OrdersLoadDriver.OpenLoopAsync(rate, seconds, CheckOne);
            OrdersLoadDriver.Report("review check (all, from schedule)", all);
            Summary("  matched, case opened (201, from send)", matched);
            Summary("  no match, allow (200, from send)", allowed);
            return all.Ok == all.Sent ? 0 : 1;
        }
        finally
        {
            server?.Kill(true);
            http?.Dispose();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }

    private static async Task<(Process, HttpClient)> StartAsync(string dll, string data)
    {
        var url = $"http://127.0.0.1:{OrdersLoadDriver.FreePort()}";
        var server = Process.Start(OrdersLoadDriver.Psi(dll, ["serve", "--data", data, "--urls", url]))!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        await OrdersLoadDriver.WaitHealthyAsync(http);
        return (server, http);
    }

    /// <summary>Writes the entries in one transaction, as the service would have stored them; returns their hashes.</summary>
    private static string[] Fill(string file, string bankId, string orgId, int count)
    {
        var hashes = new string[count];
        var rng = new Random(20261129);
        using var c = new SqliteConnection($"Data Source={file}");
        c.Open();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO bank_entries (id, bank_id, signal_type, signal, quality, entity, behaviour, source, added_by_org_id, added_by_key_id, added_at,
                order_item_id, enabled, owner_false_positive)
            VALUES ($id, $bank, 'pdq', $signal, 90, 'Synthetic Entity', $label, 'bench', $org, NULL, $at, NULL, 1, 0)
            """;
        var id = cmd.Parameters.Add("$id", SqliteType.Text);
        var signal = cmd.Parameters.Add("$signal", SqliteType.Text);
        var label = cmd.Parameters.Add("$label", SqliteType.Text);
        cmd.Parameters.AddWithValue("$bank", bankId);
        cmd.Parameters.AddWithValue("$org", orgId);
        cmd.Parameters.AddWithValue("$at", Takedown.Core.Common.Time.Store(DateTimeOffset.UtcNow));
        for (var i = 0; i < count; i++)
        {
            hashes[i] = RandomHash(rng);
            id.Value = Guid.CreateVersion7().ToString();
            signal.Value = hashes[i];
            label.Value = i % 5 == 4 ? DBNull.Value : Labels[i % 5];
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return hashes;
    }

    private static string RandomHash(Random rng)
    {
        var bytes = new byte[32];
        rng.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The hash with <paramref name="bits"/> distinct bits flipped.</summary>
    private static string Flip(string hex, int bits, Random rng)
    {
        var bytes = Convert.FromHexString(hex);
        foreach (var bit in Enumerable.Range(0, 256).OrderBy(_ => rng.Next()).Take(bits)) bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        return Convert.ToHexStringLower(bytes);
    }

    private static void Summary(string what, List<double> ms)
    {
        if (ms.Count == 0) return;
        ms.Sort();
        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        Console.WriteLine($"{what}: {ms.Count} checks, p50 {P(0.50):F1} ms, p99 {P(0.99):F1} ms, max {ms[^1]:F1} ms");
    }
}
