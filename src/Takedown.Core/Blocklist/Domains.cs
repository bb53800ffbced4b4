using System.Globalization;
using System.Net;

namespace Takedown.Core.Blocklist;

/// <summary>Domain names as the blocklist takes them: validated, IDNs in punycode, lower-case, no trailing dot.</summary>
public static class Domains
{
    public const int MaxLength = 253;
    public const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>The normalised name, or why <paramref name="value"/> is not a domain name the blocklist accepts.</summary>
    public static (string? Name, string? Problem) Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return (null, "is required");
        var name = value.Trim();
        if (name.Length > 4 * MaxLength) return (null, $"must be at most {MaxLength} characters");
        if (name.Contains("://", StringComparison.Ordinal) || name.Contains('/'))
            return (null, "must be a host name such as example.org, not a URL (list a URL with 'url')");
        if (name.Contains('*')) return (null, "must not contain a wildcard '*': a listed domain already covers its subdomains");
        if (name.Any(char.IsWhiteSpace)) return (null, "must not contain spaces");
        if (name.EndsWith('.')) name = name[..^1];
        if (name.StartsWith('[') || IPAddress.TryParse(name, out _) || name.Contains(':'))
            return (null, "must be a domain name, not an IP address");
        var labels = name.Split('.');
        if (labels.Any(l => l.Length == 0)) return (null, "has an empty label (two dots in a row, or a leading dot)");
        if (labels.Length < 2) return (null, "must have at least two labels (a top-level domain alone cannot be listed)");
        if (labels.All(l => l.All(char.IsAsciiDigit))) return (null, "must be a domain name, not an IP address");

        string ascii;
        if (name.All(char.IsAscii)) ascii = name.ToLowerInvariant();
        else
        {
            try { ascii = Idn.GetAscii(name).ToLowerInvariant(); }
            catch (ArgumentException) { return (null, "is not a valid internationalised domain name"); }
        }
        if (ascii.Length > MaxLength) return (null, $"must be at most {MaxLength} characters (in punycode)");
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length == 0) return (null, "has an empty label (two dots in a row, or a leading dot)");
            if (label.Length > MaxLabelLength) return (null, $"has a label longer than {MaxLabelLength} characters");
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return (null, "may contain only letters, digits and hyphens in each label");
            if (label.StartsWith('-') || label.EndsWith('-')) return (null, "has a label that starts or ends with a hyphen");
        }
        if (ascii.Split('.')[^1].All(char.IsAsciiDigit)) return (null, "must end in a top-level domain, not a number");
        return (ascii, null);
    }
}
