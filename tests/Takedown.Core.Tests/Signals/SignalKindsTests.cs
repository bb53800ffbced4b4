using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Core.Hashing;
using Takedown.Core.Signals;

namespace Takedown.Core.Tests.Signals;

public sealed class SignalKindsTests
{
    private static readonly HashingOptions Hashing = new();

    private static SignalKinds BuiltIn() => new(
    [
        new PdqKind(Hashing), new Md5Kind(), new Sha256Kind(), new UrlKind(), new TextKind(Hashing),
        new VpdqKind(Hashing, NullLogger<VpdqKind>.Instance), new VideoMd5Kind(),
    ]);

    [Fact]
    public void Registry_ListsTheBuiltInKindsInOrder_AndWhichComeFromFiles()
    {
        var kinds = BuiltIn();
        Assert.Equal(["pdq", "md5", "sha256", "url", "text", "vpdq", "video_md5"], kinds.Names);
        Assert.Equal(["pdq", "md5", "sha256", "text", "vpdq", "video_md5"], kinds.FileNames);
        Assert.Equal("pdq", kinds.QualityNames);
        Assert.Null(kinds.Find("PDQ"));
        Assert.Null(kinds.Find(null));
        Assert.Equal("vpdq", kinds.SignalOf(FileShape.Video)!.Name);
        Assert.Equal("pdq", kinds.SignalOf(FileShape.Image)!.Name);
        Assert.Equal("text", kinds.SignalOf(FileShape.Text)!.Name);
    }

    [Fact]
    public void TwoKindsWithOneName_AreRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SignalKinds([new Md5Kind(), new Md5Kind()]));
        Assert.Contains("md5", error.Message);
    }

    [Fact]
    public void ContentTypes_FollowTheKinds_EachOnce_InRegistrationOrder()
    {
        var kinds = BuiltIn();
        Assert.Equal(["CONTENT_TYPE_IMAGE", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO"],
            kinds.ContentTypes(new HashSet<string> { "video_md5", "text", "vpdq", "pdq", "md5" }));
        Assert.Empty(kinds.ContentTypes(new HashSet<string> { "md5", "sha256", "url" }));
    }

    [Theory]
    [InlineData("pdq", "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22", "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("md5", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("video_md5", "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("url", "HTTPS://Example.COM/a", "https://example.com/a")]
    public void Parse_NormalisesAValue(string kind, string value, string canonical) =>
        Assert.Equal(canonical, BuiltIn().Find(kind)!.Parse(value)!.Text);

    [Theory]
    [InlineData("pdq", "f8f8")]
    [InlineData("pdq", "g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("md5", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha256", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("text", "not a signature")]
    [InlineData("vpdq", "1,2,3")]
    [InlineData("url", "ftp://example.com/")]
    public void Parse_RefusesWhatIsNotAValueOfTheKind(string kind, string value) => Assert.Null(BuiltIn().Find(kind)!.Parse(value));

    [Fact]
    public void APdqValue_IsAPdqHashInside_AndHexOnlyAtTheEdge()
    {
        var hash = PdqHash.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
        var signal = Assert.IsType<Signal<PdqHash>>(BuiltIn().Find("pdq")!.Parse(hash.ToString().ToUpperInvariant()));
        Assert.Equal(hash, signal.Value);
        Assert.Equal(hash.ToString(), signal.Text);
    }

    [Fact]
    public void Recognise_AVideoByItsBytes_WhateverItsName()
    {
        var mp4 = new byte[1024];
        byte[] ftyp = [0, 0, 0, 16, .. "ftypisom"u8, 0, 0, 0, 0];
        ftyp.CopyTo(mp4, 0);
        Assert.Equal(FileShape.Video, FileSignals.Recognise(mp4, null).Value);
        Assert.Equal(FileShape.Video, FileSignals.Recognise(mp4, "holiday.jpg").Value);
    }

    [Fact]
    public void Recognise_TextByItsName_ManifestsAndFakeVideosAreRefused_AnythingElseIsAnImage()
    {
        var text = Encoding.UTF8.GetBytes("some words here");
        Assert.Equal(FileShape.Text, FileSignals.Recognise(text, "note.TXT").Value);
        Assert.Equal(FileShape.Image, FileSignals.Recognise(text, "note.jpg").Value);
        Assert.Equal(FileShape.Image, FileSignals.Recognise(text, null).Value);
        var fake = FileSignals.Recognise(text, "clip.mp4");
        Assert.False(fake.IsSuccess);
        Assert.Equal("file", Assert.Single(fake.Error!.Fields!).Key);
        var playlist = FileSignals.Recognise("#EXTM3U\n#EXT-X-VERSION:3\nsegment.ts\n"u8, "list.bin");
        Assert.False(playlist.IsSuccess);
    }
}
