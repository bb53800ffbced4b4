using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Takedown.Web.Tests.Cli;

/// <summary>The real program: hash, banks import/export and match from the command line.</summary>
public sealed class HashingCliTests : IAsyncLifetime
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
        var platform = JsonNode.Parse(await (await op.PostAsJsonAsync("/api/v1/organizations", new { kind = "platform", name = "CLI platform", country = "IE" }))
            .Content.ReadAsStringAsync())!;
        _asPlatform = new Dictionary<string, string> { ["TAKEDOWN_URL"] = _service.Url, ["TAKEDOWN_KEY"] = platform["api_key"]!.GetValue<string>() };
        using var client = new HttpClient { BaseAddress = new Uri(_service.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _asPlatform["TAKEDOWN_KEY"]);
        (await client.PostAsJsonAsync("/api/v1/banks", new { name = "CLI_BANK" })).EnsureSuccessStatusCode();
        Directory.CreateDirectory(Path.Combine(_files, "nested"));
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        try { Directory.Delete(_data, true); } catch (IOException) { }
        try { Directory.Delete(_files, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Hash_WalksFoldersPrintsOneLinePerImage_AndExitsNonZeroNamingEachFailure()
    {
        var png = Path.Combine(_files, "nested", "scene.png");
        await File.WriteAllBytesAsync(png, TestImages.ScenePng(90));
        await File.WriteAllTextAsync(Path.Combine(_files, "notes.jpg"), "plain text named like a JPEG");

        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, "hash", _files);
        Assert.Equal(1, code);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($"^[0-9a-f]{{64}} [0-9]+ {System.Text.RegularExpressions.Regex.Escape(png)}$", line);
        Assert.Contains("1 hashed, 1 failed", stderr);
        Assert.Contains("notes.jpg: not an image", stderr);

        var json = await ServiceProcess.RunCliAsync(null, "hash", png, "--format", "json");
        Assert.Equal(0, json.Code);
        var node = JsonNode.Parse(json.Out)!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(png))), node["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task HashAndMatch_AcceptTextFilesAndVideos()
    {
        var txt = Path.Combine(_files, "statement.txt");
        await File.WriteAllTextAsync(txt, SampleTexts.Known("fr"));
        var video = Path.Combine(_files, "clip.mp4");
        await File.WriteAllBytesAsync(video, await TestVideos.ScenesAsync(firstSeed: 700, scenes: 3));

        var hashed = await ServiceProcess.RunCliAsync(null, "hash", txt, video, "--format", "json");
        Assert.True(hashed.Code == 0, hashed.Err);
        var lines = hashed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var text = lines.Single(l => l["signal_type"]!.GetValue<string>() == "text")["signal"]!.GetValue<string>();
        var vpdq = lines.Single(l => l["signal_type"]!.GetValue<string>() == "vpdq");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(await File.ReadAllBytesAsync(video))), vpdq["video_md5"]!.GetValue<string>());

        using var client = new HttpClient { BaseAddress = new Uri(_service.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _asPlatform["TAKEDOWN_KEY"]);
        (await client.PostAsJsonAsync("/api/v1/banks/CLI_BANK/entries", new { signal_type = "text", signal = text })).EnsureSuccessStatusCode();
        var wrapped = Path.Combine(_files, "post.txt");
        await File.WriteAllTextAsync(wrapped, SampleTexts.Wrap("fr", SampleTexts.EditWords(SampleTexts.Known("fr"), 0.1, seed: 5)));
        var match = await ServiceProcess.RunCliAsync(_asPlatform, "match", wrapped);
        Assert.True(match.Code == 0, match.Err);
        Assert.Equal("text", Assert.Single(JsonNode.Parse(match.Out)!["matches"]!.AsArray())!["signal_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task BanksImportThenExport_RoundTripsTheHmaCsv_AndMatchFindsAnImportedImage()
    {
        var png = Path.Combine(_files, "known.png");
        await File.WriteAllBytesAsync(png, TestImages.ScenePng(91));
        var hashed = await ServiceProcess.RunCliAsync(null, "hash", png);
        var pdq = hashed.Out.Split(' ')[0];
        var csv = Path.Combine(_files, "import.csv");
        await File.WriteAllTextAsync(csv, $"signal_type,signal,entity,behaviour\npdq,{pdq},\"Entity, Synthetic\",glorification\nmd5,{new string('e', 32)},,\n");

        var import = await ServiceProcess.RunCliAsync(_asPlatform, "banks", "import", "CLI_BANK", csv);
        Assert.True(import.Code == 0, import.Err);
        Assert.Contains("2 added, 0 already present, 0 failed", import.Err);
        var again = await ServiceProcess.RunCliAsync(_asPlatform, "banks", "import", "CLI_BANK", csv);
        Assert.Contains("0 added, 2 already present", again.Err);

        var export = await ServiceProcess.RunCliAsync(_asPlatform, "banks", "export", "CLI_BANK");
        Assert.Equal(0, export.Code);
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("signal_type,signal,", lines[0]);
        Assert.StartsWith($"pdq,{pdq},\"Entity, Synthetic\",glorification,", lines[1]);
        Assert.Equal(3, lines.Length);

        var match = await ServiceProcess.RunCliAsync(_asPlatform, "match", png);
        Assert.True(match.Code == 0, match.Err);
        var result = JsonNode.Parse(match.Out)!;
        Assert.Equal("CLI_BANK", Assert.Single(result["matches"]!.AsArray())!["bank"]!.GetValue<string>());
    }
}
