using System.Globalization;

namespace Takedown.Core.Common;

/// <summary>How instants are stored: fixed-width UTC text, so string order is time order in every dialect.</summary>
public static class Time
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Store(DateTimeOffset t) => t.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? Store(DateTimeOffset? t) => t is null ? null : Store(t.Value);

    public static DateTimeOffset Load(string s) =>
        new(DateTime.ParseExact(s, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public static DateTimeOffset? LoadNullable(string? s) => s is null ? null : Load(s);

    /// <summary>Truncates to microseconds, the precision every store keeps.</summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var t = clock.GetUtcNow();
        return new DateTimeOffset(t.Ticks - t.Ticks % 10, TimeSpan.Zero);
    }
}
