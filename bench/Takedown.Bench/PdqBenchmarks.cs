using BenchmarkDotNet.Attributes;
using Takedown.Core.Hashing;

namespace Takedown.Bench;

/// <summary>
/// PDQ throughput. Hash-only starts from a prepared 512x512 buffer (what every image over 512 px
/// becomes); decode+hash runs the whole public path over the reference test images.
/// Set PDQ_TESTDATA to the folder holding expected.tsv (defaults to the test project's copy).
/// </summary>
[MemoryDiagnoser]
public class PdqBenchmarks
{
    private byte[] _rgba512 = [];
    private float[] _luma512 = [];
    private byte[][] _files = [];
    private byte[] _bigJpeg = [];

    [GlobalSetup]
    public void Setup()
    {
        string root = Environment.GetEnvironmentVariable("PDQ_TESTDATA")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../../tests/Takedown.Core.Tests/TestData/pdq"));
        if (!File.Exists(Path.Combine(root, "expected.tsv")))
        {
            root = FindTestData();
        }

        string[] names = File.ReadLines(Path.Combine(root, "expected.tsv")).Skip(1).Select(l => l.Split('\t')[0]).ToArray();
        _files = names.Select(n => File.ReadAllBytes(Path.Combine(root, n))).ToArray();
        _bigJpeg = File.ReadAllBytes(Path.Combine(root, "images/bridge-mods/aaa-orig.jpg"));

        if (ImageDecoder.TryDecode(_bigJpeg, ImageLimits.Default, out DecodedImage? image) is not null)
        {
            throw new InvalidOperationException("cannot decode the benchmark image");
        }

        using (image)
        {
            // The 512x512 nearest-neighbour sample the CLI hashes, as RGBA and as luma.
            _rgba512 = new byte[512 * 512 * 4];
            for (int y = 0; y < 512; y++)
            {
                int sy = y * image!.Height / 512;
                for (int x = 0; x < 512; x++)
                {
                    int sx = x * image.Width / 512;
                    image.Pixels.Slice(((sy * image.Width) + sx) * 4, 4).CopyTo(_rgba512.AsSpan(((y * 512) + x) * 4));
                }
            }
        }

        _luma512 = new float[512 * 512];
        for (int i = 0; i < _luma512.Length; i++)
        {
            _luma512[i] = (0.299f * _rgba512[i * 4]) + (0.587f * _rgba512[(i * 4) + 1]) + (0.114f * _rgba512[(i * 4) + 2]);
        }
    }

    /// <summary>Hash only, from a 512x512 float luma plane (filter, sampling, quality, DCT, median).</summary>
    [Benchmark]
    public PdqHashWithQuality HashFromLuma512() => PdqHasher.HashLuma(_luma512, 512, 512);

    /// <summary>Hash only, from 512x512 RGBA bytes (adds the grey check and luma conversion).</summary>
    [Benchmark(Baseline = true)]
    public PdqHashWithQuality HashFromRgba512() => PdqHasher.HashPixels(_rgba512, 512, 512, 4);

    /// <summary>Hash with all eight dihedral variants, from 512x512 luma.</summary>
    [Benchmark]
    public int DihedralFromLuma512() => PdqHasher.HashLumaDihedral(_luma512, 512, 512).Quality;

    /// <summary>Decode + hash of one 1600x1004 JPEG (aaa-orig.jpg).</summary>
    [Benchmark]
    public PdqResult DecodeAndHashJpeg1600x1004() => PdqHasher.HashImage(_bigJpeg, ImageLimits.Default);

    /// <summary>Decode + hash of all 45 reference images (mixed JPEG/PNG/WebP, 34x42 to 1600x1004); per image.</summary>
    [Benchmark(OperationsPerInvoke = 45)]
    public int DecodeAndHashAllReferenceImages()
    {
        int q = 0;
        foreach (byte[] f in _files)
        {
            q += PdqHasher.HashImage(f, ImageLimits.Default).Quality;
        }

        return q;
    }

    private static string FindTestData()
    {
        for (string? d = AppContext.BaseDirectory; d is not null; d = Path.GetDirectoryName(d))
        {
            string candidate = Path.Combine(d, "tests/Takedown.Core.Tests/TestData/pdq");
            if (File.Exists(Path.Combine(candidate, "expected.tsv")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("set PDQ_TESTDATA to the folder with expected.tsv");
    }
}
