using System.Buffers.Binary;
using System.IO.Compression;

namespace Takedown.Core.Tests.Hashing;

/// <summary>Hand-built PNG and GIF bytes, so tests control every header field and sample.</summary>
internal static class CraftedFiles
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>
    /// A PNG with the given IHDR and raw (unfiltered) scanlines; <paramref name="rawRows"/> may be
    /// shorter than the header implies, to craft lying headers.
    /// </summary>
    internal static byte[] Png(int width, int height, int bitDepth, int colourType, byte[] rawRows, int rowBytes)
    {
        var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colourType;
        Chunk(ms, "IHDR", ihdr);

        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int offset = 0; offset + rowBytes <= rawRows.Length; offset += rowBytes)
            {
                zs.WriteByte(0);
                zs.Write(rawRows, offset, rowBytes);
            }
        }

        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>An 8-bit RGBA PNG (straight alpha) from interleaved RGBA bytes.</summary>
    internal static byte[] PngRgba(int width, int height, byte[] rgba) => Png(width, height, 8, 6, rgba, width * 4);

    /// <summary>An 8-bit RGB PNG from interleaved RGB bytes.</summary>
    internal static byte[] PngRgb(int width, int height, byte[] rgb) => Png(width, height, 8, 2, rgb, width * 3);

    /// <summary>An 8-bit greyscale PNG.</summary>
    internal static byte[] PngGrey(int width, int height, byte[] grey) => Png(width, height, 8, 0, grey, width);

    /// <summary>A 16-bit RGB PNG from samples (big-endian in the file).</summary>
    internal static byte[] Png16Rgb(int width, int height, ushort[] rgb)
    {
        var raw = new byte[rgb.Length * 2];
        for (int i = 0; i < rgb.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(i * 2), rgb[i]);
        }

        return Png(width, height, 16, 2, raw, width * 6);
    }

    /// <summary>
    /// An animated GIF89a, one 4-colour frame per index array. LZW data uses only literal codes
    /// with a clear code every two, so the code width stays at 3 bits.
    /// </summary>
    internal static byte[] Gif(int width, int height, byte[] palette12, params byte[][] frames)
    {
        var ms = new MemoryStream();
        ms.Write("GIF89a"u8);
        WriteLe16(ms, width);
        WriteLe16(ms, height);
        ms.WriteByte(0x80 | 0x01); // global colour table, 2^(1+1) = 4 entries
        ms.WriteByte(0);
        ms.WriteByte(0);
        ms.Write(palette12);

        // NETSCAPE2.0 looping extension: marks the file as an animation.
        ms.Write([0x21, 0xFF, 0x0B]);
        ms.Write("NETSCAPE2.0"u8);
        ms.Write([0x03, 0x01, 0x00, 0x00, 0x00]);

        foreach (byte[] indices in frames)
        {
            ms.Write([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // graphic control: 100 ms, no transparency
            ms.WriteByte(0x2C);
            WriteLe16(ms, 0);
            WriteLe16(ms, 0);
            WriteLe16(ms, width);
            WriteLe16(ms, height);
            ms.WriteByte(0);
            ms.WriteByte(2); // LZW minimum code size
            byte[] lzw = LiteralLzw(indices);
            for (int o = 0; o < lzw.Length; o += 255)
            {
                int n = Math.Min(255, lzw.Length - o);
                ms.WriteByte((byte)n);
                ms.Write(lzw, o, n);
            }

            ms.WriteByte(0);
        }

        ms.WriteByte(0x3B);
        return ms.ToArray();
    }

    private static byte[] LiteralLzw(byte[] indices)
    {
        const int clear = 4, end = 5, width = 3;
        var codes = new List<int> { clear };
        int sinceClear = 0;
        foreach (byte b in indices)
        {
            if (sinceClear == 2)
            {
                codes.Add(clear);
                sinceClear = 0;
            }

            codes.Add(b & 3);
            sinceClear++;
        }

        codes.Add(end);
        var bytes = new List<byte>();
        int acc = 0, bits = 0;
        foreach (int code in codes)
        {
            acc |= code << bits;
            bits += width;
            while (bits >= 8)
            {
                bytes.Add((byte)(acc & 0xFF));
                acc >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            bytes.Add((byte)acc);
        }

        return [.. bytes];
    }

    private static void WriteLe16(Stream s, int v)
    {
        s.WriteByte((byte)(v & 0xFF));
        s.WriteByte((byte)(v >> 8));
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typed, 0);
        data.CopyTo(typed, 4);
        s.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            t[n] = c;
        }

        return t;
    }
}
