using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Takedown.Web.Tests.Matching;

/// <summary>vPDQ and video MD5 with synthetic videos made by ffmpeg; one bank video shared by the tests of the class.</summary>
public sealed class VideoSignalTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;
    private byte[] _original = null!;
    private JsonNode _entry = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("VideoSite");
        await _platform.CreateBankAsync("KNOWN_VIDEOS");
        _original = await TestVideos.ScenesAsync(firstSeed: 100);
        _entry = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/banks/KNOWN_VIDEOS/entries", _original, "clip.mp4",
            ("signal_type", "vpdq"), ("behaviour", "glorification")));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonNode> MatchAsync(byte[] video, string name = "query.mp4")
    {
        var response = await _platform.UploadAsync("/api/v1/match", video, name);
        return await ApiClient.ReadOkAsync(response);
    }

    [Fact]
    public async Task Entry_HoldsFrameHashesWithTimestamps_NearIdenticalFramesDropped()
    {
        Assert.Equal("vpdq", _entry["signal_type"]!.GetValue<string>());
        var frames = _entry["signal"]!.GetValue<string>().Split(';');
        // 16 seconds at one frame a second, the two samples of each 2-second scene nearly identical.
        Assert.InRange(frames.Length, 8, 16);
        Assert.Equal("0", frames[0].Split(',')[0]);
        Assert.All(frames, f => Assert.Equal(64, f.Split(',')[2].Length));
        var feed = await _platform.GetOkAsync("/api/v1/banks/KNOWN_VIDEOS/entries");
        Assert.Equal("vpdq", Assert.Single(feed["data"]!.AsArray())!["entry"]!["signal_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task SameFile_MatchesByVpdqAndVideoMd5()
    {
        await _platform.UploadAsync("/api/v1/banks/KNOWN_VIDEOS/entries", _original, "clip.mp4", ("signal_type", "video_md5"));
        var body = await MatchAsync(_original);
        var matches = body["matches"]!.AsArray();
        Assert.Equal(2, matches.Count);
        var vpdq = matches.Single(m => m!["signal_type"]!.GetValue<string>() == "vpdq")!;
        Assert.Equal(1.0, vpdq["query_frames_matched"]!.GetValue<double>());
        Assert.Equal(1.0, vpdq["bank_frames_matched"]!.GetValue<double>());
        Assert.Contains(matches, m => m!["signal_type"]!.GetValue<string>() == "video_md5");
        Assert.True(body["hashes"]!["video_frames"]!.GetValue<int>() >= 8);
    }

    public static TheoryData<string, string, string[]> Copies => new()
    {
        { "re-encoded", ".mkv", ["-c:v", "mpeg4", "-q:v", "12"] },
        { "resized", ".mp4", ["-vf", "scale=160:120", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30"] },
        { "trimmed", ".mp4", ["-ss", "2", "-c:v", "libx264", "-preset", "ultrafast"] },
    };

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task EditedCopies_Match_ReportingBothPercentages(string what, string extension, string[] options)
    {
        var copy = await TestVideos.TransformAsync(_original, extension, options);
        var match = Assert.Single((await MatchAsync(copy, "copy" + extension))["matches"]!.AsArray())!;
        Assert.Equal(_entry["id"]!.GetValue<string>(), match["entry_id"]!.GetValue<string>());
        Assert.True(match["bank_frames_matched"]!.GetValue<double>() >= 0.8, what);
        Assert.True(match["query_frames_matched"]!.GetValue<double>() >= 0.8, what);
    }

    [Fact]
    public async Task BankVideo_StillMatches_AfterTheIndexIsLoadedAgainFromTheStore_AndNotOnceDisabled()
    {
        // As at start-up: the frame index is rebuilt from the stored entries.
        await _app.App.Services.GetRequiredService<Takedown.Core.Matching.MatchIndex>().LoadAsync(CancellationToken.None);
        Assert.Single(await VpdqMatchesAsync(_original));

        var id = _entry["id"]!.GetValue<string>();
        await _platform.PostOkAsync($"/api/v1/banks/KNOWN_VIDEOS/entries/{id}/disable");
        Assert.Empty(await VpdqMatchesAsync(_original));
        await _platform.PostOkAsync($"/api/v1/banks/KNOWN_VIDEOS/entries/{id}/enable");
        Assert.Single(await VpdqMatchesAsync(_original));
    }

    private async Task<List<JsonNode>> VpdqMatchesAsync(byte[] video) =>
        (await MatchAsync(video))["matches"]!.AsArray().Where(m => m!["signal_type"]!.GetValue<string>() == "vpdq").Select(m => m!).ToList();

    [Fact]
    public async Task DifferentVideo_DoesNotMatch()
    {
        var other = await TestVideos.ScenesAsync(firstSeed: 300);
        Assert.Empty((await MatchAsync(other))["matches"]!.AsArray());
    }

    [Fact]
    public async Task TruncatedFile_FailsCleanly_WithinTheTimeBound()
    {
        var truncated = _original[..(_original.Length / 2)];
        var watch = Stopwatch.StartNew();
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/match", truncated, "broken.mp4"), 400, "file");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), watch.Elapsed.ToString());
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/KNOWN_VIDEOS/entries", truncated, "broken.mp4", ("signal_type", "vpdq")), 400, "file");
    }
}

/// <summary>Hostile and broken set-ups: decode past the time limit is killed; a missing ffmpeg is a clear 503.</summary>
public sealed class VideoLimitsTests
{
    [Fact]
    public async Task DecodePastTheTimeout_IsKilled_AndAnswered400()
    {
        await using var app = await TestApp.StartAsync(null, "--Hashing:Video:Timeout=00:00:00.001");
        var platform = await app.PlatformAsync("SlowVideo");
        var video = await TestVideos.ScenesAsync(firstSeed: 500, scenes: 2);
        var watch = Stopwatch.StartNew();
        var problem = await Problem.AssertAsync(await platform.UploadAsync("/api/v1/match", video, "clip.mp4"), 400, "file");
        Assert.Contains("longer than", problem["errors"]!["file"]![0]!.GetValue<string>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task MissingFfmpeg_Is503NamingFfmpeg()
    {
        await using var app = await TestApp.StartAsync(null, "--Hashing:Video:FfmpegPath=/nonexistent/ffmpeg");
        var platform = await app.PlatformAsync("NoFfmpeg");
        var video = await TestVideos.ScenesAsync(firstSeed: 600, scenes: 2);
        var problem = await Problem.AssertAsync(await platform.UploadAsync("/api/v1/match", video, "clip.mp4"), 503);
        Assert.Contains("ffmpeg", problem["detail"]!.GetValue<string>());
    }
}
