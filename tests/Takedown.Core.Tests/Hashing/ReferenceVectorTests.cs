using System.Text;
using Takedown.Core.Hashing;
using Xunit.Abstractions;

namespace Takedown.Core.Tests.Hashing;

/// <summary>
/// The upstream test images against the reference CLI's output. PNG, WebP and every other
/// non-JPEG must match bit for bit; JPEG may differ only through the decoder's pixels, by at most 2 bits.
/// </summary>
public sealed class ReferenceVectorTests(ITestOutputHelper output)
{
    private const int JpegTolerance = 2;

    public static TheoryData<string> ExpectedFiles => TestFiles.ExpectedFiles();

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Hash_OfReferenceImage_MatchesCliOutput(string file)
    {
        (string expectedHex, int expectedQuality) = TestFiles.Expected(file);
        PdqResult result = PdqHasher.HashImage(TestFiles.Read(file), ImageLimits.Default);

        Assert.True(result.IsSuccess, result.Error?.Reason);
        int distance = result.Hash.DistanceTo(PdqHash.Parse(expectedHex));
        output.WriteLine($"{file}\tdistance={distance}\tquality={result.Quality} (expected {expectedQuality})\t{result.Hash}");
        if (TestFiles.IsJpeg(file))
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
    [MemberData(nameof(ExpectedFiles))]
    public void DihedralHashes_OfReferenceImage_MatchCliOutput(string file)
    {
        string[] row = TestFiles.ExpectedDihedral(file);
        PdqResult result = PdqHasher.HashImage(TestFiles.Read(file), ImageLimits.Default, includeDihedral: true);

        Assert.True(result.IsSuccess, result.Error?.Reason);
        PdqDihedralHashes dih = Assert.IsType<PdqDihedralHashes>(result.Dihedral);
        var line = new StringBuilder(file);
        for (int v = 0; v < 8; v++)
        {
            int distance = dih.All[v].DistanceTo(PdqHash.Parse(row[v + 1]));
            line.Append($"\t{PdqDihedralHashes.Names[v]}={distance}");
            if (TestFiles.IsJpeg(file))
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
