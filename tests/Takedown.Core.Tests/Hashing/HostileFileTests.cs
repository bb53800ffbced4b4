using SkiaSharp;
using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

/// <summary>Untrusted bytes: every bad file is a <see cref="DecodeError"/> value, never an exception, in bounded memory.</summary>
public sealed class HostileFileTests
{
    private static PdqResult HashWithAllocationBound(byte[] file, long maxAllocatedBytes, JpegDecoder decoder = JpegDecoder.Auto)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        PdqResult result = PdqHasher.HashImage(file, ImageLimits.Default with { JpegDecoder = decoder });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < maxAllocatedBytes, $"allocated {allocated} bytes");
        return result;
    }

    [Fact]
    public void Decode_OfZeroByteFile_IsEmptyFileError()
    {
        PdqResult r = PdqHasher.HashImage([], ImageLimits.Default);

        Assert.False(r.IsSuccess);
        Assert.Equal(DecodeErrorKind.Empty, r.Error!.Kind);
        Assert.Equal("empty file", r.Error.Reason);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Decode_OfTruncatedJpeg_IsTruncatedError(JpegDecoder decoder)
    {
        using SKBitmap scene = SyntheticImages.Scene(300, 200, seed: 5);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);

        PdqResult r = PdqHasher.HashImage(jpeg.AsSpan(0, jpeg.Length * 3 / 5), ImageLimits.Default with { JpegDecoder = decoder });

        Assert.False(r.IsSuccess);
        Assert.Equal(DecodeErrorKind.Truncated, r.Error!.Kind);
        Assert.Equal("truncated image data", r.Error.Reason);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Decode_OfJpegCutInsideItsHeader_IsTruncatedOrUnrecognised(JpegDecoder decoder)
    {
        using SKBitmap scene = SyntheticImages.Scene(300, 200, seed: 5);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);

        PdqResult r = PdqHasher.HashImage(jpeg.AsSpan(0, 40), ImageLimits.Default with { JpegDecoder = decoder });

        Assert.False(r.IsSuccess);
        Assert.Contains(r.Error!.Kind, new[] { DecodeErrorKind.Truncated, DecodeErrorKind.UnrecognisedFormat });
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Decode_OfJpegMissingItsLastBytesOrCorrupt_FailsTheSameWithEitherDecoder(JpegDecoder decoder)
    {
        // Cuts from 2 bytes (only the end-of-image marker) to 40: libjpeg-turbo warns on every one, and
        // SkiaSharp's verdict (today's) is the answer.
        using SKBitmap scene = SyntheticImages.Scene(300, 200, seed: 6);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);
        ImageLimits skia = ImageLimits.Default with { JpegDecoder = JpegDecoder.Skia };

        foreach (int cut in new[] { 2, 3, 10, 40 })
        {
            ReadOnlySpan<byte> file = jpeg.AsSpan(0, jpeg.Length - cut);
            PdqResult expected = PdqHasher.HashImage(file, skia);
            PdqResult actual = PdqHasher.HashImage(file, ImageLimits.Default with { JpegDecoder = decoder });
            Assert.Equal(expected.Error, actual.Error);
            Assert.Equal(expected.Hash, actual.Hash);
        }

        // Garbage in the middle of the entropy-coded data.
        byte[] corrupt = (byte[])jpeg.Clone();
        for (int i = corrupt.Length / 2; i < (corrupt.Length / 2) + 64; i++)
        {
            corrupt[i] ^= 0xA5;
        }

        PdqResult corruptExpected = PdqHasher.HashImage(corrupt, skia);
        PdqResult corruptActual = PdqHasher.HashImage(corrupt, ImageLimits.Default with { JpegDecoder = decoder });
        Assert.Equal(corruptExpected.Error, corruptActual.Error);
        Assert.Equal(corruptExpected.Hash, corruptActual.Hash);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Decode_OfJpegClaiming60000x60000Pixels_IsRefusedFromTheHeaderWithoutAllocating(JpegDecoder decoder)
    {
        using SKBitmap scene = SyntheticImages.Scene(64, 48, seed: 5);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.True(sof > 0);
        jpeg[sof + 5] = 0xEA; // height 60000 (0xEA60), big-endian
        jpeg[sof + 6] = 0x60;
        jpeg[sof + 7] = 0xEA; // width 60000
        jpeg[sof + 8] = 0x60;

        PdqResult r = HashWithAllocationBound(jpeg, maxAllocatedBytes: 64 * 1024, decoder);

        Assert.Equal(DecodeErrorKind.ImageTooLarge, r.Error!.Kind);
        Assert.Equal("image too large: 60000x60000 pixels exceeds the 100000000-pixel limit", r.Error.Reason);
    }

    [Fact]
    public void Decode_OfPngClaiming100000x100000Pixels_IsRefusedFromTheHeaderWithoutAllocating()
    {
        // Valid signature, IHDR with a correct CRC, and a tiny IDAT of one short row.
        byte[] png = CraftedFiles.Png(100_000, 100_000, 8, 2, new byte[30], 30);

        PdqResult r = HashWithAllocationBound(png, maxAllocatedBytes: 64 * 1024);

        Assert.False(r.IsSuccess);
        Assert.Equal(DecodeErrorKind.ImageTooLarge, r.Error!.Kind);
        Assert.Equal("image too large: 100000x100000 pixels exceeds the 100000000-pixel limit", r.Error.Reason);
    }

    [Fact]
    public void Decode_OfSixteenBitPngClaimingHugeSize_IsRefusedFromTheHeader()
    {
        byte[] png = CraftedFiles.Png(60_000, 60_000, 16, 2, new byte[60], 60);

        PdqResult r = HashWithAllocationBound(png, maxAllocatedBytes: 64 * 1024);

        Assert.Equal(DecodeErrorKind.ImageTooLarge, r.Error!.Kind);
    }

    [Fact]
    public void Decode_OfGifClaimingHugeLogicalScreen_IsRefusedBeforeDecoding()
    {
        byte[] palette = [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255];
        byte[] gif = CraftedFiles.Gif(8, 8, palette, new byte[64]);
        gif[6] = 0xFF; // logical screen width 65535
        gif[7] = 0xFF;
        gif[8] = 0xFF; // logical screen height 65535
        gif[9] = 0xFF;

        PdqResult r = HashWithAllocationBound(gif, maxAllocatedBytes: 64 * 1024);

        Assert.False(r.IsSuccess);
    }

    [Theory]
    [InlineData(JpegDecoder.Auto)]
    [InlineData(JpegDecoder.Skia)]
    public void Decode_OfSmallerPixelLimit_RefusesAnOrdinaryImage(JpegDecoder decoder)
    {
        using SKBitmap scene = SyntheticImages.Scene(300, 200, seed: 5);
        byte[] jpeg = SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);

        PdqResult r = PdqHasher.HashImage(jpeg, new ImageLimits { MaxPixels = 10_000, JpegDecoder = decoder });

        Assert.Equal(DecodeErrorKind.ImageTooLarge, r.Error!.Kind);
        Assert.Equal("image too large: 300x200 pixels exceeds the 10000-pixel limit", r.Error.Reason);
    }

    [Fact]
    public void Decode_OfFileOverTheByteLimit_IsRefusedBeforeParsing()
    {
        PdqResult r = PdqHasher.HashImage(new byte[2048], new ImageLimits { MaxBytes = 1024 });

        Assert.Equal(DecodeErrorKind.FileTooLarge, r.Error!.Kind);
        Assert.Equal("file too large: 2048 bytes exceeds the 1024-byte limit", r.Error.Reason);
    }

    [Fact]
    public void Decode_OfTextFileNamedJpg_IsNotAnImage()
    {
        byte[] text = "This is a plain text file that somebody renamed to photo.jpg.\n"u8.ToArray();

        PdqResult r = PdqHasher.HashImage(text, ImageLimits.Default);

        Assert.Equal(DecodeErrorKind.UnrecognisedFormat, r.Error!.Kind);
        Assert.Equal("not an image (unrecognised format)", r.Error.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decode_OfRandomBytes_IsNotAnImage(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);

        PdqResult r = HashWithAllocationBound(bytes, maxAllocatedBytes: 256 * 1024);

        Assert.False(r.IsSuccess);
        Assert.Equal(DecodeErrorKind.UnrecognisedFormat, r.Error!.Kind);
    }

    [Fact]
    public void Decode_OfPngWithCorruptCompressedData_IsAnErrorValue()
    {
        byte[] png = CraftedFiles.PngRgb(16, 16, new byte[16 * 16 * 3]);
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        for (int i = idat + 6; i < idat + 20; i++)
        {
            png[i] ^= 0x5A;
        }

        PdqResult r = PdqHasher.HashImage(png, ImageLimits.Default);

        Assert.False(r.IsSuccess);
    }

    [Fact]
    public void Decode_OfTruncatedSixteenBitPng_IsTruncatedError()
    {
        var samples = new ushort[32 * 32 * 3];
        new Random(1).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan()));
        byte[] png = CraftedFiles.Png16Rgb(32, 32, samples);

        PdqResult r = PdqHasher.HashImage(png.AsSpan(0, png.Length / 2), ImageLimits.Default);

        Assert.Equal(DecodeErrorKind.Truncated, r.Error!.Kind);
    }
}
