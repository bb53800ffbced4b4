using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Takedown.Web.Tests.Review;

/// <summary>The real program: `takedown review check` and `takedown review cases`.</summary>
public sealed class ReviewCliTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-proc", Guid.NewGuid().ToString("N"));
    private readonly string _files = Path.Combine(Path.GetTempPath(), "takedown-files", Guid.NewGuid().ToString("N"));
    private ServiceProcess _service = null!;
    private Dictionary<string, string> _asPlatform = null!;

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data);
        Assert.True(code == 0, stderr);
        _service = new ServiceProcess(_data);
        await _service.StartAsync();
        using var op = new HttpClient { BaseAddress = new Uri(_service.Url) };
        op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.Trim());
        var platform = JsonNode.Parse(await (await op.PostAsJsonAsync("/api/v1/organizations", new { kind = "platform", name = "CLI reviewer", country = "IE" }))
            .Content.ReadAsStringAsync())!;
        _asPlatform = new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = platform["api_key"]!.GetValue<string>() };
        Directory.CreateDirectory(_files);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        try { Directory.Delete(_data, true); } catch (IOException) { }
        try { Directory.Delete(_files, true); } catch (IOException) { }
    }

    [Fact]
    public async Task ReviewCheck_OpensACase_ThatReviewCasesLists()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_service.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _asPlatform["TAKEDOWN_KEY"]);
        (await client.PostAsJsonAsync("/api/v1/banks", new { name = "CLI_REVIEW" })).EnsureSuccessStatusCode();
        var png = Path.Combine(_files, "upload.png");
        await File.WriteAllBytesAsync(png, TestImages.ScenePng(95));
        using (var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(png)), "file", "known.png" } })
            (await client.PostAsync("/api/v1/banks/CLI_REVIEW/entries", form)).EnsureSuccessStatusCode();

        var check = await ServiceProcess.RunCliAsync(_asPlatform, "review", "check", png, "--content-id", "cli-1");
        Assert.True(check.Code == 0, check.Err);
        var body = JsonNode.Parse(check.Out)!;
        Assert.Equal("review", body["decision"]!.GetValue<string>());
        var caseId = body["case_id"]!.GetValue<string>();

        var cases = await ServiceProcess.RunCliAsync(_asPlatform, "review", "cases", "--state", "open");
        Assert.True(cases.Code == 0, cases.Err);
        Assert.Equal(caseId, Assert.Single(JsonNode.Parse(cases.Out)!["data"]!.AsArray())!["id"]!.GetValue<string>());

        var missing = await ServiceProcess.RunCliAsync(_asPlatform, "review", "check", png);
        Assert.NotEqual(0, missing.Code);
        Assert.Contains("--content-id", missing.Err);
    }
}
