using SkiaSharp;
using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

/// <summary>
/// JPEGs through the system libjpeg-turbo: the same pixels as SkiaSharp's full decode (and as the
/// reference's, see <see cref="ReferenceVectorTests"/>), grey JPEGs as one channel, never row-sampled.
/// </summary>
public sealed class TurboJpegTests
{
    private static readonly ImageLimits Skia = ImageLimits.Default with { JpegDecoder = JpegDecoder.Skia };

    private static byte[] Jpeg(int width, int height, int seed, bool greyscale, int quality)
    {
        using SKBitmap scene = SyntheticImages.Scene(width, height, seed);
        if (!greyscale)
        {
            return SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, quality);
        }

        // A one-component (greyscale) JPEG.
        using var grey = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(grey))
        {
            canvas.DrawBitmap(scene, 0, 0);
        }

        return SyntheticImages.Encode(grey, SKEncodedImageFormat.Jpeg, quality);
    }

    [Theory]
    [InlineData(300, 200, 1, false, 90)]
    [InlineData(257, 131, 2, false, 75)]
    [InlineData(640, 1200, 3, false, 95)]
    [InlineData(301, 199, 4, true, 90)]
    [InlineData(1000, 700, 5, true, 85)]
    public void Decode_OfJpeg_GivesSkiaSharpsFullDecodePixels(int width, int height, int seed, bool greyscale, int quality)
    {
        Assert.True(TurboJpeg.IsAvailable);
        byte[] jpeg = Jpeg(width, height, seed, greyscale, quality);

        Assert.Null(ImageDecoder.TryDecode(jpeg, ImageLimits.Default, out DecodedImage? turbo));
        Assert.Null(ImageDecoder.TryDecode(jpeg, Skia, out DecodedImage? skia));
        using (turbo)
        using (skia)
        {
            Assert.Equal(greyscale ? 1 : 4, turbo!.Channels);
            Assert.Equal(skia!.Channels, turbo.Channels);
            Assert.Equal((skia.Width, skia.Height), (turbo.Width, turbo.Height));
            Assert.True(skia.Pixels.SequenceEqual(turbo.Pixels), "libjpeg-turbo and SkiaSharp decoded different pixels");
        }
    }

    [Fact]
    public void Decode_OfTallJpegForPdq_DecodesEveryRowWithLibjpegTurboButSamplesRowsWithSkiaSharp()
    {
        byte[] jpeg = Jpeg(600, 1400, 7, greyscale: false, 90);

        Assert.Null(ImageDecoder.TryDecode(jpeg, ImageLimits.Default, sampleRowsForPdq: true, out DecodedImage? turbo));
        Assert.Null(ImageDecoder.TryDecode(jpeg, Skia, sampleRowsForPdq: true, out DecodedImage? skia));
        using (turbo)
        using (skia)
        {
            Assert.False(turbo!.RowsSampled);
            Assert.True(skia!.RowsSampled);
        }

        PdqResult a = PdqHasher.HashImage(jpeg, ImageLimits.Default, includeDihedral: true);
        PdqResult b = PdqHasher.HashImage(jpeg, Skia, includeDihedral: true);
        Assert.Equal(b.Hash, a.Hash);
        Assert.Equal(b.Quality, a.Quality);
        Assert.Equal(b.Dihedral, a.Dihedral);
    }

    [Fact]
    public void Hash_FromManyThreadsAtOnce_IsTheSameEverywhere()
    {
        // Pooled decoder handles: one thread at a time each, however many threads hash.
        byte[][] files = [Jpeg(400, 300, 11, greyscale: false, 90), Jpeg(350, 260, 12, greyscale: true, 90)];
        PdqResult[] expected = files.Select(f => PdqHasher.HashImage(f, Skia)).ToArray();
        var results = new PdqResult[64];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = PdqHasher.HashImage(files[i % 2], ImageLimits.Default));

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % 2].Hash, results[i].Hash);
        }
    }

    [Fact]
    public void JpegDecoderName_SaysWhichDecoderReadsJpegs()
    {
        Assert.Equal("SkiaSharp", ImageDecoder.JpegDecoderName(Skia));
        Assert.Equal(TurboJpeg.IsAvailable ? "libjpeg-turbo (system)" : "SkiaSharp", ImageDecoder.JpegDecoderName(ImageLimits.Default));
    }
}
