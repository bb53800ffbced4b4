using System.Diagnostics;
using Takedown.Core.Hashing;

namespace Takedown.Bench;

/// <summary>A fast Stopwatch breakdown of the hash-only stages (median of 7 runs), for tuning; BenchmarkDotNet gives the figures.</summary>
internal static class QuickTimer
{
    internal static void Run()
    {
        var b = new PdqBenchmarks();
        b.Setup();
        var rng = new Random(1);
        float[] luma = new float[512 * 512];
        for (int i = 0; i < luma.Length; i++)
        {
            luma[i] = (float)(rng.NextDouble() * 255);
        }

        float[] b1 = new float[512 * 512], b2 = new float[512 * 512], strip = new float[JaroszFilter.StripScratchLength(512)];
        Time("BoxAlongRows", () => JaroszFilter.BoxAlongRows(luma, b2, strip, 512, 512, 4));
        Time("TransposeIn x16", () => { for (int r = 0; r < 512; r += 32) { JaroszFilter.TransposeIn(luma, strip, r, 512); } });
        Time("TransposeOut x16", () => { for (int r = 0; r < 512; r += 32) { JaroszFilter.TransposeOut(strip, b2, r, 512); } });
        Time("BoxAlongCols", () => JaroszFilter.BoxAlongCols(luma, b2, 512, 512, 4));
        float[] plane = new float[4096], temp = new float[1024], coeffs = new float[256];
        float[] narrow = new float[512 * 64], narrow2 = new float[512 * 64];
        Time("Filter (2 rounds, full)", () => { luma.CopyTo(b1); JaroszFilter.Filter(b1, b2, strip, 512, 512, 4, 4, 2); });
        Time("FilterAndSample", () => { luma.CopyTo(b1); JaroszFilter.FilterAndSample(b1, b2, strip, narrow, narrow2, 512, 512, 4, 4, plane); });
        Time("copy 512x512 (baseline)", () => luma.CopyTo(b1));
        Time("Decimate", () => PdqCore.Decimate(luma, 512, 512, plane));
        Time("Quality", () => PdqCore.Quality(plane));
        Time("Dct", () => PdqCore.Dct(plane, temp, coeffs));
        Time("Threshold", () => PdqCore.Threshold(coeffs, temp));
        Time("HashLuma512", () => b.HashFromLuma512());
        Time("HashRgba512", () => b.HashFromRgba512());
        Time("DecodeHashAll(per image)", () => b.DecodeAndHashAllReferenceImages(), 45);
    }

    private static void Time(string name, Action a, int perCall = 1)
    {
        for (int i = 0; i < 20; i++)
        {
            a();
        }

        var runs = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            int n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 200)
            {
                a();
                n++;
            }

            runs.Add(sw.Elapsed.TotalMilliseconds * 1000 / (n * perCall));
        }

        runs.Sort();
        Console.WriteLine($"{name,-28} {runs[3],10:F1} us   ({1e6 / runs[3],8:F0} /s)");
    }
}
