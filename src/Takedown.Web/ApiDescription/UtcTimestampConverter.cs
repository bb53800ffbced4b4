using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Takedown.Web.ApiDescription;

/// <summary>
/// Writes every API timestamp as RFC 3339 in UTC with millisecond precision ("2026-12-02T18:26:34.612Z": fixed width,
/// so the text sorts as the instants do; truncated, never rounded up). Reads any RFC 3339 / ISO 8601 instant with
/// an offset ("Z" or "+01:00"), as before.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Text(value));

    public static string Text(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}

/// <summary>JSON as the API writes it outside an HTTP answer (webhook envelopes): the shared shape with API timestamps.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = Takedown.Core.Common.TakedownJson.Create();
        o.Converters.Insert(0, new UtcTimestampConverter());
        return o;
    }
}
