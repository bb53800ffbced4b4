namespace Takedown.Core.Blocklist;

/// <summary>The blocklist's settings (section <c>Blocklist</c>), validated at start-up.</summary>
public sealed class BlocklistOptions
{
    /// <summary>The RPZ zone's name (default rpz.takedown); resolvers configure the same name.</summary>
    public string ZoneName { get; set; } = "rpz.takedown";

    /// <summary>When set, listed names are rewritten to this host (the stop page); otherwise they answer NXDOMAIN.</summary>
    public string? StopHost { get; set; }

    /// <summary>Days between re-checks of an active listing (default 90: quarterly).</summary>
    public int ReviewDays { get; set; } = 90;

    /// <summary>Hours the host must have had to remove the content before a listing takes effect (default 24).</summary>
    public int PriorRequestHours { get; set; } = 24;

    /// <summary>Texts of the stop page per language ("en", "fr"); anything not set falls back to the built-in text.</summary>
    public Dictionary<string, StopPageOptions> StopPage { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public static readonly string[] Languages = ["en", "fr"];

    /// <summary>Every problem with these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var zone = Domains.Normalize(ZoneName);
        if (zone.Problem is not null) problems.Add($"Blocklist:ZoneName {zone.Problem}");
        if (StopHost is not null && Domains.Normalize(StopHost).Problem is { } p) problems.Add($"Blocklist:StopHost {p}");
        if (ReviewDays is < 1 or > 366) problems.Add("Blocklist:ReviewDays must be between 1 and 366");
        if (PriorRequestHours is < 0 or > 720) problems.Add("Blocklist:PriorRequestHours must be between 0 and 720");
        foreach (var (language, page) in StopPage)
        {
            if (!Languages.Contains(language, StringComparer.OrdinalIgnoreCase))
                problems.Add($"Blocklist:StopPage:{language} is not a supported language (en, fr)");
            for (var i = 0; i < page.CounterSpeech.Count; i++)
            {
                var r = page.CounterSpeech[i];
                var key = $"Blocklist:StopPage:{language}:CounterSpeech:{i}";
                if (string.IsNullOrWhiteSpace(r.Title)) problems.Add($"{key}:Title is required");
                if (!Uri.TryCreate(r.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    problems.Add($"{key}:Url must be an absolute http(s) URL");
            }
        }
        return problems;
    }

    /// <summary>The zone name in the form the exports use (punycode, lower-case, no trailing dot).</summary>
    public string Zone => Domains.Normalize(ZoneName).Name ?? ZoneName;

    public string? StopTarget => StopHost is null ? null : Domains.Normalize(StopHost).Name;
}

/// <summary>What the stop page says in one language; unset texts use the built-in ones.</summary>
public sealed class StopPageOptions
{
    /// <summary>Why sites are blocked (e.g. "promotes or incites terrorism").</summary>
    public string? Reason { get; set; }

    /// <summary>The law under which the decision was taken.</summary>
    public string? LegalBasis { get; set; }

    /// <summary>How to appeal the decision (court, time limit, address).</summary>
    public string? AppealText { get; set; }

    /// <summary>Credible voices to point visitors to (the Redirect Method).</summary>
    public List<CounterSpeechResource> CounterSpeech { get; set; } = [];
}

/// <summary>One counter-speech resource shown on the stop page.</summary>
public sealed class CounterSpeechResource
{
    public string? Title { get; set; }

    public string? Url { get; set; }

    public string? Description { get; set; }
}
