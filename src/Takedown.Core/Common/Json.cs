using System.Text.Json;
using System.Text.Json.Serialization;

namespace Takedown.Core.Common;

/// <summary>The one JSON shape of the API, the CLI and stored documents: snake_case, strict about unknown fields.</summary>
public static class TakedownJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        return o;
    }

    /// <summary>Turns a deserialisation failure into a field error: "$.items[0].url" becomes "items[0].url".</summary>
    public static Error ToError(JsonException ex)
    {
        var path = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$').TrimStart('.');
        if (path.Length == 0) path = "body";
        var message = ex.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            message = "unknown field";
        else if (message.Contains("could not be converted", StringComparison.Ordinal))
            message = "has the wrong type";
        else if (message.Contains("invalid", StringComparison.OrdinalIgnoreCase) || message.Contains("expected", StringComparison.OrdinalIgnoreCase))
            message = "malformed JSON";
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // The unknown property's name is not in Path for top-level members; it is quoted in the message.
            var start = ex.Message.IndexOf('\'');
            var end = start >= 0 ? ex.Message.IndexOf('\'', start + 1) : -1;
            if (start >= 0 && end > start)
            {
                var name = ex.Message[(start + 1)..end];
                path = path == "body" ? name : path.EndsWith(name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            }
        }
        return Error.Invalid(path, message);
    }
}
