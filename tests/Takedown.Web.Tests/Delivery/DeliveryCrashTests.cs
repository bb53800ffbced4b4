using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Takedown.Web.Tests.Delivery;

/// <summary>The real program: events enqueued while the receiver is down survive kill -9 and are all delivered after restart.</summary>
public sealed class DeliveryCrashTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-proc", Guid.NewGuid().ToString("N"));
    private ServiceProcess _service = null!;
    private string _operatorKey = "";

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data);
        Assert.True(code == 0, stderr);
        _operatorKey = stdout.Trim();
        _service = new ServiceProcess(_data);
        _service.Environment["TAKEDOWN_Webhooks__AllowedHosts__0"] = "127.0.0.1";
        _service.Environment["TAKEDOWN_Webhooks__RetryBaseSeconds"] = "1";
        _service.Environment["TAKEDOWN_Webhooks__PollSeconds"] = "1";
        await _service.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(_service.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private async Task<JsonNode> PostAsync(string key, string path, object body)
    {
        using var http = Client(key);
        var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task EventsEnqueuedWhileTheReceiverIsDown_SurviveKillMinus9_AndAreAllDelivered()
    {
        var authority = await PostAsync(_operatorKey, "/api/v1/organizations", new { kind = "authority", name = "PHAROS", country = "FR" });
        var platform = await PostAsync(_operatorKey, "/api/v1/organizations", new { kind = "platform", name = "Forum", country = "IE" });
        var authorityKey = authority["api_key"]!.GetValue<string>();
        var platformId = Guid.Parse(platform["id"]!.GetValue<string>());
        var port = ServiceProcess.FreePort();
        await PostAsync(platform["api_key"]!.GetValue<string>(), "/api/v1/webhooks", new { url = $"http://127.0.0.1:{port}/hook", events = new[] { "order.created" } });

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
            ids.Add((await PostAsync(authorityKey, "/api/v1/orders", ApiClient.OrderBody(platformId, [$"https://forum.example/crash/{i}"])))["id"]!.GetValue<string>());
        _service.Kill();

        await _service.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(port);
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => receiver.Accepted.Any(r => r.Json["data"]!["id"]!.GetValue<string>() == id))), timeoutMs: 90_000);

        using var http = Client(authorityKey);
        await Eventually.TrueAsync(async () =>
        {
            foreach (var id in ids)
                if (JsonNode.Parse(await http.GetStringAsync($"/api/v1/orders/{id}"))!["delivered_at"] is null) return false;
            return true;
        });
    }
}
