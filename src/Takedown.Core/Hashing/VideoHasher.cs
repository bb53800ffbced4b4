using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Takedown.Core.Hashing;

/// <summary>Limits and settings of video hashing (configuration section "Hashing:Video").</summary>
public sealed class VideoOptions
{
    /// <summary>The ffmpeg program (Debian package ffmpeg).</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>Frames hashed per second of video (default 1, as vPDQ's usual setting).</summary>
    public double FramesPerSecond { get; set; } = 1;

    /// <summary>Frames are scaled (area averaging) to this square size before PDQ, so resized copies meet on the same grid.</summary>
    public int FrameSize { get; set; } = 128;

    /// <summary>A frame within this PDQ distance of the last kept frame is dropped as near-identical (default 4).</summary>
    public int PruneDistance { get; set; } = 4;

    /// <summary>Decoding is killed past this time (default 60 s): hostile files cannot hold a worker.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many seconds of video are decoded (default 2 hours).</summary>
    public int MaxSeconds { get; set; } = 7200;

    /// <summary>Two frames match within this PDQ distance (default 31).</summary>
    public int FrameDistance { get; set; } = 31;

    /// <summary>Frames below this quality are not matched on (default 50).</summary>
    public int MinFrameQuality { get; set; } = 50;

    /// <summary>A bank video matches when at least this share of its frames are in the query (default 0.8, vPDQ's P_c).</summary>
    public double MinBankFramesMatched { get; set; } = 0.8;

    /// <summary>... and at least this share of the query's frames are in the bank video (default 0, vPDQ's P_q).</summary>
    public double MinQueryFramesMatched { get; set; } = 0;
}

/// <summary>One hashed frame: its time in the video, PDQ hash and quality.</summary>
public readonly record struct VideoFrame(double Seconds, PdqHash Hash, int Quality);

public enum VideoErrorKind { FfmpegMissing, NotAVideo, Timeout, TooLong }

public sealed record VideoError(VideoErrorKind Kind, string Reason);

/// <summary>
/// vPDQ: decodes a video with ffmpeg (one frame per second by default, grey, scaled to a fixed
/// square), hashes every frame with PDQ and drops frames near-identical to the previous kept one.
/// <para>
/// The upload is data, never instructions to ffmpeg: its container is recognised by its bytes first
/// (<see cref="VideoSniffer"/>; anything else is refused and ffmpeg does not run), ffmpeg is told that
/// demuxer with <c>-f</c> (no guessing, so no playlist or manifest demuxer can be reached), and reads
/// the bytes from a pipe with <c>-protocol_whitelist pipe</c>, so no demuxer can open a file or a URL.
/// Only an MP4/MOV whose index (moov) follows its media needs to seek: it is written to a private
/// temporary file, opened with <c>-protocol_whitelist file</c> and the mov demuxer's external data
/// references off (<c>-enable_drefs 0</c>). ffmpeg runs as a child process with a time limit; its
/// diagnostics are logged (bounded) and never returned: errors are in our words.
/// </para>
/// </summary>
public static class VideoHasher
{
    private const int MaxDiagnosticChars = 2000;

