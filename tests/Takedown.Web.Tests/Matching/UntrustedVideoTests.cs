using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Core.Hashing;

namespace Takedown.Web.Tests.Matching;

/// <summary>
/// Uploaded videos are data: playlists and manifests that would make ffmpeg read the server's own files are
/// refused before ffmpeg runs, on every route that takes a video, and ffmpeg's own words never reach a client.
/// ffmpeg is reached through a wrapper script that records each run, so "ffmpeg did not run" is observed, not assumed.
/// </summary>
public sealed class UntrustedVideoTests(UntrustedVideoTests.Fixture fixture) : IClassFixture<UntrustedVideoTests.Fixture>
{
    /// <summary>One app, one wrapper and one "local secret" video for the class (tests read the run log before and after).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public string Dir { get; } = Path.Combine(Path.GetTempPath(), "takedown-untrusted-video", Guid.NewGuid().ToString("N"));

        public ConcurrentQueue<string> Logs { get; } = new();

        public TestApp App { get; private set; } = null!;

        public ApiClient Platform { get; private set; } = null!;

        public byte[] Video { get; private set; } = null!;

        public string CallsPath => Path.Combine(Dir, "ffmpeg-calls.log");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Dir);
            var wrapper = Path.Combine(Dir, "ffmpeg");
            await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{CallsPath}'\nexec ffmpeg \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // The "server's own file" that a manifest tries to read: a real video, so a manifest that reached ffmpeg would decode.
            Video = await TestVideos.ScenesAsync(firstSeed: 300, scenes: 3);
            await File.WriteAllBytesAsync(Path.Combine(Dir, "secret.mp4"), Video);
            await File.WriteAllBytesAsync(Path.Combine(Dir, "secret.ts"), await TestVideos.TransformAsync(Video, ".ts", "-c", "copy"));
            App = await TestApp.StartAsync(b => b.Logging.AddProvider(new CollectingLogger(Logs)), $"--Hashing:Video:FfmpegPath={wrapper}");
            Platform = await App.PlatformAsync("VideoUploads");
            await Platform.CreateBankAsync("VIDEOS");
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
        }
    }

    private ApiClient Api => fixture.Platform;

    private byte[] Original => fixture.Video;

    private string TempDir => fixture.Dir;

    private ConcurrentQueue<string> Logs => fixture.Logs;

    private string CallsPath => fixture.CallsPath;

    private string SecretMp4 => Path.Combine(TempDir, "secret.mp4");

    private string SecretTs => Path.Combine(TempDir, "secret.ts");

    private string[] FfmpegRuns() => File.Exists(CallsPath) ? File.ReadAllLines(CallsPath) : [];

    private byte[] Hls() => Encoding.UTF8.GetBytes(
        $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:6.0,\nfile://{SecretTs}\n#EXT-X-ENDLIST\n");

    private byte[] Dash() => Encoding.UTF8.GetBytes($"""
        <?xml version="1.0" encoding="UTF-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT6S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
          <Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="100000" width="320" height="240">
            <BaseURL>file://{SecretMp4}</BaseURL>
          </Representation></AdaptationSet></Period>
        </MPD>
        """);

    private byte[] Concat() => Encoding.UTF8.GetBytes($"ffconcat version 1.0\nfile '{SecretMp4}'\n");

    public static TheoryData<string, string> Manifests => new()
    {
        { "hls", "clip.m3u8" }, { "hls", "clip.mp4" },
        { "dash", "clip.mpd" }, { "dash", "clip.mp4" },
        { "ffconcat", "clip.ffconcat" }, { "ffconcat", "clip.mp4" },
    };

    private byte[] ManifestOf(string kind) => kind switch { "hls" => Hls(), "dash" => Dash(), _ => Concat() };

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task Manifest_UploadedAsAVideo_IsRefusedOnEveryRoute_BeforeFfmpegRuns(string kind, string name)
    {
        var manifest = ManifestOf(kind);
        var runsBefore = FfmpegRuns().Length;
        var entriesBefore = await EntryCountAsync();
        var answers = new List<HttpResponseMessage>
        {
            await Api.UploadAsync("/api/v1/match", manifest, name),
            await Api.UploadAsync("/api/v1/review/checks", manifest, name, ("content_id", "post-" + Guid.NewGuid().ToString("N"))),
            await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", manifest, name, ("signal_type", "vpdq")),
            await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", manifest, name, ("signal_type", "video_md5")),
            await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", manifest, name),
        };
        foreach (var answer in answers)
        {
            var body = await Problem.AssertAsync(answer, 400, "file");
            var reason = body["errors"]!["file"]![0]!.GetValue<string>();
            Assert.Contains("not a video", reason);
            Assert.Contains("upload the video itself", reason);
            AssertNoFfmpegWords(body.ToJsonString());
        }
        Assert.Equal(runsBefore, FfmpegRuns().Length);
        Assert.Equal(entriesBefore, await EntryCountAsync());
    }

    private async Task<int> EntryCountAsync() => (await Api.GetOkAsync("/api/v1/banks/VIDEOS/entries?limit=500"))["data"]!.AsArray().Count;

    [Fact]
    public async Task TheManifests_AreRealAttacks_FfmpegLeftToItselfReadsTheLocalFile()
    {
        // Without Takedown's checks ffmpeg follows the HLS playlist and the ffconcat script to the local video.
        foreach (var (manifest, extension) in new[] { (Hls(), ".m3u8"), (Concat(), ".ffconcat") })
        {
            var path = Path.Combine(TempDir, "probe" + extension);
            await File.WriteAllBytesAsync(path, manifest);
            var frames = await PlainFfmpegFramesAsync(extension == ".ffconcat" ? ["-safe", "0", "-f", "concat", "-i", path] : ["-i", path]);
            Assert.True(frames > 0, $"plain ffmpeg should decode the file {extension} points at");
        }
    }

    [Fact]
    public async Task ProtocolWhitelist_StopsAPlaylistDemuxer_EvenIfOneWereReached()
    {
        // Second line of defence: with the options Takedown passes, even a forced HLS or concat demuxer cannot open the file.
        var options = new VideoOptions { FfmpegPath = "ffmpeg" };
        foreach (var (manifest, demuxer) in new[] { (Hls(), "hls"), (Concat(), "concat") })
        {
            var run = await VideoHasher.RunAsync(["-protocol_whitelist", "pipe", "-f", demuxer], "pipe:0", manifest, VideoContainer.MpegTs, options,
                NullLogger.Instance, CancellationToken.None);
            Assert.Equal(0, run.Decoded);
            Assert.NotNull(run.Error);
        }
    }

    public static TheoryData<string, string, string, string[]> Containers => new()
    {
        { "mp4 (index last)", ".mp4", "file", ["-c", "copy"] },
        { "mp4 (index first)", ".mp4", "pipe", ["-c", "copy", "-movflags", "+faststart"] },
        { "mov", ".mov", "pipe", ["-c", "copy", "-movflags", "+faststart"] },
        { "webm", ".webm", "pipe", ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "500k"] },
        { "mkv", ".mkv", "pipe", ["-c:v", "mpeg4", "-q:v", "4"] },
        { "avi", ".avi", "pipe", ["-c:v", "mpeg4", "-q:v", "4"] },
        { "mpeg-ts", ".ts", "pipe", ["-c", "copy"] },
        { "flv", ".flv", "pipe", ["-c:v", "flv", "-q:v", "4"] },
    };

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task EachRealContainer_IsAccepted_AndHashed_WithItsDemuxerForcedAndNoOtherProtocol(string what, string extension, string protocol, string[] options)
    {
        var video = await TestVideos.TransformAsync(Original, extension, options);
        Assert.NotNull(VideoSniffer.Sniff(video));
        var before = FfmpegRuns().Length;

        var match = await ApiClient.ReadOkAsync(await Api.UploadAsync("/api/v1/match", video, "upload" + extension));
        Assert.True(match["hashes"]!["video_frames"]!.GetValue<int>() >= 3, what);
        // Without signal_type a video becomes a vpdq entry by itself.
        var bank = "C" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        await Api.CreateBankAsync(bank);
        var entry = await ApiClient.ReadOkAsync(await Api.UploadAsync($"/api/v1/banks/{bank}/entries", video, "bank" + extension, ("source", what)));
        Assert.Equal("vpdq", entry["signal_type"]!.GetValue<string>());
        var check = await ApiClient.ReadOkAsync(await Api.UploadAsync("/api/v1/review/checks", video, "c" + extension, ("content_id", "c-" + what)));
        Assert.Contains(check["matches"]!.AsArray(), m => m!["entry_id"]!.GetValue<string>() == entry["id"]!.GetValue<string>());

        var runs = FfmpegRuns()[before..];
        Assert.Equal(3, runs.Length);
        var demuxer = VideoSniffer.DemuxerOf(VideoSniffer.Sniff(video)!.Value);
        Assert.All(runs, args =>
        {
            Assert.Contains($"-protocol_whitelist {protocol} -f {demuxer} ", args);
            Assert.Contains(protocol == "pipe" ? "-i pipe:0 " : "-i file:", args);
            if (protocol == "file") Assert.Contains("-enable_drefs 0 -use_absolute_path 0", args);
        });
    }

    [Fact]
    public async Task DamagedVideo_IsRefusedInOurWords_AndFfmpegsMessagesOnlyGoToTheLog()
    {
        // A recognised container with nothing decodable: ffmpeg runs, fails, and the client hears only what is wrong.
        var damaged = Original[..600];
        var before = FfmpegRuns().Length;
        foreach (var answer in new[]
                 {
                     await Api.UploadAsync("/api/v1/match", damaged, "broken.mp4"),
                     await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", damaged, "broken.mp4", ("signal_type", "vpdq")),
                     await Api.UploadAsync("/api/v1/review/checks", damaged, "broken.mp4", ("content_id", "broken")),
                 })
        {
            var body = await Problem.AssertAsync(answer, 400, "file");
            Assert.Contains("no frame could be decoded", body["errors"]!["file"]![0]!.GetValue<string>());
            AssertNoFfmpegWords(body.ToJsonString());
        }
        Assert.Equal(3, FfmpegRuns().Length - before);
        Assert.Contains(Logs, l => l.Contains("ffmpeg exit code") && l.Contains("ffmpeg said:"));
        Assert.DoesNotContain(Logs, l => l.Contains(Path.GetTempPath() + "takedown-video-"));
    }

    [Theory]
    [InlineData("clip.mp4")]
    [InlineData("clip.webm")]
    public async Task BytesThatAreNoContainer_NamedAsAVideo_AreRefusedBeforeFfmpeg(string name)
    {
        var bytes = Encoding.ASCII.GetBytes("not a video at all, just some bytes with a video's name " + new string('x', 400));
        var before = FfmpegRuns().Length;
        var body = await Problem.AssertAsync(await Api.UploadAsync("/api/v1/match", bytes, name), 400, "file");
        Assert.Contains("MP4/MOV, WebM/MKV, AVI, MPEG-TS or FLV", body["errors"]!["file"]![0]!.GetValue<string>());
        await Problem.AssertAsync(await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", bytes, name, ("signal_type", "vpdq")), 400, "file");
        Assert.Equal(before, FfmpegRuns().Length);
    }

    [Fact]
    public async Task MovWithAnExternalDataReference_CannotReadTheReferencedFile()
    {
        // The one container that can name another file: an MP4/MOV data reference. Index last, so it takes the temporary-file path.
        var crafted = MovWithExternalReference.Craft(Original, SecretMp4);
        Assert.Equal(VideoContainer.IsoBmff, VideoSniffer.Sniff(crafted));
        Assert.False(VideoSniffer.IndexFirst(crafted));
        var path = Path.Combine(TempDir, "crafted.mov");
        await File.WriteAllBytesAsync(path, crafted);
        // The reference is real: with drefs allowed ffmpeg decodes the secret video through it.
        Assert.True(await PlainFfmpegFramesAsync(["-f", "mov", "-enable_drefs", "1", "-use_absolute_path", "1", "-i", path]) > 0);

        var before = FfmpegRuns().Length;
        foreach (var answer in new[]
                 {
                     await Api.UploadAsync("/api/v1/match", crafted, "crafted.mov"),
                     await Api.UploadAsync("/api/v1/banks/VIDEOS/entries", crafted, "crafted.mov"),
                     await Api.UploadAsync("/api/v1/review/checks", crafted, "crafted.mov", ("content_id", "crafted")),
                 })
        {
            var body = await Problem.AssertAsync(answer, 400, "file");
            Assert.Contains("no frame could be decoded", body["errors"]!["file"]![0]!.GetValue<string>());
            AssertNoFfmpegWords(body.ToJsonString());
        }
        var runs = FfmpegRuns()[before..];
        Assert.Equal(3, runs.Length);
        Assert.All(runs, r => Assert.Contains("-protocol_whitelist file -f mov -enable_drefs 0 -use_absolute_path 0", r));
    }

    private static void AssertNoFfmpegWords(string text)
    {
        foreach (var word in new[] { "ffmpeg", "Invalid data", "whitelist", "Protocol", "pipe:", "file:/", "moov", "partial file", "Error when", "[hls", "[dash", "[concat", "[mov", "secret", "takedown-video-", "/tmp" })
            Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<int> PlainFfmpegFramesAsync(string[] input)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", .. input, "-vf", "fps=1,scale=32:32", "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"])
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(output);
        await process.WaitForExitAsync();
        await stderr;
        return (int)(output.Length / (32 * 32));
    }

    /// <summary>A MOV whose only track's data is, by an alias data reference (dref "alis"), another file on the server.</summary>
    private static class MovWithExternalReference
    {
        public static byte[] Craft(byte[] mp4, string externalPath)
        {
            var top = Children(mp4);
            var ftyp = top.First(b => b.Type == "ftyp");
            var moov = top.First(b => b.Type == "moov");
            var newMoov = Replace(mp4.AsSpan(moov.Offset, moov.Size).ToArray(), ["trak", "mdia", "minf", "dinf", "dref"], Dref(externalPath));
            return [.. mp4.AsSpan(ftyp.Offset, ftyp.Size), .. Box("mdat", new byte[16]), .. newMoov];
        }
    
        private static byte[] Dref(string path)
        {
            var alis = new List<byte>();
            alis.AddRange(new byte[4]);                      // version and flags
            alis.AddRange(new byte[10]);                     // skipped
            alis.Add(0); alis.AddRange(new byte[27]);       // volume name: none
            alis.AddRange(new byte[12]);
            alis.Add(0); alis.AddRange(new byte[63]);       // file name: none
            alis.AddRange(new byte[16]);
            alis.AddRange(new byte[] { 0, 0, 0, 0 });        // nlvl_from, nlvl_to: an absolute path
            alis.AddRange(new byte[16]);
            var p = Encoding.ASCII.GetBytes(path);
            alis.AddRange(new byte[] { 0, 2, (byte)(p.Length >> 8), (byte)p.Length });
            alis.AddRange(p);
            if (p.Length % 2 == 1) alis.Add(0);
            alis.AddRange(new byte[] { 0xFF, 0xFF, 0, 0 });
            return Box("dref", [0, 0, 0, 0, 0, 0, 0, 1, .. Box("alis", [.. alis])]);
        }
    
        private static byte[] Replace(byte[] box, string[] path, byte[] replacement)
        {
            var children = Children(box.AsSpan(8).ToArray());
            var body = new List<byte>();
            var done = false;
            foreach (var child in children)
            {
                var bytes = box.AsSpan(8 + child.Offset, child.Size).ToArray();
                if (!done && child.Type == path[0])
                {
                    bytes = path.Length == 1 ? replacement : Replace(bytes, path[1..], replacement);
                    done = true;
                }
                body.AddRange(bytes);
            }
            return Box(Encoding.ASCII.GetString(box, 4, 4), [.. body]);
        }
    
        private static List<(string Type, int Offset, int Size)> Children(byte[] content)
        {
            var list = new List<(string, int, int)>();
            for (var at = 0; at + 8 <= content.Length;)
            {
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(at));
                if (size < 8 || at + size > content.Length) break;
                list.Add((Encoding.ASCII.GetString(content, at + 4, 4), at, size));
                at += size;
            }
            return list;
        }
    
        private static byte[] Box(string type, byte[] body)
        {
            var box = new byte[8 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
            Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
            body.CopyTo(box, 8);
            return box;
        }
    }

    private sealed class CollectingLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose() { }
    }
}
