using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Takedown.Web.Tests.MultiNode;

/// <summary>Two real server processes on different ports over one PostgreSQL database.</summary>
public sealed class MultiNodeTests : IAsyncLifetime
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
        await Task.WhenAll(_a.StartAsync(), _b.StartAsync());
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
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
}
