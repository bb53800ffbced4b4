using System.IO.Compression;

namespace Takedown.Web.Demo;

/// <summary>
/// Draws a harmless stand-in for a screenshot (coloured blocks where a page's header, text and video
/// would be) and encodes it as PNG, so demos and tests never need real harmful media.
/// </summary>
public static class SyntheticImage
{
    public static byte[] Png(int width = 480, int height = 300, int seed = 1)
    {
        var rgb = new byte[width * height * 3];
        void Fill(int x0, int y0, int w, int h, byte r, byte g, byte b)
        {
            for (var y = Math.Max(0, y0); y < Math.Min(height, y0 + h); y++)
                for (var x = Math.Max(0, x0); x < Math.Min(width, x0 + w); x++)
                {
                    var i = (y * width + x) * 3;
                    rgb[i] = r; rgb[i + 1] = g; rgb[i + 2] = b;
                }
        }
        Fill(0, 0, width, height, 245, 246, 248);
        Fill(0, 0, width, 36, (byte)(40 + seed * 30 % 120), 60, 110);
        Fill(16, 52, width * 3 / 5, 150, 20, 20, 24);
        Fill(16 + width * 3 / 10 - 20, 52 + 55, 40, 40, 200, 40, 40);
        for (var line = 0; line < 6; line++)
            Fill(16, 216 + line * 12, width - 40 - (line * 37 + seed * 13) % 160, 6, 170, 175, 182);
        Fill(width * 3 / 5 + 32, 52, width * 2 / 5 - 48, 150, 225, 228, 233);
        return Encode(width, height, rgb);
    }

    private static byte[] Encode(int width, int height, byte[] rgb)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        WriteInt(header, 0, width);
        WriteInt(header, 4, height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk(png, "IHDR", header);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
                for (var y = 0; y < height; y++)
                {
                    z.WriteByte(0); // filter: none
                    z.Write(rgb, y * width * 3, width * 3);
                }
            Chunk(png, "IDAT", raw.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        WriteInt(head, 0, data.Length);
        for (var i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(data);
        var crc = Crc32(head.AsSpan(4), data);
        var tail = new byte[4];
        WriteInt(tail, 0, (int)crc);
        s.Write(tail);
    }

    private static void WriteInt(byte[] b, int at, int v)
    {
        b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v;
    }

    private static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var part in new[] { type.ToArray(), data.ToArray() })
            foreach (var b in part)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        return ~crc;
    }
}
