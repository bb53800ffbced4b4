using SkiaSharp;

namespace Takedown.Core.Tests.Hashing;

/// <summary>Text-free synthetic pictures drawn with SkiaSharp (shapes and gradients only).</summary>
internal static class SyntheticImages
{
    /// <summary>An asymmetric scene: gradient sky, a few filled shapes; unpremultiplied RGBA, opaque.</summary>
    internal static SKBitmap Scene(int width, int height, int seed)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bmp = new SKBitmap(info);
        using var canvas = new SKCanvas(bmp);
        var rng = new Random(seed);
        using (var shader = SKShader.CreateLinearGradient(
            new SKPoint(0, 0), new SKPoint(width, height),
            [RandomColour(rng), RandomColour(rng), RandomColour(rng)], null, SKShaderTileMode.Clamp))
        using (var paint = new SKPaint { Shader = shader })
        {
            canvas.DrawRect(0, 0, width, height, paint);
        }

        using var fill = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        for (int i = 0; i < 40; i++)
        {
            fill.Color = RandomColour(rng);
            float x = (float)rng.NextDouble() * width;
            float y = (float)rng.NextDouble() * height;
            float r = (0.03f + ((float)rng.NextDouble() * 0.15f)) * Math.Min(width, height);
            switch (i % 3)
            {
                case 0:
                    canvas.DrawCircle(x, y, r, fill);
                    break;
                case 1:
                    canvas.DrawRect(x - r, y - (r * 0.6f), r * 1.7f, r * 1.1f, fill);
                    break;
                default:
                    using (var path = new SKPath())
                    {
                        path.MoveTo(x, y - r);
                        path.LineTo(x + r, y + r);
                        path.LineTo(x - (r * 0.7f), y + (r * 0.4f));
                        path.Close();
                        canvas.DrawPath(path, fill);
                    }

                    break;
            }
        }

        canvas.Flush();
        return bmp;
    }

    /// <summary>The same picture with R = G = B = the red channel, so luma is an integer.</summary>
    internal static SKBitmap Grey(SKBitmap source)
    {
        var dst = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < source.Height; y++)
        {
            for (int x = 0; x < source.Width; x++)
            {
                byte v = source.GetPixel(x, y).Red;
                dst.SetPixel(x, y, new SKColor(v, v, v));
            }
        }

        return dst;
    }

    internal static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 100)
    {
        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    internal static SKBitmap Resize(SKBitmap source, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return source.Resize(info, new SKSamplingOptions(SKCubicResampler.Mitchell));
    }

    internal static SKBitmap Crop(SKBitmap source, SKRectI rect)
    {
        var dest = new SKBitmap(new SKImageInfo(rect.Width, rect.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!source.ExtractSubset(dest, rect))
        {
            throw new InvalidOperationException("crop failed");
        }

        return dest.Copy();
    }

    /// <summary>Pixel-exact dihedral transform; names as in dihedral.tsv (rot90 counter-clockwise).</summary>
    internal static SKBitmap Transform(SKBitmap src, string name)
    {
        int w = src.Width, h = src.Height;
        bool swap = name is "rot90" or "rot270" or "flipplus1" or "flipminus1";
        var dst = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                (int dx, int dy) = name switch
                {
                    "orig" => (x, y),
                    "rot90" => (y, w - 1 - x),          // counter-clockwise
                    "rot180" => (w - 1 - x, h - 1 - y),
                    "rot270" => (h - 1 - y, x),         // clockwise
                    "flipx" => (x, h - 1 - y),          // top/bottom swapped
                    "flipy" => (w - 1 - x, y),          // left/right mirrored
                    "flipplus1" => (y, x),              // main diagonal
                    "flipminus1" => (h - 1 - y, w - 1 - x), // anti-diagonal
                    _ => throw new ArgumentOutOfRangeException(nameof(name)),
                };
                dst.SetPixel(dx, dy, src.GetPixel(x, y));
            }
        }

        return dst;
    }

    private static SKColor RandomColour(Random rng) =>
        new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
}
