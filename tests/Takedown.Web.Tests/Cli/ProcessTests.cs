using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Takedown.Web.Tests.Cli;

/// <summary>The real program: bootstrap and order commands from the command line, and durability across kill -9.</summary>
public sealed class ProcessTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-proc", Guid.NewGuid().ToString("N"));
    private ServiceProcess _service = null!;
    private TestDatabase _database = null!;
    private string _operatorKey = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, ["admin", "bootstrap", "--data", _data, .. _database.Args]);
        Assert.True(code == 0, stderr);
        _operatorKey = stdout.Trim();
        Assert.Matches("^tdk_[A-Za-z0-9_-]{43}$", _operatorKey);
        _service = new ServiceProcess(_data, _database.Args);
        await _service.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    private HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(_service.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private async Task<(string Key, string Id)> CreateOrgAsync(string kind)
    {
        using var op = Client(_operatorKey);
        var response = await op.PostAsJsonAsync("/api/v1/organizations", new { kind, name = kind + " org", country = "FR" });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (body["api_key"]!.GetValue<string>(), body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bootstrap_SecondTime_FailsWithAClearMessage()
    {
        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, ["admin", "bootstrap", "--data", _data, .. _database.Args]);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout.Trim());
        Assert.Contains("already bootstrapped", stderr);
    }

    [Fact]
    public async Task Order_AcknowledgedWith201_SurvivesKillMinus9()
    {
        var (authorityKey, _) = await CreateOrgAsync("authority");
        var (_, platformId) = await CreateOrgAsync("platform");
        using var authority = Client(authorityKey);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var response = await authority.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(platformId), [$"https://forum.example/kill/{i}"]));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        }
        _service.Kill();

        await _service.StartAsync();
        using var again = Client(authorityKey);
        foreach (var id in ids)
        {
            var order = JsonNode.Parse(await again.GetStringAsync($"/api/v1/orders/{id}"))!;
            Assert.Equal(id, order["id"]!.GetValue<string>());
            Assert.Single(order["items"]!.AsArray());
        }
        using var op = Client(_operatorKey);
        var verify = JsonNode.Parse(await op.GetStringAsync("/api/v1/audit/verify"))!;
        Assert.True(verify["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task OrdersCommands_CreateListShowAndAction_AgainstTheRunningService()
    {
        var (authorityKey, _) = await CreateOrgAsync("authority");
        var (platformKey, platformId) = await CreateOrgAsync("platform");
        var asAuthority = new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = authorityKey };
        var asPlatform = new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = platformKey };

        var created = await ServiceProcess.RunCliAsync(asAuthority, "orders", "create", "--kind", "removal_order", "--platform", platformId,
            "--reference", "CLI-1", "--item-url", "https://forum.example/cli/1", "--reasons", "Synthetic.", "--type", "incitement",
            "--legal-basis", "TCO Art. 3");
        Assert.True(created.Code == 0, created.Err);
        var order = JsonNode.Parse(created.Out)!;
        var orderId = order["id"]!.GetValue<string>();
        var itemId = order["items"]![0]!["id"]!.GetValue<string>();

        var list = await ServiceProcess.RunCliAsync(asPlatform, "orders", "list", "--status", "open");
        Assert.Equal(0, list.Code);
        Assert.Contains(orderId, list.Out);

        var action = await ServiceProcess.RunCliAsync(asPlatform, "orders", "action", orderId, itemId, "--action", "removed");
        Assert.True(action.Code == 0, action.Err);
        var show = await ServiceProcess.RunCliAsync(asAuthority, "orders", "show", orderId);
        Assert.Equal("removed", JsonNode.Parse(show.Out)!["items"]![0]!["status"]!.GetValue<string>());
        var events = await ServiceProcess.RunCliAsync(asAuthority, "orders", "show", orderId, "--events");
        Assert.Contains("order.item_actioned", events.Out);
    }

    [Fact]
    public async Task OrdersCommands_ReportBadInputAndBadKeysWithExitCodes()
    {
        var (authorityKey, _) = await CreateOrgAsync("authority");
        var (_, platformId) = await CreateOrgAsync("platform");
        var env = new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = authorityKey };

        var bad = await ServiceProcess.RunCliAsync(env, "orders", "create", "--kind", "removal_order", "--platform", platformId,
            "--reference", "CLI-2", "--item-url", "not-a-url", "--reasons", "x", "--type", "incitement", "--legal-basis", "x");
        Assert.Equal(2, bad.Code);
        Assert.Contains("items[0].url", bad.Err);

        var wrongKey = await ServiceProcess.RunCliAsync(new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = "tdk_nope" }, "orders", "list");
        Assert.Equal(4, wrongKey.Code);

        var missing = await ServiceProcess.RunCliAsync(env, "orders", "show", Guid.NewGuid().ToString());
        Assert.Equal(3, missing.Code);

        var noFile = await ServiceProcess.RunCliAsync(env, "orders", "create", "--file", "/nonexistent/order.json");
        Assert.Equal(2, noFile.Code);
        Assert.Contains("cannot read", noFile.Err);

        var unreachable = await ServiceProcess.RunCliAsync(new Dictionary<string, string> { ["TAKEDOWN_URL"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}", ["TAKEDOWN_KEY"] = authorityKey }, "orders", "list");
        Assert.Equal(6, unreachable.Code);
        _ = JsonSerializer.Serialize(1);
    }
}
