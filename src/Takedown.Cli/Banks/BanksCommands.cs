using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Takedown.Cli.Common;

namespace Takedown.Cli.Banks;

/// <summary>
/// `takedown banks export|import`: a bank's entries as CSV in the shape HMA imports
/// (`signal_type,signal` first, then our columns) or as JSON lines, through a running service.
/// </summary>
internal static class BanksCommands
{
    private static readonly string[] CsvColumns = ["signal_type", "signal", "entity", "behaviour", "source", "quality", "status", "entry_id", "added_at"];

    public static Command Create()
    {
        var banks = new Command("banks", "Export and import bank entries (CSV as HMA's bank import, or JSON lines).");
        banks.Subcommands.Add(ExportCommand());
        banks.Subcommands.Add(ImportCommand());
        return banks;
    }

    private static Option<string?> FormatOption() => new("--format") { Description = "csv or jsonl (default: from the file name, else csv)" };

    private static Command ExportCommand()
    {
        var api = new ApiConnection();
        var name = new Argument<string>("bank") { Description = "Bank name" };
        var format = FormatOption();
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Write every entry of a bank you may use (its current state, from the incremental feed).") { name, format, output };
        api.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var bank = parse.GetValue(name)!;
            var entries = new Dictionary<string, JsonNode>();
            var order = new List<string>();
            var cursor = "0";
            while (true)
            {
                var (exit, body) = await api.RequestAsync(parse, HttpMethod.Get, $"/api/v1/banks/{Uri.EscapeDataString(bank)}/entries?limit=1000&after={cursor}", null, ct);
                if (exit != ExitCodes.Ok) return exit;
                var page = JsonNode.Parse(body!)!;
                foreach (var change in page["data"]!.AsArray())
                {
                    var entry = change!["entry"]!;
                    var id = entry["id"]!.GetValue<string>();
                    if (!entries.ContainsKey(id)) order.Add(id);
                    entries[id] = entry.DeepClone();
                }
                cursor = page["next_cursor"]!.GetValue<string>();
                if (!page["has_more"]!.GetValue<bool>()) break;
            }
            var path = parse.GetValue(output);
            var fmt = FormatFor(parse.GetValue(format), path);
            await using var writer = path is null ? Console.Out : new StreamWriter(path, false, new UTF8Encoding(false));
            if (fmt == "csv") await writer.WriteLineAsync(string.Join(',', CsvColumns));
            foreach (var entry in order.Select(id => entries[id]))
            {
                if (fmt == "csv")
                {
                    await writer.WriteLineAsync(string.Join(',', new[]
                    {
                        Str(entry["signal_type"]), Str(entry["signal"]), Str(entry["labels"]?["entity"]), Str(entry["labels"]?["behaviour"]),
                        Str(entry["source"]), entry["quality"]?.ToJsonString() ?? "", Str(entry["status"]), Str(entry["id"]), Str(entry["added_at"]),
                    }.Select(Csv.Escape)));
                }
                else
                {
                    await writer.WriteLineAsync(new JsonObject
                    {
                        ["signal_type"] = entry["signal_type"]!.DeepClone(), ["signal"] = entry["signal"]!.DeepClone(),
                        ["labels"] = entry["labels"]?.DeepClone(), ["source"] = entry["source"]?.DeepClone(), ["quality"] = entry["quality"]?.DeepClone(),
                        ["status"] = entry["status"]!.DeepClone(), ["entry_id"] = entry["id"]!.DeepClone(), ["added_at"] = entry["added_at"]!.DeepClone(),
                    }.ToJsonString());
                }
            }
            Console.Error.WriteLine($"{order.Count} entries exported from {bank}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ImportCommand()
    {
        var api = new ApiConnection();
        var name = new Argument<string>("bank") { Description = "Bank name (yours)" };
        var file = new Argument<string>("file") { Description = "CSV (header with signal_type,signal or signal_value) or JSON lines; '-' reads standard input" };
        var format = FormatOption();
        var command = new Command("import", "Add the entries of a file to a bank you own; signals already in the bank are skipped.") { name, file, format };
        api.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var bank = Uri.EscapeDataString(parse.GetValue(name)!);
            var path = parse.GetValue(file)!;
            List<Dictionary<string, string>> rows;
            try
            {
                using var reader = path == "-" ? Console.In : new StreamReader(path);
                rows = FormatFor(parse.GetValue(format), path) == "csv" ? ReadCsv(reader) : ReadJsonLines(reader);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
            {
                return CliOutput.Error($"cannot read {path}: {ex.Message}", ExitCodes.Invalid);
            }
            int added = 0, skipped = 0, failed = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var body = new JsonObject { ["signal_type"] = Get(row, "signal_type"), ["signal"] = Get(row, "signal") ?? Get(row, "signal_value") };
                if (Get(row, "quality") is { } q && int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out var quality)) body["quality"] = quality;
                if (Get(row, "entity") is not null || Get(row, "behaviour") is not null)
                    body["labels"] = new JsonObject { ["entity"] = Get(row, "entity"), ["behaviour"] = Get(row, "behaviour") };
                if (Get(row, "source") is { } source) body["source"] = source;
                var (exit, response) = await api.RequestAsync(parse, HttpMethod.Post, $"/api/v1/banks/{bank}/entries",
                    new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct, printProblem: false);
                if (exit == ExitCodes.Unreachable) return exit;
                if (exit != ExitCodes.Ok)
                {
                    var problem = response is null ? null : JsonNode.Parse(response);
                    if (problem?["status"]?.GetValue<int>() == 409) { skipped++; continue; }
                    failed++;
                    Console.Error.WriteLine($"  record {i + 1}: {problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>() ?? "failed"}");
                    if (problem?["status"]?.GetValue<int>() is 401 or 403 or 404) return CliOutput.Error("stopping: the bank is not yours to add to", ExitCodes.Unauthorized);
                    continue;
                }
                added++;
                if (Get(row, "status") == "disabled")
                {
                    var id = JsonNode.Parse(response!)!["id"]!.GetValue<string>();
                    await api.RequestAsync(parse, HttpMethod.Post, $"/api/v1/banks/{bank}/entries/{id}/disable", null, ct);
                }
            }
            Console.Error.WriteLine($"{added} added, {skipped} already present, {failed} failed");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static string FormatFor(string? format, string? path) =>
        format ?? (path is not null && (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) ? "jsonl" : "csv");

    private static string Str(JsonNode? node) => node is null ? "" : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();

    private static string? Get(Dictionary<string, string> row, string key) => row.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    private static List<Dictionary<string, string>> ReadCsv(TextReader reader)
    {
        var records = Csv.Read(reader).ToList();
        if (records.Count == 0) return [];
        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        if (!header.Contains("signal_type") || !(header.Contains("signal") || header.Contains("signal_value")))
            throw new FormatException("the CSV header needs signal_type and signal (or signal_value)");
        return records.Skip(1).Select(r => header.Select((h, i) => (h, v: i < r.Count ? r[i].Trim() : "")).ToDictionary(x => x.h, x => x.v)).ToList();
    }

    private static List<Dictionary<string, string>> ReadJsonLines(TextReader reader)
    {
        var rows = new List<Dictionary<string, string>>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Trim().Length == 0) continue;
            var node = JsonNode.Parse(line)!.AsObject();
            var row = new Dictionary<string, string>();
            foreach (var key in new[] { "signal_type", "signal", "source", "quality", "status" })
                if (node[key] is { } v) row[key] = Str(v);
            if (node["labels"] is JsonObject labels)
            {
                if (labels["entity"] is { } e) row["entity"] = Str(e);
                if (labels["behaviour"] is { } b) row["behaviour"] = Str(b);
            }
            rows.Add(row);
        }
        return rows;
    }
}
