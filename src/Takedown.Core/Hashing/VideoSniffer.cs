using System.Buffers.Binary;
using System.Text;

namespace Takedown.Core.Hashing;

/// <summary>The video containers Takedown hands to ffmpeg; each is opened with its own demuxer forced.</summary>
public enum VideoContainer { IsoBmff, Matroska, Avi, MpegTs, Flv }

/// <summary>
/// Recognises an uploaded video by its bytes, never by its name or Content-Type: ISO BMFF (MP4, MOV, 3GP,
/// from the "ftyp" box), Matroska/WebM (EBML header), AVI (RIFF "AVI "), MPEG-TS (sync byte 0x47 every 188
/// bytes) and FLV. Anything else — playlists and manifests (HLS, DASH, ffconcat, SDP) above all, since they
/// make a demuxer open other files or URLs — is refused before ffmpeg runs.
/// </summary>
public static class VideoSniffer
{
    /// <summary>What the refusal says is accepted.</summary>
    public const string Accepted = "MP4/MOV, WebM/MKV, AVI, MPEG-TS or FLV";

    private const int TsPacket = 188;

    // Still-image and image-sequence brands of the ISO BMFF family (HEIF/AVIF): not videos.
    private static readonly string[] ImageBrands = ["avif", "avis", "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "mif2", "msf1", "jpx ", "jp2 ", "crx "];

    private static readonly string[] VideoExtensions =
    [
        ".mp4", ".m4v", ".mov", ".qt", ".3gp", ".3g2", ".mkv", ".webm", ".avi", ".ts", ".m2ts", ".mts", ".flv", ".f4v",
        ".mpg", ".mpeg", ".wmv", ".ogv", ".m3u8", ".m3u", ".mpd", ".ffconcat", ".concat", ".sdp", ".ism", ".f4m",
    ];

    public static VideoContainer? Sniff(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12) return null;
        if (file.Slice(4, 4).SequenceEqual("ftyp"u8) && BinaryPrimitives.ReadUInt32BigEndian(file) >= 8)
        {
            var brand = Encoding.ASCII.GetString(file.Slice(8, 4));
            return ImageBrands.Contains(brand) ? null : VideoContainer.IsoBmff;
        }
        if (file.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            var header = file[..Math.Min(file.Length, 64)];
            return header.IndexOf("webm"u8) >= 0 || header.IndexOf("matroska"u8) >= 0 ? VideoContainer.Matroska : null;
        }
        if (file.StartsWith("RIFF"u8) && file.Slice(8, 4).SequenceEqual("AVI "u8)) return VideoContainer.Avi;
        if (file.Length >= 13 && file.StartsWith("FLV"u8) && file[3] == 1 && BinaryPrimitives.ReadUInt32BigEndian(file[5..]) >= 9) return VideoContainer.Flv;
        if (IsMpegTs(file)) return VideoContainer.MpegTs;
        return null;
    }

    /// <summary>Three packets at least, and the sync byte at the start of each of the first ten.</summary>
    private static bool IsMpegTs(ReadOnlySpan<byte> file)
    {
        if (file.Length < 3 * TsPacket) return false;
        for (var i = 0; i < 10 && i * TsPacket < file.Length; i++)
            if (file[i * TsPacket] != 0x47) return false;
        return true;
    }

    /// <summary>ffmpeg's demuxer for the container: forced with -f so that ffmpeg never guesses from the content.</summary>
    public static string DemuxerOf(VideoContainer container) => container switch
    {
        VideoContainer.IsoBmff => "mov",
        VideoContainer.Matroska => "matroska",
        VideoContainer.Avi => "avi",
        VideoContainer.MpegTs => "mpegts",
        VideoContainer.Flv => "flv",
        _ => throw new ArgumentOutOfRangeException(nameof(container)),
    };

    /// <summary>
    /// Whether an ISO BMFF file has its index (moov) before its media data (mdat), so ffmpeg can read it from
    /// a pipe; when the index comes last ffmpeg must seek, and the file is given as a private temporary file.
    /// </summary>
    public static bool IndexFirst(ReadOnlySpan<byte> file)
    {
        long at = 0;
        while (at + 8 <= file.Length)
        {
            var box = file[(int)at..];
            long size = BinaryPrimitives.ReadUInt32BigEndian(box);
            var type = box.Slice(4, 4);
            if (size == 1 && box.Length >= 16) size = (long)BinaryPrimitives.ReadUInt64BigEndian(box[8..]);
            if (type.SequenceEqual("moov"u8)) return true;
            if (type.SequenceEqual("mdat"u8) || type.SequenceEqual("moof"u8) || size < 8) return false;
            at += size;
        }
        return false;
    }

    /// <summary>Whether the client named the upload as a video or a streaming playlist (by its file name).</summary>
    public static bool IsDeclaredVideo(string? fileName) =>
        fileName is not null && VideoExtensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>What the bytes are when they are a playlist or manifest a demuxer would follow, else null.</summary>
    public static string? Manifest(ReadOnlySpan<byte> file)
    {
        var head = file[..Math.Min(file.Length, 4096)];
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        head = head.TrimStart(" \t\r\n"u8);
        if (head.StartsWith("#EXTM3U"u8)) return "an HLS playlist";
        if (head.StartsWith("ffconcat"u8)) return "an ffconcat script";
        if (head.StartsWith("v=0"u8)) return "an SDP session description";
        if (head.StartsWith("<"u8) && (head.IndexOf("<MPD"u8) >= 0 || head.IndexOf(":MPD"u8) >= 0)) return "a DASH manifest";
        if (head.StartsWith("<"u8) && head.IndexOf("<smil"u8) >= 0) return "a SMIL playlist";
        if (head.StartsWith("#EXT"u8) || head.StartsWith("[playlist]"u8) || head.StartsWith("file "u8)) return "a playlist";
        return null;
    }

    /// <summary>The reason an upload that should be a video is refused, in our words (for the "file" field).</summary>
    public static string Refusal(ReadOnlySpan<byte> file)
    {
        var what = Manifest(file) is { } manifest
            ? $"is {manifest}, not a video: playlists and manifests point at other files and are never opened; upload the video itself"
            : "is not a video container Takedown accepts";
        return $"{what} (accepted: {Accepted}, recognised by their first bytes)";
    }
}
