using System.CommandLine;
using System.Text.Json;
using Takedown.Cli.Common;
using Takedown.Core.Hashing;

namespace Takedown.Cli.Hashing;

/// <summary>
/// `takedown hash PATH...`: PDQ (and MD5/SHA-256) of files and folders, recursively, on this machine;
/// .txt files give the text signal, videos (recognised by their container) vpdq and video_md5 (ffmpeg).
/// </summary>
internal static class HashCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Files or folders (folders are walked recursively)", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format")
        {
            Description = "text ('<pdq hex> <quality> <path>'), json (one object per line, with md5 and sha256) or csv",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "csv");
        var decoder = new Option<JpegDecoder>("--jpeg-decoder")
        {
            Description = "auto (default: the system libjpeg-turbo, package libturbojpeg0, when installed, else SkiaSharp) or skia",
            DefaultValueFactory = _ => JpegDecoder.Auto,
        };
        var command = new Command("hash", "Hash image files: PDQ with its quality, and MD5/SHA-256 in json and csv.") { paths, format, decoder };
        command.SetAction(parse => Run(parse.GetValue(paths)!, parse.GetValue(format)!, ImageLimits.Default with { JpegDecoder = parse.GetValue(decoder) }));
        return command;
    }

    internal static IEnumerable<string> Walk(IEnumerable<string> paths, List<(string Path, string Reason)> failures)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path)) yield return path;
            else if (Directory.Exists(path))
            {
                foreach (var f in Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.None })
                             .Order(StringComparer.Ordinal))
                    yield return f;
            }
            else failures.Add((path, "no such file or folder"));
        }
    }

    /// <summary>Hashes a .txt file or a video and prints it; false when the file is neither (or failed, then recorded).</summary>
    private static bool HashTextOrVideo(string file, byte[] bytes, string format, List<(string Path, string Reason)> failures)
    {
        string type, signal;
        string? videoMd5 = null;
        if (file.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            string text;
            try { text = new System.Text.UTF8Encoding(false, true).GetString(bytes); }
            catch (System.Text.DecoderFallbackException) { failures.Add((file, "is not UTF-8 text")); return true; }
            var signature = TextSignature.Compute(text);
            if (signature.Shingles == 0) { failures.Add((file, "has no words")); return true; }
            (type, signal) = ("text", signature.ToString());
        }
        else if (VideoSniffer.Sniff(bytes) is not null)
        {
            var (frames, error, _) = VideoHasher.HashFileAsync(file, new VideoOptions(), CancellationToken.None).GetAwaiter().GetResult();
            if (error is not null) { failures.Add((file, error.Reason)); return true; }
            (type, signal, videoMd5) = ("vpdq", VideoSignature.Format(frames!), ExactHashes.Md5Hex(bytes));
        }
        else return false;
        switch (format)
        {
            case "json":
                Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["path"] = file, ["signal_type"] = type, ["signal"] = signal, ["video_md5"] = videoMd5,
                    ["md5"] = ExactHashes.Md5Hex(bytes), ["sha256"] = ExactHashes.Sha256Hex(bytes), ["error"] = null,
                }));
                break;
            case "csv":
                Console.Out.WriteLine(string.Join(',', Csv.Escape(file), "", "", ExactHashes.Md5Hex(bytes), ExactHashes.Sha256Hex(bytes), ""));
                break;
            default:
                Console.Out.WriteLine($"{type}:{signal} - {file}");
                break;
        }
        return true;
    }

    private static int Run(string[] paths, string format, ImageLimits limits)
    {
        var failures = new List<(string Path, string Reason)>();
        var files = Walk(paths, failures).ToList();
        var progress = new Progress(files.Count);
        if (format == "csv") Console.Out.WriteLine("path,pdq,quality,md5,sha256,error");
        var hashed = 0;
        foreach (var file in files)
        {
            progress.Step(hashed + failures.Count);
            byte[] bytes;
            try
            {
                var length = new FileInfo(file).Length;
                if (length > ImageLimits.Default.MaxBytes)
                {
                    failures.Add((file, $"file too large: {length} bytes exceeds the {ImageLimits.Default.MaxBytes}-byte limit"));
                    continue;
                }
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add((file, ex.Message));
                continue;
            }
            if (HashTextOrVideo(file, bytes, format, failures)) { hashed++; continue; }
            var pdq = PdqHasher.HashImage(bytes, limits);
            if (pdq.IsSuccess) hashed++;
            else failures.Add((file, pdq.Error!.Reason));
            switch (format)
            {
                case "json":
                    Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["path"] = file, ["pdq"] = pdq.IsSuccess ? pdq.Hash.ToString() : null, ["quality"] = pdq.IsSuccess ? pdq.Quality : null,
                        ["md5"] = ExactHashes.Md5Hex(bytes), ["sha256"] = ExactHashes.Sha256Hex(bytes), ["error"] = pdq.Error?.Reason,
                    }));
                    break;
                case "csv":
                    Console.Out.WriteLine(string.Join(',', Csv.Escape(file), pdq.IsSuccess ? pdq.Hash.ToString() : "", pdq.IsSuccess ? pdq.Quality.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                        ExactHashes.Md5Hex(bytes), ExactHashes.Sha256Hex(bytes), Csv.Escape(pdq.Error?.Reason ?? "")));
                    break;
                default:
                    if (pdq.IsSuccess) Console.Out.WriteLine($"{pdq.Hash} {pdq.Quality} {file}");
                    break;
            }
        }
        progress.Done();
        Console.Error.WriteLine($"{hashed} hashed, {failures.Count} failed");
        foreach (var (path, reason) in failures) Console.Error.WriteLine($"  {path}: {reason}");
        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }
}

/// <summary>A one-line progress bar on standard error, drawn only when it is a terminal.</summary>
internal sealed class Progress(int total)
{
    private readonly bool _draw = !Console.IsErrorRedirected && total > 1;
    private long _lastDraw;

    public void Step(int done)
    {
        if (!_draw || Environment.TickCount64 - _lastDraw < 100) return;
        _lastDraw = Environment.TickCount64;
        var width = 30;
        var filled = total == 0 ? width : done * width / total;
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
    }

    public void Done()
    {
        if (_draw) Console.Error.Write("\r" + new string(' ', 50) + "\r");
    }
}
