using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

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
/// ffmpeg runs as a child process with a time limit; its frames are read from its standard output.
/// The upload is written to a private temporary file for ffmpeg (containers need to seek) and deleted.
/// </summary>
public static class VideoHasher
{
    public static async Task<(IReadOnlyList<VideoFrame>? Frames, VideoError? Error, int Decoded)> HashAsync(ReadOnlyMemory<byte> file, VideoOptions options, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("takedown-video-");
        var path = Path.Combine(dir.FullName, "input");
        try
        {
            await File.WriteAllBytesAsync(path, file.ToArray(), ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return await HashFileAsync(path, options, ct);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static async Task<(IReadOnlyList<VideoFrame>? Frames, VideoError? Error, int Decoded)> HashFileAsync(string path, VideoOptions options, CancellationToken ct)
    {
        var size = options.FrameSize;
        var psi = new ProcessStartInfo(options.FfmpegPath)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-hide_banner", "-nostdin", "-loglevel", "error", "-t", options.MaxSeconds.ToString(CultureInfo.InvariantCulture),
                     "-i", path, "-an", "-sn", "-dn",
                     "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={options.FramesPerSecond},scale={size}:{size}:flags=area"),
                     "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1",
                 })
            psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Win32Exception)
        {
            return (null, new VideoError(VideoErrorKind.FfmpegMissing, $"ffmpeg is not available ({options.FfmpegPath}): install the Debian package ffmpeg"), 0);
        }
        using var _ = process;
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        var stderr = ReadLimitedAsync(process.StandardError, 2000);
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
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            return (null, new VideoError(VideoErrorKind.Timeout, $"decoding took longer than {options.Timeout.TotalSeconds:0.###} s and was stopped"), decoded);
        }
        catch
        {
            Kill(process);
            throw;
        }
        var errors = await stderr;
        if (process.ExitCode != 0 && frames.Count == 0 || decoded == 0)
            return (null, new VideoError(VideoErrorKind.NotAVideo, "is not a video ffmpeg can decode" + (errors.Length > 0 ? $" ({FirstLine(errors)})" : "")), decoded);
        return (frames, null, decoded);
    }

    private static string FirstLine(string s)
    {
        var line = s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        // ffmpeg names the input path; the temporary path says nothing useful.
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        return (colon >= 0 ? line[(colon + 2)..] : line).Trim();
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

/// <summary>Recognises common video containers by their first bytes (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG-TS/PS, Ogg).</summary>
public static class VideoSniffer
{
    public static bool IsLikelyVideo(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12) return false;
        if (file.Slice(4, 4).SequenceEqual("ftyp"u8)) return !file.Slice(8, 4).SequenceEqual("avif"u8) && !file.Slice(8, 4).SequenceEqual("heic"u8);
        if (file[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return true;
        if (file[..4].SequenceEqual("RIFF"u8) && file.Slice(8, 4).SequenceEqual("AVI "u8)) return true;
        if (file[..3].SequenceEqual("FLV"u8) || file[..4].SequenceEqual("OggS"u8)) return true;
        if (file[..4].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0xBA])) return true;
        return file[0] == 0x47 && file.Length > 188 && file[188] == 0x47;
    }
}
