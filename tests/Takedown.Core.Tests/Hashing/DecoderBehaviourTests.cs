using SkiaSharp;
using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

/// <summary>The decoder hands PDQ the pixels the reference CLI sees.</summary>
public sealed class DecoderBehaviourTests
{
    private static (int W, int H, byte[] Rgba) SceneRgba(int seed)
    {
        using SKBitmap scene = SyntheticImages.Scene(160, 120, seed);
        return (scene.Width, scene.Height, scene.Bytes);
    }

    private static PdqResult HashOk(byte[] file)
    {
        PdqResult r = PdqHasher.HashImage(file, ImageLimits.Default);
        Assert.True(r.IsSuccess, r.Error?.Reason);
        return r;
    }

    [Fact]
    public void Hash_OfImageWithAlpha_IgnoresAlphaInsteadOfCompositing()
    {
        (int w, int h, byte[] rgba) = SceneRgba(21);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            rgb[(i * 3) + 0] = rgba[(i * 4) + 0];
            rgb[(i * 3) + 1] = rgba[(i * 4) + 1];
            rgb[(i * 3) + 2] = rgba[(i * 4) + 2];
            rgba[(i * 4) + 3] = (byte)(i % 3 == 0 ? 0 : (i * 7) & 0xFF); // transparent pixels keep their colour
        }

        PdqResult withAlpha = HashOk(CraftedFiles.PngRgba(w, h, rgba));
        PdqResult opaque = HashOk(CraftedFiles.PngRgb(w, h, rgb));

