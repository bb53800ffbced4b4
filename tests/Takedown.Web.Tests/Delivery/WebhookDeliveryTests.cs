using System.Diagnostics;
using System.Text;
using Takedown.Core.Delivery;

namespace Takedown.Web.Tests.Delivery;

/// <summary>Webhooks to a real receiver on loopback: signatures, retries, order per endpoint, failing endpoints, redelivery, delivered_at.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private WebhookReceiver _receiver = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, "--Webhooks:AllowedHosts:0=127.0.0.1");
        _receiver = await WebhookReceiver.StartAsync();
        _authority = await _app.AuthorityAsync("PHAROS");
        _platform = await _app.PlatformAsync("SmallForum");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<(string Id, string Secret)> RegisterAsync(ApiClient who, params string[] events)
    {
        var created = await ApiClient.ReadOkAsync(await who.PostAsync("/api/v1/webhooks", new { url = _receiver.Url, events }));
        return (created["id"]!.GetValue<string>(), created["secret"]!.GetValue<string>());
    }

    /// <summary>Moves the fake clock a minute at a time (retries are scheduled on it) until the condition holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, int maxMinutes = 120)
    {
        for (var i = 0; i < maxMinutes && !condition(); i++)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            var until = Environment.TickCount64 + 300;
            while (!condition() && Environment.TickCount64 < until) await Task.Delay(10);
        }
        Assert.True(condition(), "condition not met after moving the clock");
    }

    [Fact]
    public async Task OrderCreated_IsPostedSigned_AndTheDocumentedVerifierAcceptsIt()
    {
        var (_, secret) = await RegisterAsync(_platform, "order.created");
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/t/1");

        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Accepted.Count == 1));
        var request = _receiver.Accepted[0];
        var body = request.Json;
        Assert.Equal("order.created", body["type"]!.GetValue<string>());
        Assert.Equal(order["id"]!.GetValue<string>(), body["data"]!["id"]!.GetValue<string>());
        Assert.Equal(request.EventId, body["id"]!.GetValue<string>());
        Assert.Matches("^v1=[0-9a-f]{64}$", request.Signature);
        var now = _app.Clock.GetUtcNow();
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(secret, request.Timestamp, request.Signature, request.Body, now));

        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(request.Body).Replace("forum.example", "forum.exampl3"));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(secret, request.Timestamp, request.Signature, tampered, now));
        Assert.Equal(SignatureCheck.TooOld, WebhookSignature.Verify(secret, request.Timestamp, request.Signature, request.Body, now.AddMinutes(6)));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify("whsec_wrong", request.Timestamp, request.Signature, request.Body, now));
        Assert.Equal(SignatureCheck.Missing, WebhookSignature.Verify(secret, null, request.Signature, request.Body, now));

        // The authority can see when the platform was told.
        await Eventually.TrueAsync(async () => (await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}"))["delivered_at"] is not null);
        var timeline = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}/events");
        var delivered = timeline.AsArray().Single(e => e!["type"]!.GetValue<string>() == "order.delivered");
        Assert.Equal("webhook", delivered!["data"]!["via"]!.GetValue<string>());
    }

    [Fact]
    public async Task Receiver_Answering500ThreeTimesThen200_GetsTheEventOnceAs2xx_AndEveryAttemptIsRecorded()
    {
        _receiver.Respond = n => n <= 3 ? 500 : 200;
        var (hookId, _) = await RegisterAsync(_platform, "order.created");
        await _authority.IssueOrderAsync(_platform.Id);

        await AdvanceUntilAsync(() => _receiver.Accepted.Count == 1);
        Assert.Equal(4, _receiver.Requests.Count);
        Assert.Single(_receiver.Requests.Select(r => r.EventId).Distinct());

        // The attempt is recorded just after the receiver answers.
        JsonNode delivery = null!;
        await Eventually.TrueAsync(async () =>
        {
            delivery = (await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}/deliveries"))["data"]!.AsArray().Single()!;
            return delivery["status"]!.GetValue<string>() == "delivered";
        });
        _app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
        var codes = delivery["attempt_log"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()).ToArray();
        Assert.Equal([500, 500, 500, 200], codes);
        Assert.All(delivery["attempt_log"]!.AsArray(), a => Assert.True(a!["latency_ms"]!.GetValue<double>() >= 0));
        Assert.Equal(4, _receiver.Requests.Count);
        Assert.Equal("active", (await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_ReachAnEndpointInOrder_EvenWhenTheFirstNeedsRetrying()
    {
        _receiver.Respond = n => n == 1 ? 503 : 200;
        await RegisterAsync(_platform, "order.created");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await _authority.IssueOrderAsync(_platform.Id))["id"]!.GetValue<string>());

        await AdvanceUntilAsync(() => _receiver.Accepted.Count == 4);
        var seen = _receiver.Requests.Select(r => r.Json["data"]!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([ids[0], ids[0], ids[1], ids[2], ids[3]], seen);
    }

    [Fact]
    public async Task Endpoint_ThatKeepsFailing_IsMarkedFailing_AndItsOwnerIsToldInTheFeed()
    {
        _receiver.Respond = _ => 500;
        var (hookId, _) = await RegisterAsync(_platform, "order.created");
        await _authority.IssueOrderAsync(_platform.Id);

        await AdvanceUntilAsync(() => _receiver.Requests.Count >= 5);
        await Eventually.TrueAsync(async () => (await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}"))["status"]!.GetValue<string>() == "failing");
        var feed = await _platform.GetOkAsync("/api/v1/events");
        var failing = feed["data"]!.AsArray().Single(e => e!["type"]!.GetValue<string>() == "webhook.failing")!;
        Assert.Equal(hookId, failing["data"]!["webhook_id"]!.GetValue<string>());
        var audit = await _app.Operator.GetOkAsync("/api/v1/audit?limit=200");
        Assert.Contains(audit["data"]!.AsArray(), e => e!["type"]!.GetValue<string>() == "webhook.failing");

        // Still retried, never dropped: once the receiver recovers the event arrives and the endpoint is active again.
        _receiver.Respond = _ => 200;
        await AdvanceUntilAsync(() => _receiver.Accepted.Count == 1, maxMinutes: 180);
        await Eventually.TrueAsync(async () => (await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}"))["status"]!.GetValue<string>() == "active");
    }

    [Fact]
    public async Task Redelivery_SendsTheSameEventAgain_WithTheSameId()
    {
        var (hookId, _) = await RegisterAsync(_platform, "order.created");
        await _authority.IssueOrderAsync(_platform.Id);
        JsonNode delivery = null!;
        await Eventually.TrueAsync(async () =>
        {
            delivery = (await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}/deliveries"))["data"]![0]!;
            return delivery["status"]!.GetValue<string>() == "delivered";
        });

        await _platform.PostOkAsync($"/api/v1/webhooks/{hookId}/deliveries/{delivery["id"]}/redeliver");
        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Accepted.Count == 2));
        Assert.Equal(_receiver.Accepted[0].EventId, _receiver.Accepted[1].EventId);
    }

    [Fact]
    public async Task Secret_IsShownOnlyAtCreationAndRotation_AndRotationChangesTheSigningKey()
    {
        var (hookId, first) = await RegisterAsync(_platform, "order.created");
        var read = await _platform.GetOkAsync($"/api/v1/webhooks/{hookId}");
        Assert.Null(read["secret"]);
        Assert.DoesNotContain(first, await (await _platform.GetAsync("/api/v1/webhooks")).Content.ReadAsStringAsync());

        var rotated = await _platform.PostOkAsync($"/api/v1/webhooks/{hookId}/rotate-secret");
        var second = rotated["secret"]!.GetValue<string>();
        Assert.NotEqual(first, second);
        await _authority.IssueOrderAsync(_platform.Id);
        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Accepted.Count == 1));
        var r = _receiver.Accepted[0];
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(second, r.Timestamp, r.Signature, r.Body, _app.Clock.GetUtcNow()));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify(first, r.Timestamp, r.Signature, r.Body, _app.Clock.GetUtcNow()));
        // Sealed at rest: neither the database nor its write-ahead log holds the secret in clear.
        var sqlite = Path.Combine(_app.DataDir, "takedown.db");
        foreach (var file in new[] { sqlite, sqlite + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain(second, await reader.ReadToEndAsync());
        }
        Assert.Equal(0L, Convert.ToInt64(await _app.ScalarSqlAsync($"SELECT COUNT(*) FROM webhook_endpoints WHERE secret_sealed LIKE '%{second}%'")));
    }

    [Fact]
    public async Task ItemActioned_GoesToTheAuthority_WithdrawalAndClarification_GoToThePlatform()
    {
        await RegisterAsync(_authority, "order.item_actioned");
        await RegisterAsync(_platform, "order.withdrawn", "order.clarified");
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/a", "https://forum.example/b");
        await _platform.ActAsync(order, 0, new { action = "impossible", reason = "insufficient_information", explanation = "Which post?" });
        await _authority.PostOkAsync($"/api/v1/orders/{order["id"]}/clarifications", new { item_id = order["items"]![0]!["id"]!.GetValue<string>(), text = "The third." });
        await _authority.PostOkAsync($"/api/v1/orders/{order["id"]}/withdraw", new { reason = "Issued in error." });

        await Eventually.TrueAsync(() => Task.FromResult(_receiver.Accepted.Count == 3));
        var types = _receiver.Accepted.Select(r => r.Json["type"]!.GetValue<string>()).OrderBy(t => t).ToArray();
        Assert.Equal(["order.clarified", "order.item_actioned", "order.withdrawn"], types);
    }

    [Fact]
    public async Task DeletedEndpoint_GetsNothingMore()
    {
        var (hookId, _) = await RegisterAsync(_platform, "order.created");
        Assert.Equal(HttpStatusCode.NoContent, (await _platform.SendAsync(HttpMethod.Delete, $"/api/v1/webhooks/{hookId}")).StatusCode);
        await _authority.IssueOrderAsync(_platform.Id);
        var feed = await _platform.GetOkAsync("/api/v1/events");
        Assert.Single(feed["data"]!.AsArray());
        Assert.Empty(_receiver.Requests);
        await Problem.AssertAsync(await _platform.GetAsync($"/api/v1/webhooks/{hookId}"), 404);
    }

    [Fact]
    public async Task WebhookDelivery_IsFastWithARealReceiver()
    {
        await RegisterAsync(_platform, "order.created");
        var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Arrived += r => arrived.TrySetResult(r.ArrivedAt);
        await _authority.IssueOrderAsync(_platform.Id);
        var returned = Stopwatch.GetTimestamp();
        var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(Stopwatch.GetElapsedTime(returned, at) < TimeSpan.FromSeconds(1));
    }
}
