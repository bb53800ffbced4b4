using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Takedown.Core.Hashing;

/// <summary>
/// Per-thread buffers for hashing, so the hot path allocates nothing. Planes up to
/// <see cref="RetainedPlaneFloats"/> floats are kept; larger ones are allocated per call.
/// </summary>
internal sealed class PdqWorkspace
{
    internal const int RetainedPlaneFloats = 1024 * 1024;

    [ThreadStatic]
    private static PdqWorkspace? t_current;

    private PdqWorkspace(int planeFloats, int stripFloats, int maxRows)
    {
        Buffer1 = new float[planeFloats];
        Buffer2 = new float[planeFloats];
        Strip = new float[stripFloats];
        Narrow = new float[maxRows * 64];
        Narrow2 = new float[maxRows * 64];
    }

    /// <summary>Luma in, filtered plane out.</summary>
    internal float[] Buffer1 { get; }

    internal float[] Buffer2 { get; }

    internal float[] Strip { get; }

    /// <summary>rows x 64: the second round's values at the sampled columns.</summary>
    internal float[] Narrow { get; }

    internal float[] Narrow2 { get; }

    internal float[] Plane64 { get; } = new float[64 * 64];

    internal float[] DctTemp { get; } = new float[16 * 64];

    internal float[] Coefficients { get; } = new float[256];

    internal float[] Scratch256 { get; } = new float[256];

    internal static PdqWorkspace For(int rows, int cols)
    {
        int plane = checked(rows * cols);
        int strip = JaroszFilter.StripScratchLength(cols);
        PdqWorkspace? ws = t_current;
        if (ws is not null && ws.Buffer1.Length >= plane && ws.Strip.Length >= strip && ws.Narrow.Length >= rows * 64)
        {
            return ws;
        }

        int keepPlane = Math.Max(plane, 512 * 512);
        ws = new PdqWorkspace(keepPlane, Math.Max(strip, JaroszFilter.StripScratchLength(512)), Math.Max(rows, 512));
        if (plane <= RetainedPlaneFloats)
        {
            t_current = ws;
        }

        return ws;
    }
}

/// <summary>
/// The PDQ algorithm from a float luma plane onwards: filter, 64x64 decimation, quality,
/// 16x16 DCT block, median threshold. Float arithmetic follows the reference's order exactly.
/// </summary>
internal static class PdqCore
{
    internal const int MinDimension = 5;
    private const int Downsample = 64;
    private const int DctSize = 16;

    // D[i][j] = sqrt(2/64) * cos(pi/128 * (i+1) * (2j+1)), computed in double, stored as float.
    private static readonly float[] s_dct = BuildDct();

    // The same matrix transposed (64 x 16), for the second product vectorised across j.
    private static readonly float[] s_dctTransposed = Transpose(s_dct, DctSize, Downsample);

    /// <summary>
    /// Computes the 256 DCT coefficients and the quality of the luma plane held in
    /// <paramref name="ws"/>.Buffer1 (rows x cols). Destroys Buffer1. Returns false (zero hash, quality 0)
    /// for planes under 5 px on a side. <paramref name="alwaysFilter"/> follows the dihedral path,
    /// which filters even a 64x64 plane.
    /// </summary>
    internal static bool TryComputeCoefficients(PdqWorkspace ws, int rows, int cols, bool alwaysFilter, Span<float> coefficients, out int quality)
    {
        quality = 0;
        if (rows < MinDimension || cols < MinDimension)
        {
            coefficients[..256].Clear();
            return false;
        }

        float[] plane;
        if (rows == Downsample && cols == Downsample && !alwaysFilter)
        {
            plane = ws.Buffer1;
        }
        else
        {
            int plen = rows * cols;
            JaroszFilter.FilterAndSample(
                ws.Buffer1.AsSpan(0, plen), ws.Buffer2.AsSpan(0, plen), ws.Strip, ws.Narrow, ws.Narrow2, rows, cols,
                JaroszFilter.WindowSize(cols, Downsample), JaroszFilter.WindowSize(rows, Downsample), ws.Plane64);
            plane = ws.Plane64;
        }

        quality = Quality(plane);
        Dct(plane, ws.DctTemp, coefficients);
        return true;
    }

