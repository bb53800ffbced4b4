using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Takedown.Core.Hashing;

/// <summary>
/// PDQ's "Jarosz" filter: two rounds of (box along rows, box along columns), each box a running
/// float sum exactly as the reference computes it. Vectorised only across independent columns
/// or rows, so every individual sum sees the same operations in the same order as the reference.
/// </summary>
internal static class JaroszFilter
{
    /// <summary>Rows handled together by the horizontal pass (4 vectors of 8).</summary>
    internal const int StripRows = 32;

    /// <summary>ceil(oldDimension / (2 * newDimension)), in the reference's integer form.</summary>
    internal static int WindowSize(int oldDimension, int newDimension) =>
        (oldDimension + (2 * newDimension) - 1) / (2 * newDimension);

    /// <summary>Floats of scratch that <see cref="Filter"/> needs for a plane with <paramref name="cols"/> columns.</summary>
    internal static int StripScratchLength(int cols) => 2 * StripRows * cols;

    /// <summary>
    /// Filters <paramref name="buffer1"/> in place (rows x cols, row-major), using <paramref name="buffer2"/> as scratch:
    /// the whole filter, which <see cref="FilterAndSample"/> (what hashing uses) is tested against bit for bit.
    /// </summary>
    internal static void Filter(
        Span<float> buffer1, Span<float> buffer2, Span<float> strip, int rows, int cols,
        int windowAlongRows, int windowAlongCols, int repetitions)
    {
        for (int i = 0; i < repetitions; i++)
        {
            BoxAlongRows(buffer1, buffer2, strip, rows, cols, windowAlongRows);
            BoxAlongCols(buffer2, buffer1, rows, cols, windowAlongCols);
        }
    }

