namespace Takedown.Core.Tests.Hashing;

/// <summary>Access to the reference vectors copied next to the test assembly.</summary>
internal static class TestFiles
{
    internal static string PdqRoot => Path.Combine(AppContext.BaseDirectory, "TestData", "pdq");

    internal static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(PdqRoot, relative));

    internal static bool IsJpeg(string relative) =>
        relative.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || relative.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);

    /// <summary>Rows of a tab-separated file with a header, as string arrays.</summary>
    internal static IEnumerable<string[]> ReadTsv(string name) =>
        File.ReadLines(Path.Combine(PdqRoot, name))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'));

    internal static TheoryData<string> ExpectedFiles()
    {
        var data = new TheoryData<string>();
        foreach (string[] row in ReadTsv("expected.tsv"))
        {
            data.Add(row[0]);
        }

        return data;
    }

    internal static (string Hash, int Quality) Expected(string file)
    {
        string[] row = ReadTsv("expected.tsv").Single(r => r[0] == file);
        return (row[1], int.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static string[] ExpectedDihedral(string file) =>
        ReadTsv("dihedral.tsv").Single(r => r[0] == file);
}
