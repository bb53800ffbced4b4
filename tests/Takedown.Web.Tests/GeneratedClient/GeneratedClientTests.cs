using System.Diagnostics;
using System.Text.RegularExpressions;
using Takedown.Web.Tests.ApiDescription;

namespace Takedown.Web.Tests.GeneratedClient;

/// <summary>
/// The checked-in client under vendor/ is exactly what the pinned Kiota (.config/dotnet-tools.json) makes from
/// docs/openapi.json today, so the walk-through tests the published description and not a hand-edited client.
/// </summary>
public sealed class GeneratedClientTests
{
    /// <summary>The one command that makes vendor/ (run from the repository root; see README.md beside this file).</summary>
    public static readonly string[] GenerateArguments =
    [
        "kiota", "generate", "--language", "CSharp", "--openapi", "docs/openapi.json", "--class-name", "TakedownClient",
        "--namespace-name", "Takedown.Web.Tests.GeneratedClient", "--type-access-modifier", "Internal",
        "--exclude-backward-compatible", "--clean-output", "--log-level", "Error", "--output",
    ];

    [Fact]
    public async Task CheckedInClient_IsWhatKiotaGeneratesFromTheCheckedInDescription()
    {
        var root = Path.GetDirectoryName(ApiDescriptionTests.RepoFile("Takedown.slnx"))!;
        var checkedIn = Path.Combine(root, "tests/Takedown.Web.Tests/GeneratedClient/vendor");
        var fresh = Path.Combine(Path.GetTempPath(), "takedown-kiota", Guid.NewGuid().ToString("N"));
        try
        {
            await RunAsync(root, ["tool", "restore"]);
            await RunAsync(root, [.. GenerateArguments, fresh]);
            var expected = Files(fresh);
            var actual = Files(checkedIn);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            var differing = expected.Where(e => e.Value != actual[e.Key]).Select(e => e.Key).ToList();
            Assert.True(differing.Count == 0,
                "the checked-in client differs from a fresh generation in " + string.Join(", ", differing.Take(10))
                + ": regenerate it (tests/Takedown.Web.Tests/GeneratedClient/README.md) and commit.");
        }
        finally
        {
            try { Directory.Delete(fresh, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Every file by its relative path; the lock file without the output-relative location of the description.</summary>
    private static Dictionary<string, string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(dir, f).Replace('\\', '/'),
            f =>
            {
                var text = File.ReadAllText(f).ReplaceLineEndings("\n");
                return f.EndsWith("kiota-lock.json", StringComparison.Ordinal)
                    ? Regex.Replace(text, "\"descriptionLocation\": \"[^\"]*\"", "\"descriptionLocation\": \"\"")
                    : text;
            });

    private static async Task RunAsync(string root, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // No update check, telemetry or hints: the run is offline and quiet.
        start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        start.Environment["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true";
        start.Environment["KIOTA_TUTORIAL_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
    }
}
