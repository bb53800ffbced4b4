using SkiaSharp;

namespace Takedown.Core.Hashing;

/// <summary>
/// Decodes untrusted bytes with SkiaSharp's <see cref="SKCodec"/> into the pixels the reference CLI
/// hashes: straight (un-premultiplied) RGB with alpha ignored, grey kept as one channel, no EXIF
/// rotation, no colour management, first frame of animations. 16-bit PNGs are rounded to 8 bits
/// (Takedown's deliberate difference from the reference, which keeps the low byte).
/// Header dimensions are checked against <see cref="ImageLimits"/> before pixel memory is allocated.
/// </summary>
internal static class ImageDecoder
{
    internal static DecodeError? TryDecode(ReadOnlySpan<byte> file, ImageLimits limits, out DecodedImage? image)
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
}
