using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Takedown.Cli.Common;

/// <summary>Exit codes of the CLI, stable for scripts.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Invalid = 2;
    public const int NotFound = 3;
    public const int Unauthorized = 4;
    public const int Conflict = 5;
    public const int Unreachable = 6;
    /// <summary>verify-production: the files are intact and signed, but the signing key was not pinned (--key or --fingerprint).</summary>
    public const int NotPinned = 7;
}

internal static class CliOutput
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static void Json(string body)
    {
        try { Console.Out.WriteLine(JsonNode.Parse(body)?.ToJsonString(Pretty) ?? body); }
        catch (JsonException) { Console.Out.WriteLine(body); }
    }

    public static int Error(string message, int code)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }

    /// <summary>Prints a problem response: its title, detail and each field at fault.</summary>
    public static int Problem(HttpStatusCode status, string body)
    {
        string title = status.ToString(), detail = "";
        var fields = new List<string>();
        try
        {
            var node = JsonNode.Parse(body);
            title = node?["title"]?.GetValue<string>() ?? title;
            detail = node?["detail"]?.GetValue<string>() ?? "";
            if (node?["errors"] is JsonObject errors)
                foreach (var (field, messages) in errors)
                    foreach (var m in messages?.AsArray() ?? []) fields.Add($"  {field}: {m}");
        }
        catch (JsonException) { detail = body.Length > 500 ? body[..500] : body; }
        Console.Error.WriteLine($"error: {(int)status} {title}{(detail.Length > 0 ? ": " + detail : "")}");
        foreach (var f in fields) Console.Error.WriteLine(f);
        return status switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => ExitCodes.Invalid,
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Unauthorized,
            HttpStatusCode.Conflict => ExitCodes.Conflict,
            _ => ExitCodes.Failure,
        };
    }
}
