using System.CommandLine;
using System.Globalization;
using SkiaSharp;
using Takedown.Cli.Common;

namespace Takedown.Cli.Bench;

/// <summary>
/// `takedown bench corpus DIR --count N --seed S`: writes N photo-like synthetic images (smooth
/// gradients, low-frequency waves, soft shapes, text-like strokes, sensor noise) at photo sizes, as
/// JPEG (quality 85-95, colour and grey) and PNG (RGB and RGBA). The pixels come from our own
/// integer/float arithmetic and a seeded <see cref="Random"/>, and SkiaSharp only encodes them, so
/// the same seed and SkiaSharp version give the same files byte for byte. Never real media.
/// </summary>
internal static class SyntheticCorpus
{
    private static readonly (int W, int H)[] Aspects = [(4, 3), (3, 2), (16, 9), (1, 1), (2, 1), (5, 4)];

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Folder to write the images into (created if missing)" };
        var count = new Option<int>("--count") { Description = "Number of images (default 300)", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Seed (default 20261129); the same seed gives the same files", DefaultValueFactory = _ => 20261129 };
        var command = new Command("corpus", "Generate a reproducible corpus of synthetic photo-like JPEGs and PNGs for `bench hash`.") { dir, count, seed };
        command.SetAction(parse =>
        {
            var (path, n, s) = (parse.GetValue(dir)!, parse.GetValue(count), parse.GetValue(seed));
            if (n < 1) return CliOutput.Error("--count must be positive", ExitCodes.Invalid);
            Directory.CreateDirectory(path);
            long bytes = 0;
            long pixels = 0;
            for (var i = 0; i < n; i++)
            {
                var (name, data, w, h) = Generate(s, i);
                File.WriteAllBytes(Path.Combine(path, name), data);
                bytes += data.Length;
                pixels += (long)w * h;
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n} images written to {path}: {bytes / 1e6:F1} MB, mean {pixels / 1e6 / n:F2} megapixels (seed {s})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Image <paramref name="index"/> of the corpus for <paramref name="seed"/>: file name, encoded bytes, size.</summary>
    internal static (string Name, byte[] Data, int Width, int Height) Generate(int seed, int index)
    {
        var rng = new Random(unchecked((seed * 1_000_003) + index));

        // Sizes: a few small images (no 512 resize in the reference), most 1024-2048 on the long
        // side (web uploads), the rest camera-sized up to 4000.
        var roll = rng.Next(100);
        var longSide = roll < 8 ? rng.Next(200, 513) : roll < 60 ? rng.Next(1024, 2049) : rng.Next(2049, 4001);
        var (aw, ah) = Aspects[rng.Next(Aspects.Length)];
        var shortSide = Math.Max(16, longSide * ah / aw);
        var portrait = rng.Next(4) == 0;
        var (w, h) = portrait ? (shortSide, longSide) : (longSide, shortSide);

        // Kinds: colour JPEG, grey JPEG, RGB PNG, RGBA PNG (PNGs kept under 2049 px: slow to encode).
        var kind = rng.Next(100);
        string ext;
        if (kind < 80) ext = "jpg";
        else if (kind < 85) ext = "grey.jpg";
        else if (kind < 97) ext = "png";
        else ext = "alpha.png";
        if (ext.EndsWith("png", StringComparison.Ordinal) && Math.Max(w, h) > 2048)
        {
            (w, h) = (w * 2048 / Math.Max(w, h), h * 2048 / Math.Max(w, h));
        }

        var rgba = new byte[checked(w * h * 4)];
        Paint(rgba, w, h, rng, alpha: ext == "alpha.png");

        var grey = ext == "grey.jpg";
        byte[] data;
        if (grey)
        {
            var g = new byte[w * h];
            for (var p = 0; p < g.Length; p++) g[p] = (byte)(((77 * rgba[p * 4]) + (150 * rgba[(p * 4) + 1]) + (29 * rgba[(p * 4) + 2]) + 128) >> 8);
            data = Encode(g, new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque), SKEncodedImageFormat.Jpeg, 85 + rng.Next(11));
        }
        else if (ext == "jpg")
        {
            data = Encode(rgba, new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque), SKEncodedImageFormat.Jpeg, 85 + rng.Next(11));
        }
        else
        {
            var alphaType = ext == "alpha.png" ? SKAlphaType.Unpremul : SKAlphaType.Opaque;
            data = Encode(rgba, new SKImageInfo(w, h, SKColorType.Rgba8888, alphaType), SKEncodedImageFormat.Png, 100);
        }

        return (string.Create(CultureInfo.InvariantCulture, $"synth-{index:D4}-{w}x{h}.{ext}"), data, w, h);
    }

    private static byte[] Encode(byte[] pixels, SKImageInfo info, SKEncodedImageFormat format, int quality)
    {
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var encoded = pixmap.Encode(format, quality) ?? throw new InvalidOperationException("SkiaSharp could not encode the image");
            return encoded.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>Background gradient + separable waves, soft shapes, text-like strokes, noise.</summary>
    private static void Paint(byte[] rgba, int w, int h, Random rng, bool alpha)
    {
        var plane = new float[3][];
        for (var c = 0; c < 3; c++) plane[c] = new float[w * h];

        // Four corner colours, bilinear, plus three separable low-frequency waves per channel.
        var corners = new float[4, 3];
        for (var k = 0; k < 4; k++) for (var c = 0; c < 3; c++) corners[k, c] = 20 + (rng.NextSingle() * 215);
        var waveCount = 3;
        var colWave = new float[waveCount][];
        var rowWave = new float[waveCount][];
        var waveTint = new float[waveCount, 3];
        for (var k = 0; k < waveCount; k++)
        {
            colWave[k] = new float[w];
            rowWave[k] = new float[h];
            double fx = (0.5 + (rng.NextDouble() * 6)) * Math.PI * 2 / w, px = rng.NextDouble() * 6.3;
            double fy = (0.5 + (rng.NextDouble() * 6)) * Math.PI * 2 / h, py = rng.NextDouble() * 6.3;
            for (var x = 0; x < w; x++) colWave[k][x] = (float)Math.Sin((fx * x) + px);
            for (var y = 0; y < h; y++) rowWave[k][y] = (float)Math.Sin((fy * y) + py);
            var amplitude = 10 + (rng.NextSingle() * 30);
            for (var c = 0; c < 3; c++) waveTint[k, c] = amplitude * (0.6f + (rng.NextSingle() * 0.8f));
        }

        for (var y = 0; y < h; y++)
        {
            var fy = y / (float)Math.Max(1, h - 1);
            for (var c = 0; c < 3; c++)
            {
                var left = corners[0, c] + ((corners[2, c] - corners[0, c]) * fy);
                var right = corners[1, c] + ((corners[3, c] - corners[1, c]) * fy);
                var row = plane[c].AsSpan(y * w, w);
                for (var x = 0; x < w; x++)
                {
                    var v = left + ((right - left) * (x / (float)Math.Max(1, w - 1)));
                    for (var k = 0; k < waveCount; k++) v += waveTint[k, c] * colWave[k][x] * rowWave[k][y];
                    row[x] = v;
                }
            }
        }

        // Soft-edged ellipses and rectangles, blended over what is there.
        var shapes = 6 + rng.Next(30);
        var scale = Math.Min(w, h);
        for (var s = 0; s < shapes; s++)
        {
            float cx = rng.NextSingle() * w, cy = rng.NextSingle() * h;
            float rx = scale * (0.03f + (rng.NextSingle() * 0.25f)), ry = scale * (0.03f + (rng.NextSingle() * 0.25f));
            var ellipse = rng.Next(2) == 0;
            var opacity = 0.35f + (rng.NextSingle() * 0.65f);
            var soft = 1 + (rng.NextSingle() * scale * 0.01f);
            var colour = new[] { rng.NextSingle() * 255, rng.NextSingle() * 255, rng.NextSingle() * 255 };
            int x0 = Math.Max(0, (int)(cx - rx - soft)), x1 = Math.Min(w - 1, (int)(cx + rx + soft));
            int y0 = Math.Max(0, (int)(cy - ry - soft)), y1 = Math.Min(h - 1, (int)(cy + ry + soft));
            for (var y = y0; y <= y1; y++)
            {
                for (var x = x0; x <= x1; x++)
                {
                    float dx = (x - cx) / rx, dy = (y - cy) / ry;
                    var inside = ellipse ? 1 - MathF.Sqrt((dx * dx) + (dy * dy)) : 1 - MathF.Max(MathF.Abs(dx), MathF.Abs(dy));
                    var a = Math.Clamp(inside * Math.Min(rx, ry) / soft, 0, 1) * opacity;
                    if (a <= 0) continue;
                    var p = (y * w) + x;
                    for (var c = 0; c < 3; c++) plane[c][p] += (colour[c] - plane[c][p]) * a;
                }
            }
        }

        // Text-like strokes: a few blocks of lines made of short dark or light dashes.
        var blocks = rng.Next(4);
        for (var b = 0; b < blocks; b++)
        {
            var glyph = Math.Max(2, (int)(scale * (0.008 + (rng.NextDouble() * 0.02))));
            int bx = rng.Next(w), by = rng.Next(h), lines = 2 + rng.Next(10);
            var ink = rng.Next(2) == 0 ? 15f : 240f;
            for (var l = 0; l < lines; l++)
            {
                var x = bx;
                var top = by + (l * glyph * 2);
                var lineEnd = bx + (int)(scale * (0.1 + (rng.NextDouble() * 0.4)));
                while (x < lineEnd)
                {
                    var dash = glyph / 2 * (1 + rng.Next(4));
                    var strokeH = glyph / 3 + 1;
                    var yOff = rng.Next(glyph);
                    for (var y = top + yOff; y < Math.Min(h, top + yOff + strokeH); y++)
                    {
                        for (var xx = x; xx < Math.Min(w, x + dash); xx++)
                        {
                            var p = (y * w) + xx;
                            for (var c = 0; c < 3; c++) plane[c][p] = ink;
                        }
                    }
                    x += dash + (glyph / 3) + 1 + (rng.Next(3) == 0 ? glyph : 0);
                }
            }
        }

        // Sensor noise from a per-image xorshift, then clamp to bytes.
        var noise = rng.Next(1, 9);
        var state = (uint)rng.Next(1, int.MaxValue);
        for (var p = 0; p < w * h; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                var n = ((int)(state & 0xFF) + (int)((state >> 8) & 0xFF) - 255) * noise / 128;
                rgba[(p * 4) + c] = (byte)Math.Clamp((int)plane[c][p] + n, 0, 255);
            }

            rgba[(p * 4) + 3] = 255;
        }

        if (alpha)
        {
            // A transparent band and a gradient of alpha; the colour under it stays (the reference hashes it).
            int y0 = rng.Next(h / 2), y1 = y0 + rng.Next(1, h / 2);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    rgba[(((y * w) + x) * 4) + 3] = y >= y0 && y < y1 ? (byte)0 : (byte)(x * 255 / Math.Max(1, w - 1));
                }
            }
        }
    }
}
