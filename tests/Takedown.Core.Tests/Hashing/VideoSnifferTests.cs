using System.Text;
using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

public sealed class VideoSnifferTests
{
    private static byte[] Box(string type, byte[] body)
    {
        var box = new byte[8 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        body.CopyTo(box, 8);
        return box;
    }

    private static byte[] Ftyp(string brand) => Box("ftyp", [.. Encoding.ASCII.GetBytes(brand), 0, 0, 0, 0, .. Encoding.ASCII.GetBytes("isom")]);

    private static byte[] Pad(byte[] head, int length = 1024) => [.. head, .. new byte[Math.Max(0, length - head.Length)]];

    public static TheoryData<string, byte[], VideoContainer> Videos()
    {
        var ts = new byte[188 * 12];
        for (var i = 0; i < ts.Length; i += 188) ts[i] = 0x47;
        return new()
        {
            { "mp4", Pad(Ftyp("isom")), VideoContainer.IsoBmff },
            { "mov", Pad(Ftyp("qt  ")), VideoContainer.IsoBmff },
            { "3gp", Pad(Ftyp("3gp4")), VideoContainer.IsoBmff },
            { "webm", Pad([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8]), VideoContainer.Matroska },
            { "mkv", Pad([0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, .. "matroska"u8]), VideoContainer.Matroska },
            { "avi", Pad([.. "RIFF"u8, 0, 0, 1, 0, .. "AVI LIST"u8]), VideoContainer.Avi },
            { "flv", Pad([.. "FLV"u8, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]), VideoContainer.Flv },
            { "mpeg-ts", ts, VideoContainer.MpegTs },
        };
    }

    [Theory]
    [MemberData(nameof(Videos))]
    public void Containers_AreRecognisedByTheirBytes(string what, byte[] file, VideoContainer expected) =>
        Assert.True(VideoSniffer.Sniff(file) == expected, what);

    public static TheoryData<string, byte[]> NotVideos()
    {
        var brokenTs = new byte[188 * 12];
        for (var i = 0; i < brokenTs.Length; i += 188) brokenTs[i] = 0x47;
        brokenTs[188 * 7] = 0;
        var shortTs = new byte[188 * 2];
        shortTs[0] = shortTs[188] = 0x47;
        return new()
        {
            { "hls", Encoding.UTF8.GetBytes("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n") },
            { "hls with BOM", [0xEF, 0xBB, 0xBF, .. "#EXTM3U\n#EXTINF:10,\n/var/lib/x.ts\n"u8] },
            { "dash", Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"><Period/></MPD>") },
            { "ffconcat", Encoding.UTF8.GetBytes("ffconcat version 1.0\nfile '/etc/hostname'\n") },
            { "sdp", Encoding.UTF8.GetBytes("v=0\no=- 0 0 IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n") },
            { "avif image", Pad(Ftyp("avif")) },
            { "heic image", Pad(Ftyp("heic")) },
            { "ebml but no matroska doctype", Pad([0x1A, 0x45, 0xDF, 0xA3, 0x80]) },
            { "wav (riff, not avi)", Pad([.. "RIFF"u8, 0, 0, 1, 0, .. "WAVEfmt "u8]) },
            { "webp (riff, not avi)", Pad([.. "RIFF"u8, 0, 0, 1, 0, .. "WEBPVP8 "u8]) },
            { "mpeg-ts sync lost", brokenTs },
            { "mpeg-ts too short", shortTs },
            { "mpeg-ps", Pad([0x00, 0x00, 0x01, 0xBA, 0x44]) },
            { "ogg", Pad([.. "OggS"u8, 0]) },
            { "png", Pad([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) },
            { "empty", [] },
            { "ftyp with a zero size", Pad([0, 0, 0, 0, .. "ftypisom"u8]) },
        };
    }

    [Theory]
    [MemberData(nameof(NotVideos))]
    public void EverythingElse_IsNotAVideo(string what, byte[] file) => Assert.True(VideoSniffer.Sniff(file) is null, what);

    [Theory]
    [InlineData("#EXTM3U\n", "an HLS playlist")]
    [InlineData("  \n<?xml version=\"1.0\"?><MPD/>", "a DASH manifest")]
    [InlineData("ffconcat version 1.0\n", "an ffconcat script")]
    public void Manifests_AreNamedInTheRefusal(string text, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(name, VideoSniffer.Manifest(bytes));
        var reason = VideoSniffer.Refusal(bytes);
        Assert.Contains(name, reason);
        Assert.Contains("upload the video itself", reason);
    }

    [Fact]
    public void IndexFirst_FollowsTheTopLevelBoxes()
    {
        var moov = Box("moov", new byte[16]);
        var mdat = Box("mdat", new byte[64]);
        var free = Box("free", new byte[4]);
        Assert.True(VideoSniffer.IndexFirst([.. Ftyp("isom"), .. free, .. moov, .. mdat]));
        Assert.False(VideoSniffer.IndexFirst([.. Ftyp("isom"), .. mdat, .. moov]));
        Assert.False(VideoSniffer.IndexFirst([.. Ftyp("isom"), 0, 0, 0, 0, .. "junk"u8]));
        Assert.False(VideoSniffer.IndexFirst(Ftyp("isom")));
    }

    [Theory]
    [InlineData("clip.MP4", true)]
    [InlineData("list.m3u8", true)]
    [InlineData("manifest.mpd", true)]
    [InlineData("photo.jpg", false)]
    [InlineData(null, false)]
    public void FileNames_DeclareAVideo(string? name, bool declared) => Assert.Equal(declared, VideoSniffer.IsDeclaredVideo(name));
}