    /// <summary>
    /// The filter followed by the 64x64 centre sampling, computing only what the samples need. The
    /// first round (H, V) is full; the second horizontal box still runs every running sum in order
    /// but keeps its outputs only at the 64 sampled columns (no transpose back), and the second
    /// vertical box runs down those 64 columns only. Every kept value sees the same float operations
    /// in the same order as <see cref="Filter"/> followed by the sampling, so the bits are identical.
    /// <paramref name="narrow"/> and <paramref name="narrow2"/> hold rows x 64 floats each.
    /// </summary>
    internal static void FilterAndSample(
        Span<float> buffer1, Span<float> buffer2, Span<float> strip, Span<float> narrow, Span<float> narrow2,
        int rows, int cols, int windowAlongRows, int windowAlongCols, Span<float> output64x64)
    {
        const int n = 64;
        Span<int> colIndex = stackalloc int[n];
        for (int j = 0; j < n; j++)
        {
            colIndex[j] = (int)(((j + 0.5) * cols) / n);
        }

        BoxAlongRows(buffer1, buffer2, strip, rows, cols, windowAlongRows);
        BoxAlongCols(buffer2, buffer1, rows, cols, windowAlongCols);

        // Second horizontal box: sums over every column, outputs kept at the sampled columns.
        int r = 0;
        if (Avx.IsSupported)
        {
            Span<float> s1 = strip[..(StripRows * cols)];
            Span<float> s2 = strip.Slice(StripRows * cols, StripRows * cols);
            ref float sp1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s1);
            ref float sp2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s2);
            for (; r + StripRows <= rows; r += StripRows)
            {
                TransposeIn(buffer1, s1, r, cols);
                Columns32(ref sp1, ref sp2, cols, StripRows, 0, windowAlongRows);
                for (int j = 0; j < n; j++)
                {
                    ReadOnlySpan<float> column = s2.Slice(colIndex[j] * StripRows, StripRows);
                    for (int k = 0; k < StripRows; k++)
                    {
                        narrow[((r + k) * n) + j] = column[k];
                    }
                }
            }
        }

        for (; r < rows; r++)
        {
            Box1D(buffer1, buffer2, r * cols, cols, 1, windowAlongRows);
            for (int j = 0; j < n; j++)
            {
                narrow[(r * n) + j] = buffer2[(r * cols) + colIndex[j]];
            }
        }

        // Second vertical box down the 64 kept columns, then the sampled rows.
        BoxAlongCols(narrow[..(rows * n)], narrow2[..(rows * n)], rows, n, windowAlongCols);
        for (int i = 0; i < n; i++)
        {
            int ini = (int)(((i + 0.5) * rows) / n);
            narrow2.Slice(ini * n, n).CopyTo(output64x64.Slice(i * n, n));
        }
    }

    /// <summary>The reference's 1-D running-sum box, one vector at a time (kept for tails and as the test oracle).</summary>
    internal static void Box1D(ReadOnlySpan<float> input, Span<float> output, int offset, int length, int stride, int window)
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;

        int li = offset;
        int ri = offset;
        int oi = offset;
        float sum = 0.0f;
        int count = 0;

        for (int i = 0; i < phase1; i++)
        {
            sum += input[ri];
            count++;
            ri += stride;
        }

        for (int i = 0; i < phase2; i++)
        {
            sum += input[ri];
            count++;
            output[oi] = sum / count;
            ri += stride;
            oi += stride;
        }

        for (int i = 0; i < phase3; i++)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }

        for (int i = 0; i < phase4; i++)
        {
            sum -= input[li];
            count--;
            output[oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    /// <summary>Box down every column: vectorised across 32, then 8 adjacent columns, scalar for the rest.</summary>
    internal static void BoxAlongCols(ReadOnlySpan<float> input, Span<float> output, int rows, int cols, int window)
    {
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 32 <= cols; c += 32)
            {
                Columns32(ref src, ref dst, rows, cols, c, window);
            }

            for (; c + 8 <= cols; c += 8)
            {
                Columns8(ref src, ref dst, rows, cols, c, window);
            }
        }

        for (; c < cols; c++)
        {
            Box1D(input, output, c, rows, cols, window);
        }
    }

    /// <summary>
    /// Box along every row. Strips of 32 rows are transposed into a column-major scratch, boxed with
    /// the column kernel, and transposed back; leftover rows go through the scalar routine.
    /// </summary>
    internal static void BoxAlongRows(ReadOnlySpan<float> input, Span<float> output, Span<float> strip, int rows, int cols, int window)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            Span<float> s1 = strip[..(StripRows * cols)];
            Span<float> s2 = strip.Slice(StripRows * cols, StripRows * cols);
            ref float sp1 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s1);
            ref float sp2 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(s2);
            for (; r + StripRows <= rows; r += StripRows)
            {
                TransposeIn(input, s1, r, cols);
                Columns32(ref sp1, ref sp2, cols, StripRows, 0, window);
                TransposeOut(s2, output, r, cols);
            }
        }

        for (; r < rows; r++)
        {
            Box1D(input, output, r * cols, cols, 1, window);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(ref float baseRef, nuint index) => Vector256.LoadUnsafe(ref baseRef, index);

    private static void Columns8(ref float src, ref float dst, int length, int stride, int column, int window)
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;
        nuint st = (nuint)stride;
        nuint li = (nuint)column;
        nuint ri = li;
        nuint oi = li;
        Vector256<float> sum = Vector256<float>.Zero;
        int count = 0;

        for (int i = 0; i < phase1; i++)
        {
            sum += Load(ref src, ri);
            count++;
            ri += st;
        }

        for (int i = 0; i < phase2; i++)
        {
            sum += Load(ref src, ri);
            count++;
            (sum / Vector256.Create((float)count)).StoreUnsafe(ref dst, oi);
            ri += st;
            oi += st;
        }

        Vector256<float> divisor = Vector256.Create((float)count);
        if (System.Numerics.BitOperations.IsPow2(count))
        {
            // Dividing by 2^k and multiplying by 2^-k round the same exact quotient: identical bits, far cheaper.
            Vector256<float> reciprocal = Vector256.Create(1.0f / count);
            for (int i = 0; i < phase3; i++)
            {
                sum += Load(ref src, ri);
                sum -= Load(ref src, li);
                (sum * reciprocal).StoreUnsafe(ref dst, oi);
                li += st;
                ri += st;
                oi += st;
            }
        }
        else
        {
            for (int i = 0; i < phase3; i++)
            {
                sum += Load(ref src, ri);
                sum -= Load(ref src, li);
                (sum / divisor).StoreUnsafe(ref dst, oi);
                li += st;
                ri += st;
                oi += st;
            }
        }

        for (int i = 0; i < phase4; i++)
        {
            sum -= Load(ref src, li);
            count--;
            (sum / Vector256.Create((float)count)).StoreUnsafe(ref dst, oi);
            li += st;
            oi += st;
        }
    }

    private static void Columns32(ref float src, ref float dst, int length, int stride, int column, int window)
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = length - window;
        int phase4 = half - 1;
        nuint st = (nuint)stride;
        nuint li = (nuint)column;
        nuint ri = li;
        nuint oi = li;
        Vector256<float> s0 = Vector256<float>.Zero;
        Vector256<float> s1 = Vector256<float>.Zero;
        Vector256<float> s2 = Vector256<float>.Zero;
        Vector256<float> s3 = Vector256<float>.Zero;
        int count = 0;

        for (int i = 0; i < phase1; i++)
        {
            s0 += Load(ref src, ri);
            s1 += Load(ref src, ri + 8);
            s2 += Load(ref src, ri + 16);
            s3 += Load(ref src, ri + 24);
            count++;
            ri += st;
        }

        for (int i = 0; i < phase2; i++)
        {
            s0 += Load(ref src, ri);
            s1 += Load(ref src, ri + 8);
            s2 += Load(ref src, ri + 16);
            s3 += Load(ref src, ri + 24);
            count++;
            Vector256<float> d = Vector256.Create((float)count);
            (s0 / d).StoreUnsafe(ref dst, oi);
            (s1 / d).StoreUnsafe(ref dst, oi + 8);
            (s2 / d).StoreUnsafe(ref dst, oi + 16);
            (s3 / d).StoreUnsafe(ref dst, oi + 24);
            ri += st;
            oi += st;
        }

        // Dividing by 2^k and multiplying by 2^-k round the same exact quotient: identical bits, far cheaper.
        bool pow2 = System.Numerics.BitOperations.IsPow2(count);
        Vector256<float> divisor = Vector256.Create((float)count);
        Vector256<float> reciprocal = Vector256.Create(1.0f / count);
        for (int i = 0; i < phase3; i++)
        {
            s0 += Load(ref src, ri);
            s1 += Load(ref src, ri + 8);
            s2 += Load(ref src, ri + 16);
            s3 += Load(ref src, ri + 24);
            s0 -= Load(ref src, li);
            s1 -= Load(ref src, li + 8);
            s2 -= Load(ref src, li + 16);
            s3 -= Load(ref src, li + 24);
            if (pow2)
            {
                (s0 * reciprocal).StoreUnsafe(ref dst, oi);
                (s1 * reciprocal).StoreUnsafe(ref dst, oi + 8);
                (s2 * reciprocal).StoreUnsafe(ref dst, oi + 16);
                (s3 * reciprocal).StoreUnsafe(ref dst, oi + 24);
            }
            else
            {
                (s0 / divisor).StoreUnsafe(ref dst, oi);
                (s1 / divisor).StoreUnsafe(ref dst, oi + 8);
                (s2 / divisor).StoreUnsafe(ref dst, oi + 16);
                (s3 / divisor).StoreUnsafe(ref dst, oi + 24);
            }

            li += st;
            ri += st;
            oi += st;
        }

        for (int i = 0; i < phase4; i++)
        {
            s0 -= Load(ref src, li);
            s1 -= Load(ref src, li + 8);
            s2 -= Load(ref src, li + 16);
            s3 -= Load(ref src, li + 24);
            count--;
            Vector256<float> d = Vector256.Create((float)count);
            (s0 / d).StoreUnsafe(ref dst, oi);
            (s1 / d).StoreUnsafe(ref dst, oi + 8);
            (s2 / d).StoreUnsafe(ref dst, oi + 16);
            (s3 / d).StoreUnsafe(ref dst, oi + 24);
            li += st;
            oi += st;
        }
    }

    // strip[col * 32 + k] = input[(row0 + k) * cols + col]
    internal static void TransposeIn(ReadOnlySpan<float> input, Span<float> strip, int row0, int cols)
    {
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(strip);
        nuint c = (nuint)cols;
        int vectorCols = cols & ~7;

        // Row groups outer: the 8 source rows sit 4 KiB apart in the same cache sets, so finish
        // each group before touching the next, or the lines evict one another.
        for (int g = 0; g < StripRows; g += 8)
        {
            for (int col = 0; col < vectorCols; col += 8)
            {
                nuint b = ((nuint)(row0 + g) * c) + (nuint)col;
                Transpose8x8(ref src, b, c, ref dst, ((nuint)col * StripRows) + (nuint)g, StripRows);
            }
        }

        for (int col = vectorCols; col < cols; col++)
        {
            for (int k = 0; k < StripRows; k++)
            {
                strip[(col * StripRows) + k] = input[((row0 + k) * cols) + col];
            }
        }
    }

    // output[(row0 + k) * cols + col] = strip[col * 32 + k]
    internal static void TransposeOut(ReadOnlySpan<float> strip, Span<float> output, int row0, int cols)
    {
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(strip);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output);
        int vectorCols = cols & ~7;
        for (int g = 0; g < StripRows; g += 8)
        {
            for (int col = 0; col < vectorCols; col += 8)
            {
                nuint b = ((nuint)col * StripRows) + (nuint)g;
                Transpose8x8(ref src, b, StripRows, ref dst, ((nuint)(row0 + g) * (nuint)cols) + (nuint)col, (nuint)cols);
            }
        }

        for (int col = vectorCols; col < cols; col++)
        {
            for (int k = 0; k < StripRows; k++)
            {
                output[((row0 + k) * cols) + col] = strip[(col * StripRows) + k];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float src, nuint srcOffset, nuint srcStride, ref float dst, nuint offset, nuint stride)
    {
        Vector256<float> r0 = Load(ref src, srcOffset);
        Vector256<float> r1 = Load(ref src, srcOffset + srcStride);
        Vector256<float> r2 = Load(ref src, srcOffset + (2 * srcStride));
        Vector256<float> r3 = Load(ref src, srcOffset + (3 * srcStride));
        Vector256<float> r4 = Load(ref src, srcOffset + (4 * srcStride));
        Vector256<float> r5 = Load(ref src, srcOffset + (5 * srcStride));
        Vector256<float> r6 = Load(ref src, srcOffset + (6 * srcStride));
        Vector256<float> r7 = Load(ref src, srcOffset + (7 * srcStride));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dst, offset);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref dst, offset + stride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref dst, offset + (2 * stride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref dst, offset + (3 * stride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref dst, offset + (4 * stride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref dst, offset + (5 * stride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref dst, offset + (6 * stride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref dst, offset + (7 * stride));
    }
}
