using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Takedown.Core.Hashing;

/// <summary>
/// Turns decoded 8-bit pixels into PDQ's float luma plane, including the CLI's nearest-neighbour
/// resize of images with a side over 512 to exactly 512x512 (top-left aligned, per channel).
/// </summary>
internal static class LumaPlane
{
    private const float RedCoefficient = 0.299f;
    private const float GreenCoefficient = 0.587f;
    private const float BlueCoefficient = 0.114f;

    /// <summary>Plane size the reference hashes for a width x height image.</summary>
    internal static (int Rows, int Cols) Dimensions(int width, int height) =>
        width > PdqHasher.PreResizeLimit || height > PdqHasher.PreResizeLimit
            ? (PdqHasher.PreResizeLimit, PdqHasher.PreResizeLimit)
            : (height, width);

    internal static void Fill(DecodedImage image, Span<float> luma, int rows, int cols)
    {
        if (image.RowsSampled)
        {
            // Row y already is source row floor(y * H / 512): sample it as a 512-row image.
            Fill(image.Pixels, image.Width, image.StoredRows, image.Channels, image.Stride, image.IsGrey, luma, rows, cols);
            return;
        }

        Fill(image.Pixels, image.Width, image.Height, image.Channels, image.Stride, image.IsGrey, luma, rows, cols);
    }

    /// <summary>
    /// Fills rows x cols of luma, sampling source row floor(y * H / rows) and column floor(x * W / cols).
    /// Grey images give the sample itself; colour gives (0.299f R + 0.587f G) + 0.114f B in float.
    /// </summary>
    internal static void Fill(ReadOnlySpan<byte> pixels, int width, int height, int channels, int stride, bool grey, Span<float> luma, int rows, int cols)
    {
        Span<int> colOffset = cols <= 1024 ? stackalloc int[cols] : new int[cols];
        for (int x = 0; x < cols; x++)
        {
            // x * W / cols is exact in double for these sizes; the reference floors it.
            colOffset[x] = (int)((long)x * width / cols) * channels;
        }

        for (int y = 0; y < rows; y++)
        {
            int sy = (int)((long)y * height / rows);
            ReadOnlySpan<byte> src = pixels.Slice(sy * stride, width * channels);
            Span<float> dst = luma.Slice(y * cols, cols);
            if (grey)
            {
                for (int x = 0; x < cols; x++)
                {
                    dst[x] = src[colOffset[x]];
                }
            }
            else
            {
                int x = Avx2.IsSupported ? RgbaRowVector(src, colOffset, dst, identity: cols == width) : 0;
                for (; x < cols; x++)
                {
                    int o = colOffset[x];
                    float r = src[o];
                    float g = src[o + 1];
                    float b = src[o + 2];
                    dst[x] = (RedCoefficient * r) + (GreenCoefficient * g) + (BlueCoefficient * b);
                }
            }
        }
    }

    /// <summary>
    /// Luma for 8 RGBA pixels at a time (gathered through the column map when resizing). Each lane
    /// does the scalar formula's multiplies and adds in the same order, so the bits are identical.
    /// Returns how many pixels it converted.
    /// </summary>
    private static unsafe int RgbaRowVector(ReadOnlySpan<byte> src, ReadOnlySpan<int> colOffset, Span<float> dst, bool identity)
    {
        int cols = dst.Length;
        Vector256<float> cr = Vector256.Create(RedCoefficient);
        Vector256<float> cg = Vector256.Create(GreenCoefficient);
        Vector256<float> cb = Vector256.Create(BlueCoefficient);
        Vector256<uint> mask = Vector256.Create(0xFFu);
        ref byte s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref int map = ref MemoryMarshal.GetReference(colOffset);
        int x = 0;
        fixed (byte* basePtr = src)
        {
            for (; x + 8 <= cols; x += 8)
            {
                Vector256<uint> px;
                if (identity)
                {
                    px = Vector256.LoadUnsafe(ref Unsafe.As<byte, uint>(ref s), (nuint)x);
                }
                else
                {
                    px = Avx2.GatherVector256((uint*)basePtr, Vector256.LoadUnsafe(ref map, (nuint)x), 1);
                }

                Vector256<float> r = Vector256.ConvertToSingle((px & mask).AsInt32());
                Vector256<float> g = Vector256.ConvertToSingle(((px >> 8) & mask).AsInt32());
                Vector256<float> b = Vector256.ConvertToSingle(((px >> 16) & mask).AsInt32());
                ((cr * r) + (cg * g) + (cb * b)).StoreUnsafe(ref d, (nuint)x);
            }
        }

        return x;
    }

    /// <summary>True when every pixel has R == G == B (always for one channel).</summary>
    internal static bool IsAllGrey(ReadOnlySpan<byte> pixels, int width, int height, int channels, int stride)
    {
        if (channels == 1)
        {
            return true;
        }

        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<uint> row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(pixels.Slice(y * stride, width * 4));
            foreach (uint p in row)
            {
                // Little-endian RGBA: R in the low byte.
                uint r = p & 0xFF;
                if (((p >> 8) & 0xFF) != r || ((p >> 16) & 0xFF) != r)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
