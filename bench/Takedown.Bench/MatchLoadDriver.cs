using System.Globalization;
using Takedown.Core.Matching;

namespace Takedown.Bench;

/// <summary>
/// `match --entries N --queries Q --radius R [--baseline-queries B] [--seed S] [--plain-mih]`:
/// the same run as `takedown bench match` (<see cref="MatchWorkload.Run"/>), with the knobs for tuning.
/// </summary>
internal static class MatchLoadDriver
{
    internal static int Run(string[] args)
    {
        var entries = IntOption(args, "--entries", 1_000_000);
        var ok = MatchWorkload.Run(Console.Out, entries,
            queryCount: IntOption(args, "--queries", 100_000),
            radius: IntOption(args, "--radius", PdqIndex.DefaultRadius),
            seed: IntOption(args, "--seed", 20240601),
            baselineQueries: args.Contains("--baseline-queries") ? IntOption(args, "--baseline-queries", 20) : null,
            plainMultiIndex: args.Contains("--plain-mih"));
        return ok ? 0 : 1;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length
            ? int.Parse(args[at + 1].Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture)
            : fallback;
    }
}
