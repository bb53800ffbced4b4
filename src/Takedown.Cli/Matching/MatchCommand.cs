using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Takedown.Cli.Common;

namespace Takedown.Cli.Matching;

/// <summary>`takedown match FILE...`: uploads each file to a running service's match API (the files are hashed there, not kept).</summary>
internal static class MatchCommand
{
    public static Command Create()
    {
        var api = new ApiConnection();
        var files = new Argument<string[]>("file") { Description = "Files to match", Arity = ArgumentArity.OneOrMore };
        var radius = new Option<int?>("--radius") { Description = "PDQ radius (default 31, at most 63)" };
        var command = new Command("match", "Match files against every bank you may use; prints one JSON object per file.") { files, radius };
        api.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var worst = ExitCodes.Ok;
            foreach (var path in parse.GetValue(files)!)
            {
                byte[] bytes;
                try { bytes = await File.ReadAllBytesAsync(path, ct); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    worst = CliOutput.Error($"{path}: {ex.Message}", ExitCodes.Invalid);
                    continue;
                }
                var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "file", Path.GetFileName(path));
                if (parse.GetValue(radius) is { } r) form.Add(new StringContent(r.ToString(System.Globalization.CultureInfo.InvariantCulture)), "radius");
                var (exit, body) = await api.RequestAsync(parse, HttpMethod.Post, "/api/v1/match", form, ct);
                if (exit != ExitCodes.Ok)
                {
                    Console.Error.WriteLine($"  ({path})");
                    worst = exit;
                    if (exit == ExitCodes.Unreachable || exit == ExitCodes.Unauthorized) return exit;
                    continue;
                }
                var node = JsonNode.Parse(body!)!.AsObject();
                var line = new JsonObject { ["path"] = path, ["matches"] = node["matches"]!.DeepClone(), ["hashes"] = node["hashes"]!.DeepClone() };
                Console.Out.WriteLine(line.ToJsonString());
            }
            return worst;
        });
        return command;
    }
}
