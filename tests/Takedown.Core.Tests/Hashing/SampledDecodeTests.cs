using SkiaSharp;
using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

/// <summary>
/// A JPEG taller than 512 px that SkiaSharp decodes is decoded only at the rows the 512x512 resize
/// samples; the hash must be the one a full decode gives, and broken files must still fail (with
/// either JPEG decoder; libjpeg-turbo always decodes in full).
/// </summary>
public sealed class SampledDecodeTests
{
    private static readonly ImageLimits Skia = ImageLimits.Default with { JpegDecoder = JpegDecoder.Skia };

    private static PdqResult FullDecodeHash(byte[] file, ImageLimits limits)
    {
        Assert.Null(ImageDecoder.TryDecode(file, limits, out DecodedImage? image));
        using (image)
        {
            Assert.False(image!.RowsSampled);
            return PdqHasher.HashDecoded(image, includeDihedral: true);
        }
    }

    [Theory]
    [InlineData(700, 1300, 1)]
    [InlineData(2000, 513, 2)]
    [InlineData(600, 2047, 3)]
    public void Hash_OfTallJpeg_EqualsFullDecodeHash(int width, int height, int seed)
    {
        using SKBitmap scene = SyntheticImages.Scene(width, height, seed);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);

        Assert.Null(ImageDecoder.TryDecode(jpeg, Skia, sampleRowsForPdq: true, out DecodedImage? sampled));
        using (sampled)
        {
            Assert.True(sampled!.RowsSampled);
        }

        PdqResult expected = FullDecodeHash(jpeg, Skia);
        PdqResult actual = PdqHasher.HashImage(jpeg, Skia, includeDihedral: true);
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Quality, actual.Quality);
        Assert.Equal(expected.Dihedral, actual.Dihedral);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Hash_OfTallColourJpegWithGreyContent_DecodesFullyAndUsesTheGreyRule(JpegDecoder decoder)
    {
        ImageLimits limits = ImageLimits.Default with { JpegDecoder = decoder };
        using SKBitmap scene = SyntheticImages.Scene(640, 1200, seed: 9);
        using SKBitmap grey = SyntheticImages.Grey(scene);
        byte[] jpeg = SyntheticImages.Encode(grey, SKEncodedImageFormat.Jpeg, 92);
        Assert.Null(ImageDecoder.TryDecode(jpeg, limits, out DecodedImage? full));
        using (full)
        {
            Assert.Equal(4, full!.Channels);
            Assert.True(full.IsGrey);
        }

        PdqResult expected = FullDecodeHash(jpeg, limits);
        PdqResult actual = PdqHasher.HashImage(jpeg, limits, includeDihedral: true);

        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Quality, actual.Quality);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Hash_OfTallJpegTruncatedAfterTheLastSampledRow_IsTruncatedError(JpegDecoder decoder)
    {
        using SKBitmap scene = SyntheticImages.Scene(600, 1600, seed: 4);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);

        PdqResult r = PdqHasher.HashImage(jpeg.AsSpan(0, jpeg.Length - 200), ImageLimits.Default with { JpegDecoder = decoder });

        Assert.False(r.IsSuccess);
        Assert.Equal(DecodeErrorKind.Truncated, r.Error!.Kind);
    }
}
