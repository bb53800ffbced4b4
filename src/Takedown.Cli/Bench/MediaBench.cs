using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Takedown.Cli.Common;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Cli.Bench;

/// <summary>`takedown bench text` and `takedown bench video FILE`: the text and video figures of docs/performance.md.</summary>
internal static class MediaBench
{
    public static Command Text()
    {
        var entries = new Option<int>("--entries") { Description = "Generated texts in the index (default 100,000)", DefaultValueFactory = _ => 100_000 };
        var queries = new Option<int>("--queries") { Description = "Queries: half edited copies of indexed texts (10% of words changed), half unrelated (default 2,000)", DefaultValueFactory = _ => 2_000 };
        var command = new Command("text", "Index N generated texts (MinHash/LSH) and time text lookups (normalise, shingle, sign, look up) against it.") { entries, queries };
        command.SetAction(parse =>
        {
            var (n, q) = (parse.GetValue(entries), parse.GetValue(queries));
            if (n < 1 || q < 2) return CliOutput.Error("--entries must be positive and --queries at least 2", ExitCodes.Invalid);
            var vocabulary = Vocabulary(20_000, new Random(7));
            // Text i is drawn from its own seed, so the corpus is the same however many threads sign it.
            var watch = Stopwatch.StartNew();
            var signatures = new TextSignature[n];
            Parallel.For(0, n, i => signatures[i] = TextSignature.Compute(Generate(vocabulary, new Random(1_000_003 + i))));
            var signing = watch.Elapsed;
            watch.Restart();
            var index = new TextIndex();
            index.AddRange(Enumerable.Range(0, n).Select(i => ((long)i, signatures[i], true)));
            var build = watch.Elapsed;
            signatures = null;
            var memory = GC.GetTotalMemory(true);
            var rng = new Random(1);
            var texts = new string[Math.Min(n, 10_000)];
            for (var i = 0; i < texts.Length; i++) texts[i] = Generate(vocabulary, new Random(1_000_003 + i));
            var found = 0;
            var falseHits = 0;
            watch.Restart();
            for (var k = 0; k < q; k++)
            {
                if (k % 2 == 0)
                {
                    var target = rng.Next(texts.Length);
                    var words = texts[target].Split(' ');
                    for (var w = 0; w < words.Length / 10; w++) words[rng.Next(words.Length)] = vocabulary[rng.Next(vocabulary.Length)];
                    if (index.Match(TextIndex.QuerySignatures(string.Join(' ', words)), 0.5).Any(m => m.Id == target)) found++;
                }
                else if (index.Match(TextIndex.QuerySignatures(Generate(vocabulary, rng)), 0.5).Count > 0) falseHits++;
            }
            var elapsed = watch.Elapsed;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"entries {n}: signed in {signing.TotalSeconds:F1} s ({Environment.ProcessorCount} threads), index built in {build.TotalSeconds:F1} s; index arrays {index.ArrayBytes / (double)n:F0} B/text, managed heap {memory / 1048576} MiB after the build (signatures freed)"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"queries {q}: {q / elapsed.TotalSeconds:F0} lookups/s ({elapsed.TotalMilliseconds / q:F2} ms each); edited copies found {found}/{(q + 1) / 2}; unrelated matched {falseHits}/{q / 2}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Video()
    {
        var file = new Argument<string>("file") { Description = "A video file" };
        var command = new Command("video", "Time vPDQ of a video: ffmpeg decode (1 frame/s, 128x128 grey) and PDQ per frame, and PDQ alone on those frames.") { file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var options = new VideoOptions { Timeout = TimeSpan.FromMinutes(30) };
            var watch = Stopwatch.StartNew();
            var (frames, error, decoded) = await VideoHasher.HashFileAsync(path, options, ct);
            if (error is not null) return CliOutput.Error($"{path}: {error.Reason}", ExitCodes.Failure);
            var total = watch.Elapsed;
            // PDQ alone: the same number of 128x128 frames of noise-free gradients.
            var luma = new float[128 * 128];
            for (var i = 0; i < luma.Length; i++) luma[i] = (i * 7 % 251) + (i / 128);
            watch.Restart();
            for (var i = 0; i < Math.Max(decoded, 200); i++) { luma[i % luma.Length] += 1; PdqHasher.HashLuma(luma, 128, 128); }
            var pdqOnly = Math.Max(decoded, 200) / watch.Elapsed.TotalSeconds;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{decoded} frames decoded and hashed in {total.TotalSeconds:F2} s: {decoded / total.TotalSeconds:F1} frames/s end to end; {frames!.Count} kept; PDQ alone {pdqOnly:F0} frames/s"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string[] Vocabulary(int size, Random rng)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var words = new HashSet<string>();
        while (words.Count < size)
        {
            var len = 2 + rng.Next(9);
            words.Add(string.Create(len, rng, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = letters[r.Next(letters.Length)]; }));
        }
        return words.ToArray();
    }

    /// <summary>40 to 120 words, Zipf-like (the commonest words most often).</summary>
    private static string Generate(string[] vocabulary, Random rng)
    {
        var n = 40 + rng.Next(81);
        var words = new string[n];
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            words[i] = vocabulary[(int)(vocabulary.Length * u * u * u)];
        }
        return string.Join(' ', words);
    }
}