        Assert.Equal(opaque.Hash, withAlpha.Hash);
        Assert.Equal(opaque.Quality, withAlpha.Quality);
    }

    [Fact]
    public void Hash_OfGreyscalePng_UsesTheGreyValueAsLuma()
    {
        (int w, int h, byte[] rgba) = SceneRgba(22);
        var grey = new byte[w * h];
        var luma = new float[w * h];
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = rgba[i * 4];
            luma[i] = grey[i];
            rgb[i * 3] = rgb[(i * 3) + 1] = rgb[(i * 3) + 2] = grey[i];
        }

        PdqResult fromGreyPng = HashOk(CraftedFiles.PngGrey(w, h, grey));
        PdqResult fromNeutralRgbPng = HashOk(CraftedFiles.PngRgb(w, h, rgb));
        PdqHashWithQuality fromLuma = PdqHasher.HashLuma(luma, h, w);

        Assert.Equal(fromLuma.Hash, fromGreyPng.Hash);
        Assert.Equal(fromLuma.Quality, fromGreyPng.Quality);
        Assert.Equal(fromLuma.Hash, fromNeutralRgbPng.Hash);
    }

    [Fact]
    public void Hash_OfAnimatedGif_IsTheHashOfItsFirstFrame()
    {
        const int w = 96, h = 80;
        byte[] palette = [0, 0, 0, 250, 240, 230, 200, 30, 30, 20, 60, 190];
        var first = new byte[w * h];
        var second = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                first[(y * w) + x] = (byte)(((x / 12) + (y / 20)) % 4);
                second[(y * w) + x] = (byte)((((x * x) + (3 * y)) / 50) % 4);
            }
        }

        PdqResult gif = HashOk(CraftedFiles.Gif(w, h, palette, first, second));
        PdqResult firstOnly = HashOk(CraftedFiles.PngRgb(w, h, Expand(first, palette)));
        PdqResult secondOnly = HashOk(CraftedFiles.PngRgb(w, h, Expand(second, palette)));

        Assert.Equal(firstOnly.Hash, gif.Hash);
        Assert.NotEqual(secondOnly.Hash, gif.Hash);
    }

    [Fact]
    public void Decode_OfSixteenBitPng_RoundsSamplesToEightBits()
    {
        const int w = 64, h = 48;
        var samples = new ushort[w * h * 3];
        var rounded = new byte[w * h * 3];
        var highByte = new byte[w * h * 3];
        var rng = new Random(9);
        for (int i = 0; i < samples.Length; i++)
        {
            // Smooth content plus low-order noise that rounding and truncation treat differently.
            int pixel = i / 3;
            int baseValue = (((pixel % w) * 900) + ((pixel / w) * 500) + ((i % 3) * 7000)) % 60000;
            samples[i] = (ushort)(baseValue + rng.Next(256));
            rounded[i] = (byte)((samples[i] + 128) / 257);
            highByte[i] = (byte)(samples[i] >> 8);
        }

        byte[] png16 = CraftedFiles.Png16Rgb(w, h, samples);
        Assert.Null(ImageDecoder.TryDecode(png16, ImageLimits.Default, out DecodedImage? image));
        using (image)
        {
            Assert.Equal(4, image!.Channels);
            for (int i = 0; i < w * h; i++)
            {
                Assert.Equal(rounded[i * 3], image.Pixels[i * 4]);
                Assert.Equal(rounded[(i * 3) + 1], image.Pixels[(i * 4) + 1]);
                Assert.Equal(rounded[(i * 3) + 2], image.Pixels[(i * 4) + 2]);
            }
        }

        Assert.Equal(HashOk(CraftedFiles.PngRgb(w, h, rounded)).Hash, HashOk(png16).Hash);
        Assert.Contains(Enumerable.Range(0, rounded.Length), i => rounded[i] != highByte[i]);
    }

    [Fact]
    public void Rounding_FromSixteenBits_AgreesWithFloorOfValuePlus128Over257ForEveryValue()
    {
        for (int v = 0; v < 65536; v++)
        {
            Assert.Equal((byte)((v + 128) / 257), Png16Decoder.Round16To8(v));
        }
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(3, 10)]
    [InlineData(10, 4)]
    [InlineData(1, 1)]
    public void Hash_OfImageUnderFivePixelsOnASide_IsZeroWithQualityZero(int w, int h)
    {
        var rgb = new byte[w * h * 3];
        new Random(w * 31 + h).NextBytes(rgb);

        PdqResult r = HashOk(CraftedFiles.PngRgb(w, h, rgb));

        Assert.Equal(PdqHash.Zero, r.Hash);
        Assert.Equal(new string('0', 64), r.Hash.ToString());
        Assert.Equal(0, r.Quality);
    }

    [Fact]
    public void Hash_OfJpegWithExifOrientation_HashesTheStoredPixelGrid()
    {
        // bridge-1-original.jpg carries an EXIF block; the reference does not auto-orient.
        PdqResult r = HashOk(TestFiles.Read("images/reg-test-input/dih/bridge-1-original.jpg"));
        Assert.Equal(TestFiles.Expected("images/reg-test-input/dih/bridge-1-original.jpg").Hash, r.Hash.ToString());
    }

    [Fact]
    public void Hash_OfImageOver512Pixels_UsesTheNearestNeighbourPreResize()
    {
        // 1000x300 -> exactly 512x512 by nearest neighbour, so it hashes as the hand-resampled copy.
        using SKBitmap scene = SyntheticImages.Scene(1000, 300, seed: 4);
        byte[] big = scene.Bytes;
        var small = new byte[512 * 512 * 3];
        for (int y = 0; y < 512; y++)
        {
            int sy = y * 300 / 512;
            for (int x = 0; x < 512; x++)
            {
                int sx = x * 1000 / 512;
                for (int c = 0; c < 3; c++)
                {
                    small[(((y * 512) + x) * 3) + c] = big[(((sy * 1000) + sx) * 4) + c];
                }
            }
        }

        Assert.Equal(
            HashOk(CraftedFiles.PngRgb(512, 512, small)).Hash,
            HashOk(SyntheticImages.Encode(scene, SKEncodedImageFormat.Png)).Hash);
    }

    private static byte[] Expand(byte[] indices, byte[] palette)
    {
        var rgb = new byte[indices.Length * 3];
        for (int i = 0; i < indices.Length; i++)
        {
            rgb[i * 3] = palette[indices[i] * 3];
            rgb[(i * 3) + 1] = palette[(indices[i] * 3) + 1];
            rgb[(i * 3) + 2] = palette[(indices[i] * 3) + 2];
        }

        return rgb;
    }
}