    /// <summary>
    /// Centre-of-cell point sampling to 64x64, indices computed in double as the reference does; with
    /// <see cref="JaroszFilter.Filter"/> the plain form that <see cref="JaroszFilter.FilterAndSample"/> is tested against.
    /// </summary>
    internal static void Decimate(ReadOnlySpan<float> input, int rows, int cols, Span<float> output)
    {
        Span<int> colIndex = stackalloc int[Downsample];
        for (int j = 0; j < Downsample; j++)
        {
            colIndex[j] = (int)(((j + 0.5) * cols) / Downsample);
        }

        for (int i = 0; i < Downsample; i++)
        {
            int ini = (int)(((i + 0.5) * rows) / Downsample);
            ReadOnlySpan<float> row = input.Slice(ini * cols, cols);
            Span<float> outRow = output.Slice(i * Downsample, Downsample);
            for (int j = 0; j < Downsample; j++)
            {
                outRow[j] = row[colIndex[j]];
            }
        }
    }

    /// <summary>
    /// Sum of truncated scaled neighbour differences / 90, capped at 100. Each difference is the
    /// reference's float expression truncated to int on its own; only the integer sum is vectorised,
    /// and integer addition does not depend on order.
    /// </summary>
    internal static int Quality(ReadOnlySpan<float> plane)
    {
        _ = plane[(Downsample * Downsample) - 1];
        ref float p = ref MemoryMarshal.GetReference(plane);
        Vector256<float> hundred = Vector256.Create(100f);
        Vector256<float> divisor = Vector256.Create(255f);
        Vector256<int> acc = Vector256<int>.Zero;

        // Vertical neighbours: rows i and i + 1, 64 columns as 8 vectors.
        for (int i = 0; i < Downsample - 1; i++)
        {
            for (int j = 0; j < Downsample; j += 8)
            {
                Vector256<float> u = Vector256.LoadUnsafe(ref p, (nuint)((i * Downsample) + j));
                Vector256<float> v = Vector256.LoadUnsafe(ref p, (nuint)(((i + 1) * Downsample) + j));
                acc += Vector256.Abs(Vector256.ConvertToInt32((u - v) * hundred / divisor));
            }
        }

        // Horizontal neighbours: columns j and j + 1 for j = 0..55 as 7 vectors, then 56..62.
        int sum = 0;
        for (int i = 0; i < Downsample; i++)
        {
            int row = i * Downsample;
            for (int j = 0; j < 56; j += 8)
            {
                Vector256<float> u = Vector256.LoadUnsafe(ref p, (nuint)(row + j));
                Vector256<float> v = Vector256.LoadUnsafe(ref p, (nuint)(row + j + 1));
                acc += Vector256.Abs(Vector256.ConvertToInt32((u - v) * hundred / divisor));
            }

            for (int j = 56; j < Downsample - 1; j++)
            {
                float u = plane[row + j];
                float v = plane[row + j + 1];
                sum += Math.Abs((int)(((u - v) * 100) / 255));
            }
        }

        sum += Vector256.Sum(acc);
        return Math.Min(sum / 90, 100);
    }

