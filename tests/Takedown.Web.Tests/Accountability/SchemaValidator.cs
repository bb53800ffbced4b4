using System.Text.RegularExpressions;

namespace Takedown.Web.Tests.Accountability;

/// <summary>
/// A validator for the subset of JSON Schema that docs/schemas/dsa-statement.schema.json uses: type, required,
/// properties, additionalProperties false, enum, pattern, minLength, maxLength, minItems, items. Returns every violation.
/// </summary>
internal static class SchemaValidator
{
    public static JsonNode LoadRepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Takedown.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir!.FullName, relative)))!;
    }

    public static List<string> Validate(JsonNode schema, JsonNode? value, string path = "$")
    {
        var errors = new List<string>();
        var obj = schema.AsObject();
        if (obj["type"]?.GetValue<string>() is { } type && !HasType(value, type)) errors.Add($"{path}: expected {type}");
        if (obj["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value))) errors.Add($"{path}: {value?.ToJsonString()} is not in the enumeration");
        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            if (obj["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern)) errors.Add($"{path}: does not match {pattern}");
            if (obj["minLength"]?.GetValue<int>() is { } min && text.Length < min) errors.Add($"{path}: shorter than {min}");
            if (obj["maxLength"]?.GetValue<int>() is { } max && text.Length > max) errors.Add($"{path}: longer than {max}");
        }
        if (value is JsonArray array)
        {
            if (obj["minItems"]?.GetValue<int>() is { } minItems && array.Count < minItems) errors.Add($"{path}: fewer than {minItems} items");
            if (obj["items"] is JsonObject items)
                for (var i = 0; i < array.Count; i++) errors.AddRange(Validate(items, array[i], $"{path}[{i}]"));
        }
        if (value is JsonObject o)
        {
            foreach (var required in obj["required"]?.AsArray() ?? [])
                if (!o.ContainsKey(required!.GetValue<string>())) errors.Add($"{path}: missing {required}");
            var properties = obj["properties"]?.AsObject();
            foreach (var (name, child) in o)
            {
                if (properties is not null && properties.TryGetPropertyValue(name, out var childSchema)) errors.AddRange(Validate(childSchema!, child, $"{path}.{name}"));
                else if (obj["additionalProperties"] is JsonValue extra && !extra.GetValue<bool>()) errors.Add($"{path}: unexpected property {name}");
            }
        }
        // Any keyword this validator does not implement would silently pass: refuse it instead.
        var known = new[] { "$schema", "$id", "title", "description", "type", "enum", "pattern", "minLength", "maxLength", "minItems", "items", "required", "properties", "additionalProperties" };
        foreach (var (keyword, _) in obj)
            if (!known.Contains(keyword)) errors.Add($"schema: unsupported keyword {keyword}");
        return errors;
    }

    private static bool HasType(JsonNode? value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.TryGetValue<string>(out _),
        _ => false,
    };
}
