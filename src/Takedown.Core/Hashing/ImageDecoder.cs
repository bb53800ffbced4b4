using SkiaSharp;

namespace Takedown.Core.Hashing;

/// <summary>
/// Decodes untrusted bytes into the pixels the reference CLI hashes: JPEGs with the system
/// libjpeg-turbo (<see cref="TurboJpeg"/>, the library ImageMagick uses for the reference) when it is
/// installed and <see cref="ImageLimits.JpegDecoder"/> allows it, everything else (and any JPEG
/// libjpeg-turbo does not decode cleanly: CMYK, warnings, errors) with SkiaSharp's <see cref="SKCodec"/>.
/// The pixels: straight (un-premultiplied) RGB with alpha ignored, grey kept as one channel, no EXIF rotation, no colour management, first frame of animations. 16-bit PNGs are rounded to 8 bits
/// (Takedown's deliberate difference from the reference, which keeps the low byte).
/// Header dimensions are checked against <see cref="ImageLimits"/> before pixel memory is allocated.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Decodes every pixel.</summary>
    internal static DecodeError? TryDecode(ReadOnlySpan<byte> file, ImageLimits limits, out DecodedImage? image) =>
        TryDecode(file, limits, sampleRowsForPdq: false, out image);

    /// <summary>
    /// Decodes what PDQ needs. libjpeg-turbo decodes every row (in full it is still faster than
    /// SkiaSharp row-sampled). With <paramref name="sampleRowsForPdq"/>, a JPEG that SkiaSharp decodes
    /// and that is taller than 512 px keeps only the 512 rows the reference's nearest-neighbour resize samples (row floor(y H / 512));
    /// the others are skipped by the decoder (no colour conversion, no copy), and the image's
    /// <see cref="DecodedImage.RowsSampled"/> says so. The kept rows are the same pixels a full
    /// decode gives. When every kept pixel is grey the whole image is decoded again, because the
    /// reference's grey rule looks at all pixels.
    /// </summary>
    internal static DecodeError? TryDecode(ReadOnlySpan<byte> file, ImageLimits limits, bool sampleRowsForPdq, out DecodedImage? image)
    {
        image = null;
        if (file.IsEmpty)
        {
            return DecodeError.Empty;
        }

        if (file.Length > limits.MaxBytes)
        {
            return DecodeError.FileTooLarge(file.Length, limits.MaxBytes);
        }

        if (Png16Decoder.IsSixteenBitPng(file))
        {
            return Png16Decoder.TryDecode(file, limits, out image);
        }

        if (limits.JpegDecoder == JpegDecoder.Auto && TurboJpeg.IsAvailable && IsJpeg(file))
        {
            DecodeError? turboError = TryDecodeTurbo(file, limits, out image, out bool handled);
            if (handled)
            {
                return turboError;
            }
        }

        // A PNG header we can read ourselves is checked before Skia sees it at all.
        if (Png16Decoder.TryReadPngSize(file, out long pngWidth, out long pngHeight) && pngWidth * pngHeight > limits.MaxPixels)
        {
            return DecodeError.TooLarge(pngWidth, pngHeight, limits.MaxPixels);
        }

        SKData data;
        unsafe
        {
            fixed (byte* p = file)
            {
                data = SKData.CreateCopy((IntPtr)p, (ulong)file.Length);
            }
        }

        using (data)
        using (var stream = new SKMemoryStream(data))
        using (SKCodec? codec = SKCodec.Create(stream, out SKCodecResult createResult))
        {
            if (codec is null)
            {
                return createResult == SKCodecResult.IncompleteInput ? DecodeError.Truncated : DecodeError.Unrecognised;
            }

            SKImageInfo header = codec.Info;
            int width = header.Width;
            int height = header.Height;
            if (width <= 0 || height <= 0)
            {
                return DecodeError.Corrupt("no pixels");
            }

            if ((long)width * height > limits.MaxPixels)
            {
                return DecodeError.TooLarge(width, height, limits.MaxPixels);
            }

            bool grey = header.ColorType == SKColorType.Gray8;
            int channels = grey ? 1 : 4;
            var target = new SKImageInfo(
                width, height,
                grey ? SKColorType.Gray8 : SKColorType.Rgba8888,
                grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul,
                colorspace: null);

            if (sampleRowsForPdq && height > PdqHasher.PreResizeLimit && codec.EncodedFormat == SKEncodedImageFormat.Jpeg
                && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
            {
                DecodeError? sampledError = TryDecodeSampledRows(codec, target, channels, out DecodedImage? sampled);
                if (sampledError is not null || !sampled!.IsGrey)
                {
                    image = sampled;
                    return sampledError;
                }

                // Grey on the kept rows: only a full decode can tell whether the reference sees one
                // channel. GetPixels below rewinds the (in-memory) stream itself.
                sampled.Dispose();
            }

            byte[] buffer = DecodedImage.Rent(width, height, channels);
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    result = codec.GetPixels(target, (IntPtr)p, width * channels, new SKCodecOptions(0));
                }
            }

            switch (result)
            {
                case SKCodecResult.Success:
                    image = new DecodedImage(buffer, width, height, channels);
                    return null;
                case SKCodecResult.IncompleteInput:
                    DecodedImage.Return(buffer);
                    return DecodeError.Truncated;
                case SKCodecResult.ErrorInInput:
                    DecodedImage.Return(buffer);
                    return DecodeError.Corrupt("the decoder rejected the data");
                default:
                    DecodedImage.Return(buffer);
                    return DecodeError.Corrupt($"decoder result {result}");
            }
        }
    }

    /// <summary>Which decoder <see cref="TryDecode(ReadOnlySpan{byte}, ImageLimits, bool, out DecodedImage?)"/> uses for JPEGs with these limits.</summary>
    internal static string JpegDecoderName(ImageLimits limits) =>
        limits.JpegDecoder == JpegDecoder.Auto && TurboJpeg.IsAvailable ? "libjpeg-turbo (system)" : "SkiaSharp";

    private static bool IsJpeg(ReadOnlySpan<byte> file) => file.Length > 3 && file[0] == 0xFF && file[1] == 0xD8 && file[2] == 0xFF;

    /// <summary>
    /// The whole image with libjpeg-turbo: grey JPEGs as one channel, the rest as RGBA (the reference's
    /// RGB plus an opaque fourth byte). The header's size is checked before pixel memory is rented.
    /// <paramref name="handled"/> is false when SkiaSharp is to decide instead: a header libjpeg-turbo
    /// cannot read, CMYK/YCCK, or any warning or error while decoding (a truncated file decodes with a
    /// warning after partial output; those pixels are dropped and SkiaSharp's verdict is today's).
    /// </summary>
    private static DecodeError? TryDecodeTurbo(ReadOnlySpan<byte> file, ImageLimits limits, out DecodedImage? image, out bool handled)
    {
        image = null;
        handled = false;
        if (!TurboJpeg.TryReadHeader(file, out int width, out int height, out TurboJpeg.Colourspace colourspace)
            || width <= 0 || height <= 0
            || colourspace is TurboJpeg.Colourspace.Cmyk or TurboJpeg.Colourspace.Ycck)
        {
            return null;
        }

        if ((long)width * height > limits.MaxPixels)
        {
            handled = true;
            return DecodeError.TooLarge(width, height, limits.MaxPixels);
        }

        bool grey = colourspace == TurboJpeg.Colourspace.Gray;
        int channels = grey ? 1 : 4;
        byte[] buffer = DecodedImage.Rent(width, height, channels);
        if (!TurboJpeg.TryDecode(file, buffer, width, height, grey))
        {
            DecodedImage.Return(buffer);
            return null;
        }

        handled = true;
        image = new DecodedImage(buffer, width, height, channels);
        return null;
    }

    /// <summary>Scanline decode keeping rows floor(y H / 512), y = 0..511, then skipping to the end so truncation is still seen.</summary>
    private static DecodeError? TryDecodeSampledRows(SKCodec codec, SKImageInfo target, int channels, out DecodedImage? image)
    {
        image = null;
        int width = target.Width;
        int height = target.Height;
        const int rows = PdqHasher.PreResizeLimit;
        if (codec.StartScanlineDecode(target) is not SKCodecResult.Success)
        {
            return DecodeError.Corrupt("the decoder could not start");
        }

        int stride = width * channels;
        byte[] buffer = DecodedImage.Rent(width, rows, channels);
        int next = 0;
        unsafe
        {
            fixed (byte* p = buffer)
            {
                for (int y = 0; y < rows; y++)
                {
                    int sy = (int)((long)y * height / rows);
                    if ((sy > next && !codec.SkipScanlines(sy - next)) || codec.GetScanlines((IntPtr)(p + ((long)y * stride)), 1, stride) != 1)
                    {
                        DecodedImage.Return(buffer);
                        return DecodeError.Truncated;
                    }

                    next = sy + 1;
                }
            }
        }

        if (next < height && !codec.SkipScanlines(height - next))
        {
            DecodedImage.Return(buffer);
            return DecodeError.Truncated;
        }

        image = new DecodedImage(buffer, width, height, channels, rowsSampled: true);
        return null;
    }
}
