using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Takedown.Web.ApiDescription;

/// <summary>
/// Component names for the document's schemas: the type's name, as the framework gives it, unless two of our types
/// share that name (Banks' and Deconfliction's <c>EntryView</c>); those take their feature's name in front
/// (<c>BanksEntryView</c>, <c>DeconflictionEntryView</c>), so neither is silently described by the other's schema.
/// </summary>
internal static class SchemaNames
{
    private static readonly Lazy<HashSet<string>> Shared = new(() =>
        [.. new[] { typeof(SchemaNames).Assembly, typeof(Takedown.Core.Common.TakedownJson).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsGenericTypeDefinition && !t.Name.Contains('<'))
            .GroupBy(t => t.Name)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)]);

    public static string? For(JsonTypeInfo type)
    {
        var name = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        var t = type.Type;
        if (name is null || name != t.Name || !Shared.Value.Contains(name) || t.Namespace is null) return name;
        return t.Namespace[(t.Namespace.LastIndexOf('.') + 1)..] + name;
    }
}
