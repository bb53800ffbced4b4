using System.Diagnostics;
using SkiaSharp;
using Takedown.Core.Hashing;

namespace Takedown.Bench;

/// <summary>
/// `Takedown.Bench decode DIR`: on the JPEGs of a folder, times SkiaSharp full decode, the row-sampled
/// decode PDQ uses, and a DCT-scaled decode (libjpeg's M/8 scaling to the smallest size still at least
/// 512 px a side) + hash; then prints how far the scaled decode's hashes are from the exact ones.
/// The scaled decode is not used: its hashes are up to 14 bits off on the synthetic corpus.
/// </summary>
internal static class DecodeExperiment
{
    internal static void Run(string dir)
    {
        var files = Directory.GetFiles(dir, "*.jpg").Order().Take(60).Select(File.ReadAllBytes).ToArray();
        for (int rep = 0; rep < 3; rep++)
        {
            long full = 0, sampled = 0, scaled = 0;
            foreach (var f in files)
            {
                long t0 = Stopwatch.GetTimestamp();
                ImageDecoder.TryDecode(f, ImageLimits.Default, false, out var a); a?.Dispose();
                long t1 = Stopwatch.GetTimestamp();
                ImageDecoder.TryDecode(f, ImageLimits.Default, true, out var b); b?.Dispose();
                long t2 = Stopwatch.GetTimestamp();
                ScaledHash(f);
                long t3 = Stopwatch.GetTimestamp();
                full += t1 - t0; sampled += t2 - t1; scaled += t3 - t2;
            }
            double s(long t) => files.Length / (t / (double)Stopwatch.Frequency);
            Console.WriteLine($"full {s(full):F1}/s sampled {s(sampled):F1}/s scaled+hash {s(scaled):F1}/s");
        }
        var hist = new SortedDictionary<int, int>();
        foreach (var path in Directory.GetFiles(dir, "*.jpg").Order())
        {
            var f = File.ReadAllBytes(path);
            var exact = PdqHasher.HashImage(f).Hash;
            int d = exact.DistanceTo(ScaledHash(f));
            hist[d] = hist.GetValueOrDefault(d) + 1;
        }
        Console.WriteLine("scaled-decode distance histogram: " + string.Join(", ", hist.Select(kv => $"{kv.Key}:{kv.Value}")));
    }

    private static PdqHash ScaledHash(byte[] f)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(f));
        var info = codec.Info;
        float scale = 1;
        foreach (var s in new[] { 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f })
        {
            var d = codec.GetScaledDimensions(s);
            if ((d.Width >= 512 || d.Width >= info.Width) && (d.Height >= 512 || d.Height >= info.Height)) { scale = s; break; }
        }
        var dim = codec.GetScaledDimensions(scale);
        var target = new SKImageInfo(dim.Width, dim.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buf = new byte[dim.Width * dim.Height * 4];
        unsafe { fixed (byte* p = buf) codec.GetPixels(target, (IntPtr)p, dim.Width * 4, new SKCodecOptions(0)); }
        var px = new byte[512 * 512 * 4];
        int W = info.Width, H = info.Height;
        if (W <= 512 && H <= 512) return PdqHasher.HashPixels(buf, dim.Width, dim.Height, 4).Hash;
        for (int y = 0; y < 512; y++)
        {
            int sy = (int)((long)y * H / 512) * dim.Height / H;
            for (int x = 0; x < 512; x++)
            {
                int sx = (int)((long)x * W / 512) * dim.Width / W;
                Buffer.BlockCopy(buf, ((sy * dim.Width) + sx) * 4, px, ((y * 512) + x) * 4, 4);
            }
        }
        return PdqHasher.HashPixels(px, 512, 512, 4).Hash;
    }
}
