using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Takedown.Cli.Common;
using Takedown.Cli.Hashing;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;

namespace Takedown.Cli.Bench;

/// <summary>`takedown bench hash DIR` and `takedown bench match`: the figures of docs/performance.md, reproducible anywhere.</summary>
internal static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure hashing and matching on this machine (single thread).");
        bench.Subcommands.Add(HashBench());
        bench.Subcommands.Add(MatchBench());
        bench.Subcommands.Add(MediaBench.Text());
        bench.Subcommands.Add(MediaBench.Video());
        bench.Subcommands.Add(SyntheticCorpus.Create());
        return bench;
    }

    private static Command MatchBench()
    {
        var entries = new Option<int>("--entries") { Description = "Random PDQ entries in the index (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var queries = new Option<int>("--queries") { Description = "Queries: half planted (an entry with 0..30 bits flipped), half random (default 1,000)", DefaultValueFactory = _ => 1_000 };
        var radius = new Option<int>("--radius") { Description = "Radius (default 31)", DefaultValueFactory = _ => PdqIndex.DefaultRadius };
        var command = new Command("match", "Build the PDQ index over N random entries and time exact radius queries against it.") { entries, queries, radius };
        command.SetAction(parse =>
        {
            var (n, q, r) = (parse.GetValue(entries), parse.GetValue(queries), parse.GetValue(radius));
            if (n < 1 || q < 1 || r < 0 || r > PdqIndex.MaxRadius)
                return CliOutput.Error($"--entries and --queries must be positive, --radius between 0 and {PdqIndex.MaxRadius}", ExitCodes.Invalid);
            return MatchWorkload.Run(Console.Out, n, q, r) ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static Command HashBench()
    {
        var dir = new Argument<string>("dir") { Description = "A folder of images (walked recursively)" };
        var passes = new Option<int>("--passes") { Description = "Passes over the folder (default 3; the median is reported)", DefaultValueFactory = _ => 3 };
        var decoder = new Option<JpegDecoder>("--jpeg-decoder") { Description = "auto (the system libjpeg-turbo when installed, else SkiaSharp) or skia", DefaultValueFactory = _ => JpegDecoder.Auto };
        var command = new Command("hash", "Time PDQ over a folder of images: hash only (after decode) and decode+hash, images/s on one thread.") { dir, passes, decoder };
        command.SetAction(parse =>
        {
            var limits = ImageLimits.Default with { JpegDecoder = parse.GetValue(decoder) };
            var failures = new List<(string, string)>();
            var files = HashCommand.Walk([parse.GetValue(dir)!], failures)
                .Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToList();
            var images = new List<(string Path, byte[] Bytes)>();
            foreach (var f in files)
            {
                if (PdqHasher.HashImage(f.Bytes, limits).IsSuccess) images.Add(f);
                else failures.Add((f.Path, "not decodable"));
            }
            if (images.Count == 0) return CliOutput.Error("no decodable images in that folder", ExitCodes.Invalid);

            var hashOnly = new List<double>();
            var decodeAndHash = new List<double>();
            var decodeOnly = new List<double>();
            for (var pass = 0; pass < Math.Max(1, parse.GetValue(passes)); pass++)
            {
                var decodeTicks = 0L;
                var hashTicks = 0L;
                foreach (var (_, bytes) in images)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    ImageDecoder.TryDecode(bytes, limits, sampleRowsForPdq: true, out var image);
                    var t1 = Stopwatch.GetTimestamp();
                    using (image) PdqHasher.HashDecoded(image!, includeDihedral: false);
                    var t2 = Stopwatch.GetTimestamp();
                    decodeTicks += t1 - t0;
                    hashTicks += t2 - t1;
                }
                var end2End = Stopwatch.StartNew();
                foreach (var (_, bytes) in images) PdqHasher.HashImage(bytes, limits);
                end2End.Stop();
                hashOnly.Add(images.Count / (hashTicks / (double)Stopwatch.Frequency));
                decodeOnly.Add(images.Count / (decodeTicks / (double)Stopwatch.Frequency));
                decodeAndHash.Add(images.Count / end2End.Elapsed.TotalSeconds);
            }
            static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            var megapixels = images.Average(i => { ImageDecoder.TryDecode(i.Bytes, limits, out var im); using (im) return im!.Width * (double)im.Height / 1e6; });
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                images: {images.Count} ({files.Count - images.Count} other files skipped), mean {megapixels:F2} megapixels, {images.Sum(i => i.Bytes.Length) / 1e6:F1} MB
                passes: {hashOnly.Count} (median reported, single thread); JPEG decoder: {ImageDecoder.JpegDecoderName(limits)}
                hash only (after decode, incl. luma and 512 resize): {Median(hashOnly):F0} images/s
                decode only (what PdqHasher.HashImage decodes): {Median(decodeOnly):F0} images/s
                decode+hash (PdqHasher.HashImage): {Median(decodeAndHash):F0} images/s
                """));
            return ExitCodes.Ok;
        });
        return command;
    }
}
