using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Takedown.Core.Hashing;

/// <summary>
/// A small managed decoder for 16-bit PNGs only. SkiaSharp reduces 16-bit samples to 8 bits by
/// keeping the high byte and offers no exact 16-bit output, so Takedown decodes these itself and
/// rounds each sample with floor((v + 128) / 257), as ImageMagick's <c>-depth 8</c> does.
/// Rows are inflated one at a time; memory is the 8-bit output plus two rows.
/// </summary>
internal static class Png16Decoder
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    private static readonly int[] AdamRow = [0, 0, 4, 0, 2, 0, 1];
    private static readonly int[] AdamCol = [0, 4, 0, 2, 0, 1, 0];
    private static readonly int[] AdamRowStep = [8, 8, 8, 4, 4, 2, 2];
    private static readonly int[] AdamColStep = [8, 8, 4, 4, 2, 2, 1];

    /// <summary>Reads width and height from a PNG's IHDR without decoding anything.</summary>
    internal static bool TryReadPngSize(ReadOnlySpan<byte> file, out long width, out long height)
    {
        width = height = 0;
        if (file.Length < 33 || !file[..8].SequenceEqual(Signature) || !file.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        width = BinaryPrimitives.ReadUInt32BigEndian(file[16..]);
        height = BinaryPrimitives.ReadUInt32BigEndian(file[20..]);
        return true;
    }

    internal static bool IsSixteenBitPng(ReadOnlySpan<byte> file) =>
        TryReadPngSize(file, out _, out _) && file[24] == 16;

    internal static DecodeError? TryDecode(ReadOnlySpan<byte> file, ImageLimits limits, out DecodedImage? image)
    {
        image = null;
        TryReadPngSize(file, out long w, out long h);
        if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
        {
            return DecodeError.Corrupt("bad PNG dimensions");
        }

        if (w * h > limits.MaxPixels)
        {
            return DecodeError.TooLarge(w, h, limits.MaxPixels);
        }

        int width = (int)w;
        int height = (int)h;
        byte colourType = file[25];
        int samples = colourType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
        if (samples == 0 || file[26] != 0 || file[27] != 0 || file[28] > 1)
        {
            return DecodeError.Corrupt("unsupported PNG header");
        }

        bool interlaced = file[28] == 1;

        // Gather the IDAT payloads (bounded by the file size, itself bounded by the limits).
        var idat = new MemoryStream();
        int pos = 8;
        bool ended = false;
        while (pos + 8 <= file.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[pos..]);
            ReadOnlySpan<byte> type = file.Slice(pos + 4, 4);
            if (length > (uint)(file.Length - pos - 12))
            {
                return DecodeError.Truncated;
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(file.Slice(pos + 8, (int)length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                ended = true;
                break;
            }

            pos += 12 + (int)length;
        }

        if (idat.Length == 0)
        {
            return ended ? DecodeError.Corrupt("no image data") : DecodeError.Truncated;
        }

        int channels = samples <= 2 ? 1 : 4;
        int bytesPerPixel = samples * 2;
        byte[] output = DecodedImage.Rent(width, height, channels);
        byte[] rows = ArrayPool<byte>.Shared.Rent(2 * ((width * bytesPerPixel) + 1));
        try
        {
            idat.Position = 0;
            using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
            int passes = interlaced ? 7 : 1;
            for (int pass = 0; pass < passes; pass++)
            {
                int x0 = interlaced ? AdamCol[pass] : 0;
                int y0 = interlaced ? AdamRow[pass] : 0;
                int dx = interlaced ? AdamColStep[pass] : 1;
                int dy = interlaced ? AdamRowStep[pass] : 1;
                int passWidth = (width - x0 + dx - 1) / dx;
                int passHeight = (height - y0 + dy - 1) / dy;
                if (passWidth <= 0 || passHeight <= 0)
                {
                    continue;
                }

                int rowBytes = passWidth * bytesPerPixel;
                Span<byte> prev = rows.AsSpan(0, rowBytes);
                Span<byte> cur = rows.AsSpan(rowBytes, rowBytes + 1);
                prev.Clear();
                for (int py = 0; py < passHeight; py++)
                {
                    if (!ReadFully(inflater, cur))
                    {
                        return Fail(output, DecodeError.Truncated);
                    }

                    Span<byte> line = cur[1..];
                    if (!Unfilter(cur[0], line, prev, bytesPerPixel))
                    {
                        return Fail(output, DecodeError.Corrupt("bad PNG filter"));
                    }

                    Store(line, output, width, channels, samples, x0, dx, y0 + (py * dy), passWidth);
                    line.CopyTo(prev);
                }
            }
        }
        catch (InvalidDataException)
        {
            return Fail(output, DecodeError.Corrupt("bad PNG compressed data"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rows);
        }

        image = new DecodedImage(output, width, height, channels);
        return null;
    }

    /// <summary>floor((v + 128) / 257) for a 16-bit sample; equal to (v * 255 + 32895) >> 16.</summary>
    internal static byte Round16To8(int v) => (byte)(((v * 255) + 32895) >> 16);

    private static DecodeError Fail(byte[] output, DecodeError error)
    {
        DecodedImage.Return(output);
        return error;
    }

    private static bool ReadFully(Stream s, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = s.Read(buffer);
            if (n == 0)
            {
                return false;
            }

            buffer = buffer[n..];
        }

        return true;
    }

    private static bool Unfilter(byte filter, Span<byte> line, ReadOnlySpan<byte> prev, int bpp)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (int i = bpp; i < line.Length; i++)
                {
                    line[i] += line[i - bpp];
                }

                return true;
            case 2:
                for (int i = 0; i < line.Length; i++)
                {
                    line[i] += prev[i];
                }

                return true;
            case 3:
                for (int i = 0; i < line.Length; i++)
                {
                    int left = i >= bpp ? line[i - bpp] : 0;
                    line[i] += (byte)((left + prev[i]) >> 1);
                }

                return true;
            case 4:
                for (int i = 0; i < line.Length; i++)
                {
                    int a = i >= bpp ? line[i - bpp] : 0;
                    int b = prev[i];
                    int c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c;
                    int pa = Math.Abs(p - a);
                    int pb = Math.Abs(p - b);
                    int pc = Math.Abs(p - c);
                    line[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                return true;
            default:
                return false;
        }
    }

    private static void Store(ReadOnlySpan<byte> line, byte[] output, int width, int channels, int samples, int x0, int dx, int y, int passWidth)
    {
        int rowStart = y * width * channels;
        for (int px = 0; px < passWidth; px++)
        {
            int x = x0 + (px * dx);
            ReadOnlySpan<byte> s = line.Slice(px * samples * 2, samples * 2);
            int o = rowStart + (x * channels);
            if (channels == 1)
            {
                output[o] = Round16To8((s[0] << 8) | s[1]);
            }
            else
            {
                output[o] = Round16To8((s[0] << 8) | s[1]);
                output[o + 1] = Round16To8((s[2] << 8) | s[3]);
                output[o + 2] = Round16To8((s[4] << 8) | s[5]);
                output[o + 3] = samples == 4 ? Round16To8((s[6] << 8) | s[7]) : (byte)255;
            }
        }
    }
}
