namespace Takedown.Web.Tests.Blocklist;

/// <summary>`takedown blocklist export` reads the local data directory and writes what the API serves.</summary>
public sealed class CliExportTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _isp = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        var analyst = await _app.AuthorityAsync("PHAROS");
        var second = await _app.SecondAnalystAsync(analyst);
        _isp = await _app.CreateOrganizationAsync("isp");
        await _app.ListActiveAsync(analyst, second, "cli.example");
        await _app.ListActiveAsync(analyst, second, "https://forum.example/t/cli");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ExportRpz_ToAFile_IsTheZoneTheApiServes_AndPassesNamedCheckzone()
    {
        var file = Path.Combine(_app.DataDir, "handover.zone");
        var (code, _, err) = await ServiceProcess.RunCliAsync(null, ["blocklist", "export", "--format", "rpz", "--data", _app.DataDir, "--output", file, .. _app.Database.Args]);
        Assert.True(code == 0, err);
        var (apiText, etag, _) = await _isp.ExportAsync("/api/v1/blocklist/rpz");
        Assert.Equal(apiText, await File.ReadAllTextAsync(file));
        Assert.Contains($"serial {etag!.Trim('"')}", err);
        var check = await UnboundResolver.RunAsync("named-checkzone", "-k", "fail", "rpz.takedown", file);
        Assert.True(check.Code == 0, check.Out + check.Err);
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray();
        Assert.Contains(events, e => e!.S("type") == "blocklist.exported");
    }

    [Fact]
    public async Task ExportCsvAndHosts_ToStandardOutput()
    {
        var csv = await ServiceProcess.RunCliAsync(null, ["blocklist", "export", "--format", "csv", "--data", _app.DataDir, .. _app.Database.Args]);
        Assert.True(csv.Code == 0, csv.Err);
        Assert.StartsWith("url,listing_id,category,since,scope\r\n", csv.Out);
        Assert.Contains("https://forum.example/t/cli,", csv.Out);
        var hosts = await ServiceProcess.RunCliAsync(null, ["blocklist", "export", "--format", "hosts", "--data", _app.DataDir, .. _app.Database.Args]);
        Assert.Contains("0.0.0.0 cli.example", hosts.Out);
    }

    [Fact]
    public async Task Export_WithAnUnknownFormat_OrNoDatabase_FailsClearly()
    {
        var bad = await ServiceProcess.RunCliAsync(null, "blocklist", "export", "--format", "bind", "--data", _app.DataDir);
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("bind", bad.Err);
        var missing = await ServiceProcess.RunCliAsync(null, "blocklist", "export", "--format", "rpz", "--data", Path.Combine(_app.DataDir, "nowhere"));
        Assert.NotEqual(0, missing.Code);
        Assert.Contains("no database", missing.Err);
    }
}
