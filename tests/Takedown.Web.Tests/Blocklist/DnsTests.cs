namespace Takedown.Web.Tests.Blocklist;

/// <summary>The RPZ export against real DNS software: named-checkzone, and a real Unbound answering from it.</summary>
public sealed class DnsTests : IAsyncLifetime
{
    private const string Upstream = "e2e.example";

    private TestApp _app = null!;
    private ApiClient _analyst = null!;
    private ApiClient _second = null!;
    private ApiClient _isp = null!;

    public Task InitializeAsync() => StartAsync();

    private async Task StartAsync(params string[] args)
    {
        if (_app is not null) await _app.DisposeAsync();
        _app = await TestApp.StartAsync(null, args);
        _analyst = await _app.AuthorityAsync("PHAROS");
        _second = await _app.SecondAnalystAsync(_analyst);
        _isp = await _app.CreateOrganizationAsync("isp");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> RpzAsync() => (await _isp.ExportAsync("/api/v1/blocklist/rpz")).Text;

    private static async Task AssertZoneIsValidAsync(string zoneName, string rpz)
    {
        var file = Path.Combine(Path.GetTempPath(), $"rpz-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(file, rpz);
        try
        {
            var (code, output, error) = await UnboundResolver.RunAsync("named-checkzone", "-k", "fail", "-n", "fail", zoneName, file);
            Assert.True(code == 0, $"named-checkzone failed:\n{output}{error}\n--- zone ---\n{rpz}");
            Assert.Contains("OK", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EmptyZone_PassesNamedCheckzone()
    {
        await AssertZoneIsValidAsync("rpz.takedown", await RpzAsync());
    }

    [Fact]
    public async Task ZoneWithNxdomainListings_PassesNamedCheckzone()
    {
        await _app.ListActiveAsync(_analyst, _second, "recruit.example");
        await _app.ListActiveAsync(_analyst, _second, "bücher.example");
        await _app.ListActiveAsync(_analyst, _second, "https://forum.example/only-for-search");
        await AssertZoneIsValidAsync("rpz.takedown", await RpzAsync());
    }

    [Fact]
    public async Task ZoneWithStopHost_AndOwnZoneName_PassesNamedCheckzone()
    {
        await StartAsync("--Blocklist:ZoneName=rpz.blocking.gouv.example", "--Blocklist:StopHost=stop.blocking.gouv.example");
        await _app.ListActiveAsync(_analyst, _second, "recruit.example");
        var rpz = await RpzAsync();
        Assert.Contains("recruit.example CNAME stop.blocking.gouv.example.", rpz);
        Assert.StartsWith("$ORIGIN rpz.blocking.gouv.example.\n", rpz);
        await AssertZoneIsValidAsync("rpz.blocking.gouv.example", rpz);
    }

    [Fact]
    public async Task Unbound_AnswersNxdomainForListedNamesAndSubdomains_AndNotAfterDelistingAndReload()
    {
        var listed = await _app.ListActiveAsync(_analyst, _second, $"listed.{Upstream}");
        var gone = await _app.ListActiveAsync(_analyst, _second, $"gone.{Upstream}");
        await using var unbound = await UnboundResolver.StartAsync("rpz.takedown", await RpzAsync(), Upstream,
        [
            ($"kept.{Upstream}", "192.0.2.1"),
            ($"listed.{Upstream}", "192.0.2.11"),
            ($"www.listed.{Upstream}", "192.0.2.11"),
            ($"gone.{Upstream}", "192.0.2.12"),
            ($"www.gone.{Upstream}", "192.0.2.12"),
        ]);

        Assert.Equal(("NOERROR", "192.0.2.1"), Single(await unbound.QueryAsync($"kept.{Upstream}")));
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"listed.{Upstream}")).Status);
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"www.listed.{Upstream}")).Status);
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"gone.{Upstream}")).Status);
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"www.gone.{Upstream}")).Status);
        Assert.Contains($"rpz: applied *.listed.{Upstream}.", unbound.Log());

        await _analyst.PostOkAsync($"/api/v1/blocklist/{gone["id"]}/delist", new { reason = "Content removed by the host." });
        var next = await RpzAsync();
        Assert.DoesNotContain($"gone.{Upstream}", next);
        await unbound.ReloadAsync(next);

        await Eventually.TrueAsync(async () => (await unbound.QueryAsync($"gone.{Upstream}")).Status == "NOERROR");
        Assert.Equal(("NOERROR", "192.0.2.12"), Single(await unbound.QueryAsync($"gone.{Upstream}")));
        Assert.Equal(("NOERROR", "192.0.2.12"), Single(await unbound.QueryAsync($"www.gone.{Upstream}")));
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"listed.{Upstream}")).Status);
        Assert.Equal("NXDOMAIN", (await unbound.QueryAsync($"www.listed.{Upstream}")).Status);
        Assert.Equal("active", (await _analyst.GetOkAsync($"/api/v1/blocklist/{listed["id"]}")).S("status"));
    }

    [Fact]
    public async Task Unbound_WithAStopHost_AnswersTheStopPageAddress()
    {
        await StartAsync($"--Blocklist:StopHost=stop.{Upstream}");
        await _app.ListActiveAsync(_analyst, _second, $"listed.{Upstream}");
        await using var unbound = await UnboundResolver.StartAsync("rpz.takedown", await RpzAsync(), Upstream,
        [
            ($"stop.{Upstream}", "192.0.2.99"),
            ($"listed.{Upstream}", "192.0.2.11"),
            ($"www.listed.{Upstream}", "192.0.2.11"),
        ]);
        Assert.Equal(("NOERROR", "192.0.2.99"), Single(await unbound.QueryAsync($"listed.{Upstream}")));
        Assert.Equal(("NOERROR", "192.0.2.99"), Single(await unbound.QueryAsync($"www.listed.{Upstream}")));
    }

    private static (string?, string?) Single((string? Status, string[] Addresses) answer) =>
        (answer.Status, answer.Addresses.Length == 1 ? answer.Addresses[0] : string.Join(",", answer.Addresses));
}
