using System.Net.Http.Headers;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Takedown.Web.Tests.MultiNode;

/// <summary>Two real server processes on different ports over one PostgreSQL database.</summary>
public sealed class MultiNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataA = Path.Combine(Path.GetTempPath(), "takedown-node", Guid.NewGuid().ToString("N"));
    private readonly string _dataB = Path.Combine(Path.GetTempPath(), "takedown-node", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private ServiceProcess _a = null!;
    private ServiceProcess _b = null!;
    private string _operatorKey = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreatePostgresAsync();
        var boot = await ServiceProcess.RunCliAsync(null, ["admin", "bootstrap", "--data", _dataA, .. _database.Args]);
        Assert.True(boot.Code == 0, boot.Err);
        _operatorKey = boot.Out.Trim();
        _a = new ServiceProcess(_dataA, _database.Args);
        _b = new ServiceProcess(_dataB, _database.Args);
        var masterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        foreach (var node in new[] { _a, _b })
        {
            // Nodes share the master key that seals webhook secrets and signing keys (as a deployment must), and the database.
            node.Environment["TAKEDOWN_MASTER_KEY"] = masterKey;
            node.Environment["TAKEDOWN_Webhooks__AllowedHosts__0"] = "127.0.0.1";
            node.Environment["TAKEDOWN_Webhooks__TimeoutSeconds"] = "2";
            node.Environment["TAKEDOWN_Webhooks__LeaseSeconds"] = "5";
            node.Environment["TAKEDOWN_Webhooks__PollSeconds"] = "1";
            node.Environment["TAKEDOWN_Webhooks__RetryBaseSeconds"] = "1";
            // Catch-up rarely: what follows another node within seconds here is woken by NOTIFY.
            node.Environment["TAKEDOWN_Cluster__CatchUpSeconds"] = "60";
        }
        await Task.WhenAll(_a.StartAsync(), _b.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
        foreach (var dir in new[] { _dataA, _dataB })
            try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    private static HttpClient Client(ServiceProcess node, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private async Task<(string Key, string Id)> CreateOrgAsync(ServiceProcess node, string kind)
    {
        using var op = Client(node, _operatorKey);
        var body = JsonNode.Parse(await (await op.PostAsJsonAsync("/api/v1/organizations", new { kind, name = kind, country = "FR" })).Content.ReadAsStringAsync())!;
        return (body["api_key"]!.GetValue<string>(), body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task OrderCreatedOnNodeA_IsActionedOnNodeB()
    {
        var (authorityKey, _) = await CreateOrgAsync(_a, "authority");
        var (platformKey, platformId) = await CreateOrgAsync(_b, "platform");
        using var onA = Client(_a, authorityKey);
        using var onB = Client(_b, platformKey);
        var created = await onA.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(platformId), ["https://forum.example/nodes/1"]));
        var order = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var acted = await onB.PostAsJsonAsync($"/api/v1/orders/{order["id"]}/items/{order["items"]![0]!["id"]}/action", new { action = "removed" });
        Assert.Equal(HttpStatusCode.OK, acted.StatusCode);
        var seenOnA = JsonNode.Parse(await onA.GetStringAsync($"/api/v1/orders/{order["id"]}"))!;
        Assert.Equal("removed", seenOnA["items"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task OverdueSweep_OnTwoNodes_MarksEachItemOnce()
    {
        var (authorityKey, _) = await CreateOrgAsync(_a, "authority");
        var (_, platformId) = await CreateOrgAsync(_a, "platform");
        using var onA = Client(_a, authorityKey);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var r = await onA.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(platformId), [$"https://forum.example/sweep/{i}"]));
            ids.Add(JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        }
        // Both nodes sweep every second on the real clock; make the items due now, behind their backs.
        await using (var c = new Npgsql.NpgsqlConnection(_database.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("UPDATE order_items SET due_at = '2000-01-01T00:00:00.0000000Z'", c);
            await cmd.ExecuteNonQueryAsync();
        }
        using var op = Client(_b, _operatorKey);
        await Eventually.TrueAsync(async () =>
        {
            var audit = JsonNode.Parse(await op.GetStringAsync("/api/v1/audit?limit=200"))!;
            return audit["data"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "order.item_overdue") >= 10;
        }, 20_000);
        await Task.Delay(2_500);
        var final = JsonNode.Parse(await op.GetStringAsync("/api/v1/audit?limit=200"))!;
        var overdue = final["data"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "order.item_overdue").ToList();
        Assert.Equal(10, overdue.Count);
        Assert.Equal(10, overdue.Select(e => e!["item_id"]!.GetValue<string>()).Distinct().Count());
        Assert.True(JsonNode.Parse(await op.GetStringAsync("/api/v1/audit/verify"))!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BankEntryAddedOnNodeA_MatchesOnNodeB_WithinFiveSeconds()
    {
        var (ownerKey, _) = await CreateOrgAsync(_a, "platform");
        using var onA = Client(_a, ownerKey);
        using var onB = Client(_b, ownerKey);
        Assert.True((await onA.PostAsJsonAsync("/api/v1/banks", new { name = "NODES", visibility = "private" })).IsSuccessStatusCode);
        var hex = BankIntents.RandomHash(606);
        var near = BankIntents.Flip(hex, 4);
        async Task<int> MatchesOnB() =>
            JsonNode.Parse(await (await onB.PostAsJsonAsync("/api/v1/match", new { signal_type = "pdq", signal = near })).Content.ReadAsStringAsync())!["matches"]!.AsArray().Count;
        Assert.Equal(0, await MatchesOnB());

        var added = await onA.PostAsJsonAsync("/api/v1/banks/NODES/entries", new { signal_type = "pdq", signal = hex, quality = 90, source = "nodes" });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(async () => await MatchesOnB() == 1, 5_000);
        output.WriteLine($"entry added on A matched on B after {watch.ElapsedMilliseconds} ms");

        // Disabling it on B stops it matching on A too.
        var entryId = JsonNode.Parse(await added.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.True((await onB.PostAsJsonAsync($"/api/v1/banks/NODES/entries/{entryId}/disable", new { })).IsSuccessStatusCode);
        await Eventually.TrueAsync(async () =>
            JsonNode.Parse(await (await onA.PostAsJsonAsync("/api/v1/match", new { signal_type = "pdq", signal = near })).Content.ReadAsStringAsync())!["matches"]!.AsArray().Count == 0, 5_000);
    }

    [Fact]
    public async Task LongPollOnNodeB_WakesWhenNodeACommitsAnEvent()
    {
        var (authorityKey, _) = await CreateOrgAsync(_a, "authority");
        var (platformKey, platformId) = await CreateOrgAsync(_a, "platform");
        using var onA = Client(_a, authorityKey);
        using var onB = Client(_b, platformKey);
        var cursor = JsonNode.Parse(await onB.GetStringAsync("/api/v1/events"))!["next_cursor"]!.GetValue<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var poll = onB.GetStringAsync($"/api/v1/events?after={cursor}&wait=30");
        await Task.Delay(500);
        Assert.False(poll.IsCompleted);
        var created = await onA.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(platformId), ["https://forum.example/poll/1"]));
        var orderId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var committed = watch.ElapsedMilliseconds;
        var page = JsonNode.Parse(await poll)!;
        var woke = watch.ElapsedMilliseconds - committed;
        output.WriteLine($"long poll on B answered {woke} ms after the order committed on A");
        Assert.Contains(page["data"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "order.created" && e["data"]!["id"]!.GetValue<string>() == orderId);
        Assert.True(woke < 5_000, $"woke after {woke} ms");
    }

    [Fact]
    public async Task SignInOnOneNode_TheSessionAndAntiforgeryTokenWorkOnTheOther()
    {
        var add = await ServiceProcess.RunCliAsync(null, ["admin", "add-user", "--data", _dataA, .. _database.Args,
            "--email", "ops@example.org", "--password", "a long enough password", "--role", "admin", "--organization", "Operator"]);
        Assert.True(add.Code == 0, add.Err);
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler);

        // The form and its antiforgery cookie come from A; the post goes to B.
        var form = await http.GetStringAsync(_a.Url + "/signin");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        foreach (Cookie c in cookies.GetAllCookies()) cookies.Add(new Uri(_b.Url), new Cookie(c.Name, c.Value, "/"));
        var signedIn = await http.PostAsync(_b.Url + "/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "ops@example.org", ["Password"] = "a long enough password", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        // An admin must set up a second factor: the pending state B issued is honoured by A, where the app is set up,
        // and the code is confirmed on B again.
        Assert.Equal("/account/security", signedIn.Headers.Location!.OriginalString);
        void Share(string from, string to)
        {
            foreach (Cookie c in cookies.GetCookies(new Uri(from))) cookies.Add(new Uri(to), new Cookie(c.Name, c.Value, "/"));
        }
        Share(_b.Url, _a.Url);
        string TokenOf(string html) => WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);
        var enrol = await http.GetStringAsync(_a.Url + "/account/security");
        var begun = await http.PostAsync(_a.Url + "/account/security?handler=BeginTotp",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TokenOf(enrol) }));
        Assert.Equal(HttpStatusCode.Redirect, begun.StatusCode);
        enrol = await http.GetStringAsync(_a.Url + "/account/security");
        var secret = System.Text.RegularExpressions.Regex.Match(enrol, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        Share(_a.Url, _b.Url);
        var confirmed = await http.PostAsync(_b.Url + "/account/security?handler=ConfirmTotp", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Code"] = await Takedown.Tests.TestTotp.NextCodeAsync(secret), ["__RequestVerificationToken"] = TokenOf(enrol),
        }));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var home = System.Text.RegularExpressions.Regex.Match(await confirmed.Content.ReadAsStringAsync(), "class=\"button primary\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal("/admin", home);

        // The session cookie B issued is honoured by A.
        foreach (Cookie c in cookies.GetCookies(new Uri(_b.Url))) cookies.Add(new Uri(_a.Url), new Cookie(c.Name, c.Value, "/"));
        var onA = await http.GetAsync(_a.Url + home);
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        var onB = await http.GetAsync(_b.Url + home);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        // Without the cookie, the same page sends a stranger to sign in.
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync(_a.Url + home)).StatusCode);
    }

    [Fact]
    public async Task OutboxOnTwoNodes_DeliversEveryEventOnce_AndNoneIsLostWhenNodeAIsKilledMidDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var slow = 0;
        receiver.Respond = _ =>
        {
            if (Volatile.Read(ref slow) == 1) Thread.Sleep(80);
            return 200;
        };
        var (authorityKey, _) = await CreateOrgAsync(_a, "authority");
        using var onA = Client(_a, authorityKey);
        var platforms = new List<string>();
        for (var p = 0; p < 3; p++)
        {
            var (key, id) = await CreateOrgAsync(_a, "platform");
            using var platform = Client(p % 2 == 0 ? _a : _b, key);
            var hook = await platform.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "order.created" } });
            Assert.True(hook.IsSuccessStatusCode, await hook.Content.ReadAsStringAsync());
            platforms.Add(id);
        }
        var expected = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        async Task CreateOrdersAsync(int each, string tag)
        {
            // Eight at a time, so that events pile up faster than the receiver takes them.
            await Parallel.ForEachAsync(Enumerable.Range(0, each).SelectMany(i => platforms.Select(p => (i, p))), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (x, _) =>
                {
                    var r = await onA.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(x.p), [$"https://forum.example/{tag}/{x.i}"]));
                    Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
                    expected[JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>()] = true;
                });
        }
        IReadOnlyList<WebhookReceiver.Request> Accepted() => receiver.Accepted.Where(r => r.Json["type"]!.GetValue<string>() == "order.created").ToList();
        static string OrderOf(WebhookReceiver.Request r) => r.Json["data"]!["id"]!.GetValue<string>();

        // Both nodes running: every event exactly once.
        await CreateOrdersAsync(10, "calm");
        await Eventually.TrueAsync(() => Task.FromResult(Accepted().Select(OrderOf).Distinct().Count() == expected.Count), 30_000);
        await Task.Delay(1_500);
        var calm = Accepted();
        Assert.Equal(expected.Count, calm.Count);
        Assert.Equal(calm.Count, calm.Select(r => r.EventId).Distinct().Count());

        // Slow receiver, many events, then kill -9 node A while it holds a claim and is posting.
        Volatile.Write(ref slow, 1);
        var before = Accepted().Count;
        await CreateOrdersAsync(25, "storm");
        var pidA = _a.Pid!.Value;
        await using var db = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await db.OpenAsync();
        async Task<long> ClaimsHeldByA()
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM webhook_endpoints WHERE claimed_by LIKE @pattern", db);
            cmd.Parameters.AddWithValue("pattern", $"%/{pidA}/%");
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        await Eventually.TrueAsync(async () => Accepted().Count > before + 3 && await ClaimsHeldByA() > 0, 20_000);
        var heldByA = await ClaimsHeldByA();
        _a.Kill();
        var atKill = Accepted().Count;
        Assert.True(atKill < before + 75, "node A was killed after everything had been delivered");

        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(Accepted().Select(OrderOf).Distinct().Count() == expected.Count), 60_000);
        }
        catch (Exception)
        {
            await using var dump = new Npgsql.NpgsqlCommand("SELECT w.id || ' ' || w.status || ' ' || COALESCE(w.claimed_by,'-') || ' ' || COALESCE(w.claimed_until,'-') || ' ' || d.status || ' ' || COUNT(*) || ' ' || COALESCE(MIN(d.next_attempt_at), '-') FROM webhook_endpoints w JOIN webhook_deliveries d ON d.endpoint_id = w.id GROUP BY w.id, w.status, w.claimed_by, w.claimed_until, d.status", db);
            await using var rd = await dump.ExecuteReaderAsync();
            while (await rd.ReadAsync()) output.WriteLine(rd.GetString(0));
            output.WriteLine($"now {DateTimeOffset.UtcNow:O} accepted {Accepted().Count} distinct {Accepted().Select(OrderOf).Distinct().Count()} of {expected.Count}");
            throw;
        }
        await Task.Delay(1_500);
        var all = Accepted();
        var lost = expected.Keys.Except(all.Select(OrderOf)).ToList();
        var duplicates = all.GroupBy(r => r.EventId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        output.WriteLine($"{expected.Count} events, {all.Count} 2xx answers; A held {heldByA} claim(s) when killed after {atKill - before} of the storm; " +
                         $"lost {lost.Count}, delivered twice {duplicates.Count}: {string.Join(", ", duplicates)}");
        Assert.Empty(lost);
        // At-least-once: only an event A posted but had not yet recorded when it died may go again; the sender keeps at most
        // 8 attempts unrecorded per endpoint (WebhookSender.MaxUnrecorded).
        Assert.True(duplicates.Count <= 8 * heldByA, $"{duplicates.Count} duplicates");
        Assert.All(all.GroupBy(r => r.EventId), g => Assert.True(g.Count() <= 2));
    }
}