    /// <summary>
    /// B = D A D^T for the 64x64 plane A. Each output is one float accumulator over k = 0..63 in
    /// order, multiply then add (no FMA); vectors run across independent outputs only.
    /// </summary>
    internal static void Dct(ReadOnlySpan<float> plane, Span<float> temp, Span<float> output)
    {
        ref float a = ref MemoryMarshal.GetReference(plane);
        ref float t = ref MemoryMarshal.GetReference(temp);
        ref float d = ref MemoryMarshal.GetArrayDataReference(s_dct);
        ref float dt = ref MemoryMarshal.GetArrayDataReference(s_dctTransposed);
        ref float o = ref MemoryMarshal.GetReference(output);
        _ = plane[(Downsample * Downsample) - 1];
        _ = temp[(DctSize * Downsample) - 1];
        _ = output[(DctSize * DctSize) - 1];

        // T = D A (16 x 64).
        for (int i = 0; i < DctSize; i++)
        {
            Vector256<float> c0 = Vector256<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
            for (int k = 0; k < Downsample; k++)
            {
                Vector256<float> dik = Vector256.Create(Unsafe(ref d, (i * Downsample) + k));
                nuint row = (nuint)(k * Downsample);
                c0 += dik * Vector256.LoadUnsafe(ref a, row);
                c1 += dik * Vector256.LoadUnsafe(ref a, row + 8);
                c2 += dik * Vector256.LoadUnsafe(ref a, row + 16);
                c3 += dik * Vector256.LoadUnsafe(ref a, row + 24);
                c4 += dik * Vector256.LoadUnsafe(ref a, row + 32);
                c5 += dik * Vector256.LoadUnsafe(ref a, row + 40);
                c6 += dik * Vector256.LoadUnsafe(ref a, row + 48);
                c7 += dik * Vector256.LoadUnsafe(ref a, row + 56);
            }

            nuint outRow = (nuint)(i * Downsample);
            c0.StoreUnsafe(ref t, outRow);
            c1.StoreUnsafe(ref t, outRow + 8);
            c2.StoreUnsafe(ref t, outRow + 16);
            c3.StoreUnsafe(ref t, outRow + 24);
            c4.StoreUnsafe(ref t, outRow + 32);
            c5.StoreUnsafe(ref t, outRow + 40);
            c6.StoreUnsafe(ref t, outRow + 48);
            c7.StoreUnsafe(ref t, outRow + 56);
        }

        // B[i][j] = sum_k T[i][k] D[j][k] (16 x 16).
        for (int i = 0; i < DctSize; i++)
        {
            Vector256<float> b0 = Vector256<float>.Zero, b1 = b0;
            for (int k = 0; k < Downsample; k++)
            {
                Vector256<float> tik = Vector256.Create(Unsafe(ref t, (i * Downsample) + k));
                nuint row = (nuint)(k * DctSize);
                b0 += tik * Vector256.LoadUnsafe(ref dt, row);
                b1 += tik * Vector256.LoadUnsafe(ref dt, row + 8);
            }

            b0.StoreUnsafe(ref o, (nuint)(i * DctSize));
            b1.StoreUnsafe(ref o, (nuint)((i * DctSize) + 8));
        }
    }

    /// <summary>The reference's median of 256 values: the lower median, i.e. the 128th smallest.</summary>
    internal static float Median(ReadOnlySpan<float> values, Span<float> scratch)
    {
        values.CopyTo(scratch);
        Span<float> s = scratch[..values.Length];
        s.Sort();
        return s[(values.Length / 2) - 1];
    }

    /// <summary>Thresholds 256 coefficients at their lower median (strictly greater sets the bit).</summary>
    internal static PdqHash Threshold(ReadOnlySpan<float> coefficients, Span<float> scratch) =>
        PdqHash.FromThreshold(coefficients, Median(coefficients[..256], scratch));

    private static float Unsafe(ref float baseRef, int index) =>
        System.Runtime.CompilerServices.Unsafe.Add(ref baseRef, index);

    private static float[] BuildDct()
    {
        var m = new float[DctSize * Downsample];
        float scale = (float)Math.Sqrt(2.0 / Downsample);
        for (int i = 0; i < DctSize; i++)
        {
            for (int j = 0; j < Downsample; j++)
            {
                m[(i * Downsample) + j] = (float)(scale * Math.Cos((3.14159265358979323846 / 2 / Downsample) * (i + 1) * ((2 * j) + 1)));
            }
        }

        return m;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = m[(i * cols) + j];
            }
        }

        return t;
    }
}
