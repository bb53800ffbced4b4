using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;

namespace Takedown.Web.Tests.Operations;

/// <summary>admin backup / restore / export-org through the real program, on the suite's store.</summary>
public sealed class BackupAndExportTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "takedown-ops", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;
    private string Data => Path.Combine(_root, "data");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private async Task<string[]> CliAsync(params string[] args)
    {
        var r = await ServiceProcess.RunCliAsync(null, args);
        Assert.True(r.Code == 0, $"{string.Join(' ', args)}: {r.Err}");
        return [r.Out, r.Err];
    }

    [Fact]
    public async Task Backup_TakenWhileServing_RestoresEveryOrderAndAnIntactAuditChain()
    {
        var op = (await CliAsync(["admin", "bootstrap", "--data", Data, .. _database.Args]))[0].Trim();
        var service = new ServiceProcess(Data, _database.Args);
        await service.StartAsync();
        string orderId, authorityKey;
        using (var http = new HttpClient { BaseAddress = new Uri(service.Url) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", op);
            var a = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/organizations", new { kind = "authority", name = "A" })).Content.ReadAsStringAsync())!;
            var p = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/organizations", new { kind = "platform", name = "P" })).Content.ReadAsStringAsync())!;
            authorityKey = a["api_key"]!.GetValue<string>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", authorityKey);
            var order = JsonNode.Parse(await (await http.PostAsJsonAsync("/api/v1/orders", ApiClient.OrderBody(Guid.Parse(p["id"]!.GetValue<string>()), ["https://forum.example/backup"]))).Content.ReadAsStringAsync())!;
            orderId = order["id"]!.GetValue<string>();
        }
        var backup = Path.Combine(_root, "backup");
        await CliAsync(["admin", "backup", "--data", Data, "--out", backup, .. _database.Args]);
        Assert.True(File.Exists(Path.Combine(backup, "backup.json")));
        await service.DisposeAsync();

        // Lose the data, then restore it.
        string restoredData;
        if (_database.ConnectionString is null)
        {
            restoredData = Path.Combine(_root, "restored");
            await CliAsync("admin", "restore", "--data", restoredData, "--from", backup);
            // The master key is never in a backup: the operator brings it back separately.
            File.Copy(Path.Combine(Data, "master.key"), Path.Combine(restoredData, "master.key"));
            var again = await ServiceProcess.RunCliAsync(null, "admin", "restore", "--data", restoredData, "--from", backup);
            Assert.Equal(5, again.Code);
        }
        else
        {
            restoredData = Data;
            await using (var c = new NpgsqlConnection(_database.ConnectionString))
            {
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand("DELETE FROM audit_events; DELETE FROM order_items; DELETE FROM orders;", c);
                await cmd.ExecuteNonQueryAsync();
            }
            var refused = await ServiceProcess.RunCliAsync(null, ["admin", "restore", "--data", restoredData, "--from", backup, .. _database.Args]);
            Assert.Equal(5, refused.Code);
            Assert.Contains("--force", refused.Err);
            await CliAsync(["admin", "restore", "--data", restoredData, "--from", backup, "--force", .. _database.Args]);
        }
        var restored = new ServiceProcess(restoredData, _database.Args);
        await restored.StartAsync();
        using (var http = new HttpClient { BaseAddress = new Uri(restored.Url) })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", authorityKey);
            var order = JsonNode.Parse(await http.GetStringAsync($"/api/v1/orders/{orderId}"))!;
            Assert.Equal("https://forum.example/backup", order["items"]![0]!["url"]!.GetValue<string>());
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", op);
            Assert.True(JsonNode.Parse(await http.GetStringAsync("/api/v1/audit/verify"))!["ok"]!.GetValue<bool>());
        }
        await restored.DisposeAsync();
    }

    [Fact]
    public async Task ExportOrg_ContainsTheOrganisationsOrders_AndNothingOfOthers()
    {
        await using var app = await TestApp.StartAsync();
        var authority = await app.AuthorityAsync("Exported");
        var other = await app.AuthorityAsync("Other");
        var platform = await app.PlatformAsync();
        var mine = await authority.IssueOrderAsync(platform.Id, "https://forum.example/mine");
        var theirs = await other.IssueOrderAsync(platform.Id, "https://forum.example/theirs");
        var args = app.Database.ConnectionString is null ? new[] { "--data", app.DataDir } : app.Database.Args;
        var r = await ServiceProcess.RunCliAsync(null, ["admin", "export-org", "--organization", authority.Id.ToString(), .. args]);
        Assert.True(r.Code == 0, r.Err);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => l["table"]!.GetValue<string>() == "orders" && l["row"]!["id"]!.GetValue<string>() == mine["id"]!.GetValue<string>());
        Assert.DoesNotContain(theirs["id"]!.GetValue<string>(), r.Out);
        Assert.DoesNotContain("key_hash", r.Out);
        Assert.Contains(lines, l => l["table"]!.GetValue<string>() == "audit_events");
    }
}