    public static async Task<(IReadOnlyList<VideoFrame>? Frames, VideoError? Error, int Decoded)> HashAsync(ReadOnlyMemory<byte> file, VideoOptions options, ILogger logger, CancellationToken ct)
    {
        if (VideoSniffer.Sniff(file.Span) is not { } container)
        {
            HashingLog.VideoRefused(logger, file.Length);
            return (null, new VideoError(VideoErrorKind.NotAVideo, VideoSniffer.Refusal(file.Span)), 0);
        }
        if (container != VideoContainer.IsoBmff || VideoSniffer.IndexFirst(file.Span))
            return await RunAsync(["-protocol_whitelist", "pipe", "-f", VideoSniffer.DemuxerOf(container)], "pipe:0", file, container, options, logger, ct);
        var dir = Directory.CreateTempSubdirectory("takedown-video-");
        var path = Path.Combine(dir.FullName, "input");
        try
        {
            await File.WriteAllBytesAsync(path, file.ToArray(), ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return await RunAsync(["-protocol_whitelist", "file", "-f", "mov", "-enable_drefs", "0", "-use_absolute_path", "0"], "file:" + path, null, container, options, logger, ct);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Hashes a video file on disk (the command line and benchmarks), through the same checks as an upload.</summary>
    public static async Task<(IReadOnlyList<VideoFrame>? Frames, VideoError? Error, int Decoded)> HashFileAsync(string path, VideoOptions options, CancellationToken ct) =>
        await HashAsync(await File.ReadAllBytesAsync(path, ct), options, NullLogger.Instance, ct);

    /// <summary>Runs ffmpeg with these input options on <paramref name="input"/>, writing <paramref name="stdin"/> to it when given.</summary>
    internal static async Task<(IReadOnlyList<VideoFrame>? Frames, VideoError? Error, int Decoded)> RunAsync(
        IReadOnlyList<string> inputOptions, string input, ReadOnlyMemory<byte>? stdin, VideoContainer container, VideoOptions options, ILogger logger, CancellationToken ct)
    {
        var size = options.FrameSize;
        var psi = new ProcessStartInfo(options.FfmpegPath)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in (string[])
                 [
                     "-hide_banner", "-nostdin", "-loglevel", "error", .. inputOptions,
                     "-t", options.MaxSeconds.ToString(CultureInfo.InvariantCulture), "-i", input, "-an", "-sn", "-dn",
                     "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={options.FramesPerSecond},scale={size}:{size}:flags=area"),
                     "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1",
                 ])
            psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Win32Exception)
        {
            return (null, new VideoError(VideoErrorKind.FfmpegMissing, $"ffmpeg is not available ({options.FfmpegPath}): install the Debian package ffmpeg"), 0);
        }
        using var _ = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        var writer = WriteInputAsync(process.StandardInput.BaseStream, stdin, timeout.Token);
        var stderr = ReadLimitedAsync(process.StandardError, MaxDiagnosticChars);
        var frames = new List<VideoFrame>();
        var decoded = 0;
        var buffer = new byte[size * size];
        var luma = new float[size * size];
        var stream = process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                var filled = 0;
                while (filled < buffer.Length)
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                    if (n == 0) break;
                    filled += n;
                }
                if (filled < buffer.Length) break;
                for (var i = 0; i < luma.Length; i++) luma[i] = buffer[i];
                var hash = PdqHasher.HashLuma(luma, size, size);
                var seconds = decoded / options.FramesPerSecond;
                decoded++;
                if (frames.Count > 0 && frames[^1].Hash.DistanceTo(hash.Hash) <= options.PruneDistance) continue;
                frames.Add(new VideoFrame(seconds, hash.Hash, hash.Quality));
            }
            await process.WaitForExitAsync(timeout.Token);
            await writer;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            HashingLog.VideoTimedOut(logger, container, options.Timeout.TotalSeconds);
            return (null, new VideoError(VideoErrorKind.Timeout, $"decoding took longer than {options.Timeout.TotalSeconds:0.###} s and was stopped"), decoded);
        }
        catch
        {
            Kill(process);
            throw;
        }
        var diagnostics = await stderr;
        if (process.ExitCode != 0 && frames.Count == 0 || decoded == 0)
        {
            HashingLog.VideoNotDecoded(logger, container, process.ExitCode, decoded, Sanitize(diagnostics, input));
            return (null, new VideoError(VideoErrorKind.NotAVideo,
                $"looks like {Describe(container)} but no frame could be decoded from it (damaged, truncated or without a video stream)"), decoded);
        }
        if (diagnostics.Length > 0) HashingLog.VideoDecodedWithErrors(logger, container, decoded, Sanitize(diagnostics, input));
        return (frames, null, decoded);
    }

    private static string Describe(VideoContainer container) => container switch
    {
        VideoContainer.IsoBmff => "an MP4/MOV file",
        VideoContainer.Matroska => "a WebM/MKV file",
        VideoContainer.Avi => "an AVI file",
        VideoContainer.MpegTs => "an MPEG-TS file",
        _ => "an FLV file",
    };

    private static async Task WriteInputAsync(Stream stdin, ReadOnlyMemory<byte>? bytes, CancellationToken ct)
    {
        try
        {
            if (bytes is { } b) await stdin.WriteAsync(b, ct);
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (it gave up on the input, or had enough): its exit status says what happened.
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            try { stdin.Close(); } catch (IOException) { }
        }
    }

    /// <summary>ffmpeg's messages for the log: printable ASCII only, the private input path left out, bounded.</summary>
    private static string Sanitize(string diagnostics, string input)
    {
        var text = diagnostics.Replace(input, "<input>", StringComparison.Ordinal);
        var sb = new StringBuilder(Math.Min(text.Length, 500));
        foreach (var ch in text)
        {
            if (sb.Length >= 500) break;
            sb.Append(ch is >= ' ' and <= '~' ? ch : ch is '\n' ? '|' : '?');
        }
        return sb.ToString();
    }

    private static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader, int limit)
    {
        var sb = new StringBuilder();
        var buffer = new char[1024];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            if (sb.Length < limit) sb.Append(buffer, 0, Math.Min(n, limit - sb.Length));
        return sb.ToString();
    }
}

