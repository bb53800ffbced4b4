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

/// <summary>
/// The canonical form of a URL used as a bank signal (<c>url</c>): <see cref="Urls.Canonical"/> (kept as is,
/// orders compare by it) plus tracking parameters dropped and percent-encoding normalised, and bare
/// domains for entries that match every URL on a host and its subdomains.
/// </summary>
public static class UrlSignals
{
    private static readonly HashSet<string> Tracking = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "si", "ref_src", "ref_url", "spm", "twclid", "ttclid", "li_fat_id", "mkt_tok", "oly_anon_id", "oly_enc_id",
    };

    /// <summary>utm_*, fbclid, gclid and the like: parameters that say how someone arrived, not what is there.</summary>
    public static bool IsTrackingParameter(string name) =>
        name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || Tracking.Contains(name);

    /// <summary>
    /// Canonical form of a URL signal, or of a bare domain ("example.com", "*.example.com": then the
    /// lower-case host, matching the host and its subdomains); null when it is neither.
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (!value.Contains("://", StringComparison.Ordinal)) return Domain(value);
        if (Urls.Problem(value) is not null) return null;
        return CanonicalUrl(value);
    }

    /// <summary>The bare domain in canonical form (IDN to ASCII, lower case, no leading www. or *., no trailing dot), or null.</summary>
    public static string? Domain(string value)
    {
        var host = value.Trim().TrimEnd('.');
        if (host.StartsWith("*.", StringComparison.Ordinal)) host = host[2..];
        if (host.Length is 0 or > 253 || host.Contains('/') || host.Contains(':') || host.Contains('@')) return null;
        try { host = new System.Globalization.IdnMapping().GetAscii(host); }
        catch (ArgumentException) { return null; }
        host = host.ToLowerInvariant();
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        return Uri.CheckHostName(host) == UriHostNameType.Dns && host.Contains('.') ? host : null;
    }

    /// <summary>Canonical URL: lower scheme and host, no www., no default port, no fragment, no trailing slash, no tracking parameters, %XX normalised.</summary>
    public static string CanonicalUrl(string value)
    {
        var uri = new Uri(value, UriKind.Absolute);
        var host = uri.IdnHost.ToLowerInvariant().TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = NormalizeEscapes(uri.AbsolutePath);
        if (path.Length > 1 && path.EndsWith('/')) path = path.TrimEnd('/');
        if (path == "/") path = "";
        var kept = new List<string>();
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(part.Split('=', 2)[0]);
            if (!IsTrackingParameter(name)) kept.Add(NormalizeEscapes(part));
        }
        var query = kept.Count == 0 ? "" : "?" + string.Join('&', kept);
        return $"{uri.Scheme.ToLowerInvariant()}://{host}{port}{path}{query}";
    }

    /// <summary>
    /// The signals a URL is looked up by: its canonical form under http and https, and each
    /// enclosing domain (a.b.example.com, b.example.com, example.com) for domain entries.
    /// </summary>
    public static IReadOnlyList<string> LookupKeys(string canonical)
    {
        if (!canonical.Contains("://", StringComparison.Ordinal)) return DomainChain(canonical);
        var keys = new List<string> { canonical };
        if (canonical.StartsWith("https://", StringComparison.Ordinal)) keys.Add("http://" + canonical[8..]);
        else if (canonical.StartsWith("http://", StringComparison.Ordinal)) keys.Add("https://" + canonical[7..]);
        var host = new Uri(canonical).IdnHost.ToLowerInvariant().TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        keys.AddRange(DomainChain(host));
        return keys;
    }

    private static List<string> DomainChain(string host)
    {
        var chain = new List<string>();
        var labels = host.Split('.');
        for (var i = 0; i < labels.Length - 1; i++) chain.Add(string.Join('.', labels[i..]));
        return chain;
    }

    /// <summary>Decodes escapes of unreserved characters (A-Z a-z 0-9 - . _ ~), upper-cases the hex of the others, escapes non-ASCII as UTF-8.</summary>
    public static string NormalizeEscapes(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '%' && i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]))
            {
                var b = Convert.ToByte(value.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~') sb.Append((char)b);
                else sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                i += 2;
            }
            else if (ch > 0x7F)
            {
                var s = char.IsHighSurrogate(ch) && i + 1 < value.Length ? value.Substring(i++, 2) : ch.ToString();
                foreach (var b in System.Text.Encoding.UTF8.GetBytes(s)) sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else sb.Append(ch);
        }
        return sb.ToString();
    }
}
