using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

/// <summary>The vectorised kernels give the same float bits as straightforward scalar code in the reference's order.</summary>
public sealed class ExactnessTests
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(64, 64)]
    [InlineData(33, 70)]
    [InlineData(130, 257)]
    [InlineData(512, 512)]
    [InlineData(391, 1080)]
    [InlineData(1000, 37)]
    public void JaroszFilter_Vectorised_EqualsScalarReferenceBitForBit(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols);
        float[] input = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 255.0)).ToArray();
        int wr = JaroszFilter.WindowSize(cols, 64);
        int wc = JaroszFilter.WindowSize(rows, 64);

        // Scalar oracle: the reference's loops, H then V, twice.
        float[] b1 = (float[])input.Clone();
        var b2 = new float[rows * cols];
        for (int rep = 0; rep < 2; rep++)
        {
            for (int r = 0; r < rows; r++)
            {
                JaroszFilter.Box1D(b1, b2, r * cols, cols, 1, wr);
            }

            for (int c = 0; c < cols; c++)
            {
                JaroszFilter.Box1D(b2, b1, c, rows, cols, wc);
            }
        }

        float[] v1 = (float[])input.Clone();
        var v2 = new float[rows * cols];
        var strip = new float[JaroszFilter.StripScratchLength(cols)];
        JaroszFilter.Filter(v1, v2, strip, rows, cols, wr, wc, 2);

        for (int i = 0; i < v1.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(b1[i]), BitConverter.SingleToInt32Bits(v1[i]));
        }
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(64, 64)]
    [InlineData(33, 70)]
    [InlineData(130, 257)]
    [InlineData(512, 512)]
    [InlineData(391, 1080)]
    [InlineData(1000, 37)]
    [InlineData(512, 100)]
    public void FilterAndSample_EqualsFullFilterThenDecimateBitForBit(int rows, int cols)
    {
        var rng = new Random((rows * 7919) + cols);
        float[] input = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 255.0)).ToArray();
        int wr = JaroszFilter.WindowSize(cols, 64);
        int wc = JaroszFilter.WindowSize(rows, 64);

        float[] f1 = (float[])input.Clone();
        var f2 = new float[rows * cols];
        JaroszFilter.Filter(f1, f2, new float[JaroszFilter.StripScratchLength(cols)], rows, cols, wr, wc, 2);
        var expected = new float[4096];
        PdqCore.Decimate(f1, rows, cols, expected);

        float[] s1 = (float[])input.Clone();
        var actual = new float[4096];
        JaroszFilter.FilterAndSample(
            s1, new float[rows * cols], new float[JaroszFilter.StripScratchLength(cols)], new float[rows * 64], new float[rows * 64],
            rows, cols, wr, wc, actual);

        for (int i = 0; i < 4096; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    [Fact]
    public void Quality_Vectorised_EqualsScalarReference()
    {
        var rng = new Random(23);
        for (int trial = 0; trial < 50; trial++)
        {
            // From flat to noisy planes, so the score covers 0..100 and the cap.
            double spread = trial * 6.0;
            float[] plane = Enumerable.Range(0, 4096).Select(_ => (float)(128 + ((rng.NextDouble() - 0.5) * spread))).ToArray();
            int sum = 0;
            for (int i = 0; i < 63; i++)
            {
                for (int j = 0; j < 64; j++)
                {
                    sum += Math.Abs((int)(((plane[(i * 64) + j] - plane[((i + 1) * 64) + j]) * 100) / 255));
                }
            }

            for (int i = 0; i < 64; i++)
            {
                for (int j = 0; j < 63; j++)
                {
                    sum += Math.Abs((int)(((plane[(i * 64) + j] - plane[(i * 64) + j + 1]) * 100) / 255));
                }
            }

            Assert.Equal(Math.Min(sum / 90, 100), PdqCore.Quality(plane));
        }
    }

    [Fact]
    public void Dct_Vectorised_EqualsScalarSumsInOrder()
    {
        var rng = new Random(17);
        float[] plane = Enumerable.Range(0, 4096).Select(_ => (float)(rng.NextDouble() * 255.0)).ToArray();
        var dct = new float[16 * 64];
        float scale = (float)Math.Sqrt(2.0 / 64.0);
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                dct[(i * 64) + j] = (float)(scale * Math.Cos((3.14159265358979323846 / 2 / 64.0) * (i + 1) * ((2 * j) + 1)));
            }
        }

        var t = new float[16 * 64];
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                float sum = 0.0f;
                for (int k = 0; k < 64; k++)
                {
                    sum += dct[(i * 64) + k] * plane[(k * 64) + j];
                }

                t[(i * 64) + j] = sum;
            }
        }

        var expected = new float[256];
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 16; j++)
            {
                float sum = 0.0f;
                for (int k = 0; k < 64; k++)
                {
                    sum += t[(i * 64) + k] * dct[(j * 64) + k];
                }

                expected[(i * 16) + j] = sum;
            }
        }

        var actual = new float[256];
        PdqCore.Dct(plane, new float[16 * 64], actual);

        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    [Fact]
    public void Median_IsTheLowerMedianOf256()
    {
        float[] values = Enumerable.Range(0, 256).Select(i => (float)((i * 37) % 256)).ToArray();
        Assert.Equal(127f, PdqCore.Median(values, new float[256]));
    }

    [Fact]
    public void HashLuma_OfSameLumaTwice_IsDeterministicAndAllocationFree()
    {
        var rng = new Random(5);
        float[] luma = Enumerable.Range(0, 512 * 512).Select(_ => (float)(rng.NextDouble() * 255.0)).ToArray();
        PdqHashWithQuality first = PdqHasher.HashLuma(luma, 512, 512);

        long before = GC.GetAllocatedBytesForCurrentThread();
        PdqHashWithQuality second = PdqHasher.HashLuma(luma, 512, 512);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(first, second);
        Assert.True(allocated < 1024, $"allocated {allocated} bytes on the hot path");
    }
}
