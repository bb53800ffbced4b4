using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using Takedown.Cli.Common;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Storage;

namespace Takedown.Cli.Admin;

/// <summary>
/// `admin verify-audit`: checks a database's audit chain offline, against its own checkpoints and against a
/// checkpoint a party kept outside it, which still names events cut off after the stored checkpoints were deleted too.
/// </summary>
internal static class VerifyAuditCommand
{
    public static Command Create(Option<string> data, Option<string> database)
    {
        var checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A checkpoint kept outside the database, as GET /api/v1/audit/checkpoint served it (a JSON file)",
        };
        var key = new Option<string>("--key")
        {
            Description = "The service's public key: base64, or a file holding it or the JSON of /.well-known/takedown-signing-key; default: the key the database records",
        };
        var within = new Option<int>("--cover-within-minutes")
        {
            Description = "How old an event may be without a checkpoint covering it (the service's Audit:CheckpointMinutes + Audit:GraceMinutes; default 15)",
            DefaultValueFactory = _ => 15,
        };
        var command = new Command("verify-audit", "Verify the audit chain, its signed checkpoints and a checkpoint kept outside the database.")
            { data, database, checkpoint, key, within };
        command.SetAction(async (parse, ct) =>
        {
            AuditCheckpoint? kept = null;
            if (parse.GetValue(checkpoint) is { } file)
            {
                if (!File.Exists(file)) return CliOutput.Error($"--checkpoint: {file}: no such file", ExitCodes.Invalid);
                var parsed = AuditCheckpoints.Parse(await File.ReadAllTextAsync(file, ct));
                if (!parsed.IsSuccess) return Invalid("--checkpoint", parsed.Error!);
                kept = parsed.Value;
            }
            if (parse.GetValue(within) < 1) return CliOutput.Error("--cover-within-minutes must be at least 1", ExitCodes.Invalid);
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            Func<string, CancellationToken, Task<string?>> keyOf = (id, token) => AuditCheckpoints.StoredPublicKeyAsync(db, id, token);
            if (parse.GetValue(key) is { } pin)
            {
                var pinned = PinnedKey(pin);
                if (!pinned.IsSuccess) return Invalid("--key", pinned.Error!);
                keyOf = (id, _) => Task.FromResult(pinned.Value(id));
            }

            AuditVerification result;
            try
            {
                result = await AuditLog.VerifyAsync(db, new AuditLog.VerifyContext(Time.Now(TimeProvider.System), TimeSpan.FromMinutes(parse.GetValue(within)), keyOf, kept), ct);
            }
            catch (DbException ex)
            {
                return CliOutput.Error($"cannot read the audit chain ({ex.Message}); is the database at schema 0015 or later ('takedown admin migrate')?", ExitCodes.Failure);
            }
            Console.Out.WriteLine(JsonSerializer.Serialize(result, TakedownJson.Options));
            if (parse.GetValue(key) is null)
                Console.Error.WriteLine("note: signatures were checked with the public key the database itself records; pin the published key with --key");
            if (!result.Ok) return CliOutput.Error($"the audit chain does not hold: {result.Reason}", ExitCodes.Failure);
            Console.Error.WriteLine(kept is null
                ? $"ok: {result.Events} event(s), covered up to seq {result.CheckpointSeq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} by a signed checkpoint"
                : $"ok: {result.Events} event(s); the kept checkpoint of {kept.At} (seq {kept.Seq}) is part of the chain");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Invalid(string option, Error error)
    {
        CliOutput.Error($"{option}: {error.Detail ?? error.Title}", 0);
        foreach (var (field, messages) in error.Fields ?? new Dictionary<string, string[]>())
            foreach (var m in messages) Console.Error.WriteLine($"  {field}: {m}");
        return ExitCodes.Invalid;
    }

    /// <summary>A raw key answers for any key id; the JSON of /.well-known answers for the key ids it lists.</summary>
    private static Result<Func<string, string?>> PinnedKey(string pin)
    {
        var text = File.Exists(pin) ? File.ReadAllText(pin).Trim() : pin.Trim();
        if (!text.StartsWith('{') && !text.StartsWith('['))
        {
            try { return Convert.FromBase64String(text).Length == 32 ? (Func<string, string?>)(_ => text) : Error.Invalid("key", "is not a 32-byte Ed25519 public key"); }
            catch (FormatException) { return Error.Invalid("key", "is neither base64 nor a file"); }
        }
        var keys = new Dictionary<string, string>();
        try
        {
            using var doc = JsonDocument.Parse(text);
            Collect(doc.RootElement, keys);
        }
        catch (JsonException)
        {
            return Error.Invalid("key", "is not valid JSON");
        }
        if (keys.Count == 0) return Error.Invalid("key", "lists no key (objects with key_id and public_key)");
        return (Func<string, string?>)(id => keys.GetValueOrDefault(id));
    }

    private static void Collect(JsonElement e, Dictionary<string, string> keys)
    {
        if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) Collect(item, keys);
        if (e.ValueKind != JsonValueKind.Object) return;
        if (e.TryGetProperty("key_id", out var id) && id.ValueKind == JsonValueKind.String
            && e.TryGetProperty("public_key", out var pub) && pub.ValueKind == JsonValueKind.String)
            keys[id.GetString()!] = pub.GetString()!;
        foreach (var p in e.EnumerateObject()) Collect(p.Value, keys);
    }
}
