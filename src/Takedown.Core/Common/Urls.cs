namespace Takedown.Core.Common;

/// <summary>URL checks and the canonical form used to find the same content twice.</summary>
public static class Urls
{
    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="value"/> is an absolute http(s) URL with a host; otherwise why not.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "is required";
        if (value.Length > MaxLength) return $"must be at most {MaxLength} characters";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) return "is not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return "must use http or https";
        if (string.IsNullOrEmpty(uri.Host)) return "must name a host";
        if (value.Any(char.IsWhiteSpace)) return "must not contain spaces";
        return null;
    }

    /// <summary>
    /// Lower-case scheme and host, no default port, no fragment, no trailing slash on the path,
    /// decoded unreserved characters: two spellings of one address compare equal.
    /// </summary>
    public static string Canonical(string value)
    {
        var uri = new Uri(value, UriKind.Absolute);
        var host = uri.IdnHost.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath;
        if (path.Length > 1 && path.EndsWith('/')) path = path.TrimEnd('/');
        if (path == "/") path = "";
        return $"{uri.Scheme}://{host}{port}{path}{uri.Query}";
    }
}