/// <summary>
/// The <c>vpdq</c> signal: the kept frames as "seconds,quality,hash" separated by ";" (seconds with
/// three decimals). Matching treats a video as a set of frame hashes, as vPDQ does.
/// </summary>
public static class VideoSignature
{
    public const int MaxFrames = 20_000;

    public static string Format(IEnumerable<VideoFrame> frames) => string.Join(';', frames.Select(f =>
        string.Create(CultureInfo.InvariantCulture, $"{f.Seconds:0.###},{f.Quality},{f.Hash}")));

    public static bool TryParse(string? value, out List<VideoFrame> frames)
    {
        frames = [];
        if (string.IsNullOrEmpty(value)) return false;
        foreach (var part in value.Split(';'))
        {
            var f = part.Split(',');
            if (f.Length != 3 || frames.Count >= MaxFrames
                || !double.TryParse(f[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) || double.IsInfinity(s)
                || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var q) || q > 100
                || !PdqHash.TryParse(f[2], out var h)) { frames = []; return false; }
            frames.Add(new VideoFrame(s, h, q));
        }
        return true;
    }

    /// <summary>
    /// vPDQ's two percentages: the share of the query's frames with a bank frame within
    /// <paramref name="distance"/>, and the share of the bank video's frames with a query frame
    /// within it (frames below <paramref name="minQuality"/> left out of both).
    /// </summary>
    public static (double QueryMatched, double BankMatched) Compare(IReadOnlyList<VideoFrame> query, IReadOnlyList<VideoFrame> bank, int distance, int minQuality)
    {
        var q = query.Where(f => f.Quality >= minQuality).Select(f => f.Hash).Distinct().ToList();
        var b = bank.Where(f => f.Quality >= minQuality).Select(f => f.Hash).Distinct().ToList();
        if (q.Count == 0 || b.Count == 0) return (0, 0);
        var bankHit = new bool[b.Count];
        var queryHits = 0;
        for (var i = 0; i < q.Count; i++)
        {
            var hit = false;
            for (var j = 0; j < b.Count; j++)
                if (q[i].DistanceTo(b[j]) <= distance) { hit = true; bankHit[j] = true; }
            if (hit) queryHits++;
        }
        return (queryHits / (double)q.Count, bankHit.Count(x => x) / (double)b.Count);
    }
}
