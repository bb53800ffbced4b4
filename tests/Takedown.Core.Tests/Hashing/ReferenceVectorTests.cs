using System.Text;
using Takedown.Core.Hashing;
using Xunit.Abstractions;

namespace Takedown.Core.Tests.Hashing;

/// <summary>
/// The upstream test images against the reference CLI's output. PNG, WebP and every other
/// non-JPEG must match bit for bit, and so must JPEG decoded by the system libjpeg-turbo (the
/// reference's own decoder); JPEG decoded by SkiaSharp may differ only through the decoder's pixels,
/// by at most 2 bits (0 on these files today).
/// </summary>
public sealed class ReferenceVectorTests(ITestOutputHelper output)
{
    private const int JpegTolerance = 2;

    /// <summary>Every file with the default decoders, and every JPEG again with SkiaSharp.</summary>
    public static TheoryData<string, JpegDecoder> ExpectedFilesByDecoder()
    {
        var data = new TheoryData<string, JpegDecoder>();
        foreach (string file in TestFiles.ReadTsv("expected.tsv").Select(r => r[0]))
        {
            data.Add(file, JpegDecoder.Auto);
            if (TestFiles.IsJpeg(file))
            {
                data.Add(file, JpegDecoder.Skia);
            }
        }

        return data;
    }

    /// <summary>SkiaSharp's JPEG pixels may differ from the reference's; libjpeg-turbo's are the reference's.</summary>
    private static bool Tolerant(string file, JpegDecoder decoder) =>
        TestFiles.IsJpeg(file) && (decoder == JpegDecoder.Skia || !TurboJpeg.IsAvailable);

    [Fact]
    public void SystemLibjpegTurbo_IsInstalledWhereTheTestsRun()
    {
        // test.sh installs libturbojpeg0; without it the exact-JPEG cases below would silently test SkiaSharp twice.
        Assert.True(TurboJpeg.IsAvailable, $"{TurboJpeg.LibraryName} not found: apt-get install libturbojpeg0");
    }

    [Theory]
    [MemberData(nameof(ExpectedFilesByDecoder))]
    public void Hash_OfReferenceImage_MatchesCliOutput(string file, JpegDecoder decoder)
    {
        (string expectedHex, int expectedQuality) = TestFiles.Expected(file);
        PdqResult result = PdqHasher.HashImage(TestFiles.Read(file), ImageLimits.Default with { JpegDecoder = decoder });

        Assert.True(result.IsSuccess, result.Error?.Reason);
        int distance = result.Hash.DistanceTo(PdqHash.Parse(expectedHex));
        output.WriteLine($"{file}\t{decoder}\tdistance={distance}\tquality={result.Quality} (expected {expectedQuality})\t{result.Hash}");
        if (Tolerant(file, decoder))
        {
            Assert.InRange(distance, 0, JpegTolerance);
            Assert.InRange(result.Quality, expectedQuality - 1, expectedQuality + 1);
        }
        else
        {
            Assert.Equal(expectedHex, result.Hash.ToString());
            Assert.Equal(expectedQuality, result.Quality);
        }
    }

    [Theory]
    [MemberData(nameof(ExpectedFilesByDecoder))]
    public void DihedralHashes_OfReferenceImage_MatchCliOutput(string file, JpegDecoder decoder)
    {
        string[] row = TestFiles.ExpectedDihedral(file);
        PdqResult result = PdqHasher.HashImage(TestFiles.Read(file), ImageLimits.Default with { JpegDecoder = decoder }, includeDihedral: true);

        Assert.True(result.IsSuccess, result.Error?.Reason);
        PdqDihedralHashes dih = Assert.IsType<PdqDihedralHashes>(result.Dihedral);
        var line = new StringBuilder($"{file}\t{decoder}");
        for (int v = 0; v < 8; v++)
        {
            int distance = dih.All[v].DistanceTo(PdqHash.Parse(row[v + 1]));
            line.Append($"\t{PdqDihedralHashes.Names[v]}={distance}");
            if (Tolerant(file, decoder))
            {
                Assert.InRange(distance, 0, JpegTolerance);
            }
            else
            {
                Assert.Equal(row[v + 1], dih.All[v].ToString());
            }
        }

        output.WriteLine(line.ToString());
    }

    [Fact]
    public void JpegRows_ThatDifferFromTheReference_AreListed()
    {
        // Not an assertion of exactness: prints the table of JPEG rows whose hash differs (for NOTES.md).
        var table = new StringBuilder("| file | bits | quality (ours / reference) |\n|---|---|---|\n");
        int differing = 0;
        foreach (string[] row in TestFiles.ReadTsv("expected.tsv"))
        {
            PdqResult result = PdqHasher.HashImage(TestFiles.Read(row[0]), ImageLimits.Default);
            int distance = result.Hash.DistanceTo(PdqHash.Parse(row[1]));
            if (distance != 0 || result.Quality.ToString(System.Globalization.CultureInfo.InvariantCulture) != row[2])
            {
                differing++;
                table.Append($"| {row[0]} | {distance} | {result.Quality} / {row[2]} |\n");
                Assert.True(TestFiles.IsJpeg(row[0]), $"{row[0]} is not a JPEG but differs by {distance} bits");
            }
        }

        output.WriteLine($"{differing} rows differ");
        output.WriteLine(table.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "jpeg-differences.md"), table.ToString());
    }
}
