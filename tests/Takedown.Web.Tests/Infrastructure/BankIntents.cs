using System.Net.Http.Headers;
using SkiaSharp;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>Intent methods for banks and matching, and synthetic images (shapes only, no real media).</summary>
internal static class BankIntents
{
    public static async Task<JsonNode> CreateBankAsync(this ApiClient client, string name, string visibility = "private", params Guid[] members) =>
        await client.PostOkAsync("/api/v1/banks", members.Length > 0 ? new { name, visibility, members } : new { name, visibility });

    public static async Task<JsonNode> AddPdqAsync(this ApiClient client, string bank, string hex, int? quality = 90, string? behaviour = "glorification") =>
        await client.PostOkAsync($"/api/v1/banks/{bank}/entries", new
        {
            signal_type = "pdq", signal = hex, quality,
            labels = new { entity = "Synthetic Entity", behaviour }, source = "test",
        });

    public static async Task<JsonNode> MatchPdqAsync(this ApiClient client, string hex, int? radius = null) =>
        await client.PostOkAsync("/api/v1/match", radius is null ? new { signal_type = "pdq", signal = hex } : new { signal_type = "pdq", signal = hex, radius });

    public static async Task<HttpResponseMessage> UploadAsync(this ApiClient client, string path, byte[] file, string fileName = "upload.png",
        params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Key);
        return await client.Http.SendAsync(request);
    }

    /// <summary>A random PDQ-like hash (64 hex digits) from a seed.</summary>
    public static string RandomHash(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The hash with its first <paramref name="bits"/> bits flipped.</summary>
    public static string Flip(string hex, int bits)
    {
        var bytes = Convert.FromHexString(hex);
        for (var i = 0; i < bits; i++) bytes[i / 8] ^= (byte)(1 << (i % 8));
        return Convert.ToHexStringLower(bytes);
    }

    public static int Distance(string a, string b)
    {
        var x = Convert.FromHexString(a);
        var y = Convert.FromHexString(b);
        return x.Zip(y).Sum(p => System.Numerics.BitOperations.PopCount((uint)(p.First ^ p.Second)));
    }
}

/// <summary>Synthetic pictures (gradients and shapes) and crafted hostile files.</summary>
internal static class TestImages
{
    public static SKBitmap Scene(int width, int height, int seed)
    {
        var bmp = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(bmp);
        var rng = new Random(seed);
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                   [Colour(rng), Colour(rng), Colour(rng)], null, SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        for (var i = 0; i < 30; i++)
        {
            fill.Color = Colour(rng);
            float x = (float)rng.NextDouble() * width, y = (float)rng.NextDouble() * height;
            var r = (0.04f + (float)rng.NextDouble() * 0.15f) * Math.Min(width, height);
            if (i % 2 == 0) canvas.DrawCircle(x, y, r, fill);
            else canvas.DrawRect(x - r, y - r * 0.6f, r * 1.7f, r * 1.1f, fill);
        }
        canvas.Flush();
        return bmp;
    }

    /// <summary>The bitmap turned a quarter clockwise.</summary>
    public static SKBitmap Rotate90(SKBitmap source)
    {
        var dst = new SKBitmap(new SKImageInfo(source.Height, source.Width, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(dst);
        canvas.Translate(source.Height, 0);
        canvas.RotateDegrees(90);
        canvas.DrawBitmap(source, 0, 0);
        canvas.Flush();
        return dst;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 100)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] ScenePng(int seed, int width = 640, int height = 480)
    {
        using var scene = Scene(width, height, seed);
        return Encode(scene);
    }

    /// <summary>A valid PNG signature and IHDR claiming 100,000 x 100,000 pixels, and no pixel data to speak of.</summary>
    public static byte[] HugePngHeader()
    {
        var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr, 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 100_000);
        ihdr[8] = 8; ihdr[9] = 6;
        WriteChunk(ms, "IHDR", ihdr);
        WriteChunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buf, (uint)data.Length);
        s.Write(buf);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buf, Crc32(typed));
        s.Write(buf);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static SKColor Colour(Random rng) => new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
}
