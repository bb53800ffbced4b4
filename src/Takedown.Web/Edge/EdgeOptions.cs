using System.Net;
using Microsoft.Extensions.Options;

namespace Takedown.Web.Edge;

/// <summary>Per-key API limits (section <c>RateLimits</c>), kept in memory on each node.</summary>
public sealed class RateLimitsOptions
{
    public const int Max = 10_000_000;

    public PerKeyLimits PerKeyPerMinute { get; set; } = new();
}

/// <summary>Requests per minute one API key may make on one node: reads are GET and HEAD, writes every other method.</summary>
public sealed class PerKeyLimits
{
    /// <summary>Default 600.</summary>
    public int Reads { get; set; } = 600;

    /// <summary>Default 120.</summary>
    public int Writes { get; set; } = 120;
}

/// <summary>How many uploads this node hashes at once (section <c>Hashing</c>, beside the hashing limits).</summary>
public sealed class HashingConcurrencyOptions
{
    /// <summary>Uploads hashed (image decoding, ffmpeg) at once; default the number of cores.</summary>
    public int MaxConcurrent { get; set; } = Environment.ProcessorCount;

    /// <summary>Uploads that may wait for a slot; default 32. Past it the answer is 503 at once.</summary>
    public int QueueLimit { get; set; } = 32;

    /// <summary>How long an upload waits for a slot before the answer is 503; default 10 s.</summary>
    public int QueueTimeoutSeconds { get; set; } = 10;
}

/// <summary>
/// The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (section <c>ForwardedHeaders</c>).
/// Empty (the default): the headers are ignored from everyone, loopback included.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Proxy addresses (each entry may list several, comma-separated).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation (10.0.0.0/24).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies deep to believe X-Forwarded-For; default 1 (one proxy in front).</summary>
    public int ForwardLimit { get; set; } = 1;

    public IEnumerable<string> Proxies => Split(KnownProxies);

    public IEnumerable<string> Networks => Split(KnownNetworks);

    private static IEnumerable<string> Split(IEnumerable<string> entries) =>
        entries.SelectMany(e => (e ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

internal sealed class EdgeOptionsValidator :
    IValidateOptions<RateLimitsOptions>, IValidateOptions<HashingConcurrencyOptions>, IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitsOptions o)
    {
        var failures = new List<string>();
        if (o.PerKeyPerMinute.Reads is < 1 or > RateLimitsOptions.Max)
            failures.Add($"RateLimits:PerKeyPerMinute:Reads must be between 1 and {RateLimitsOptions.Max:N0} (requests per minute)");
        if (o.PerKeyPerMinute.Writes is < 1 or > RateLimitsOptions.Max)
            failures.Add($"RateLimits:PerKeyPerMinute:Writes must be between 1 and {RateLimitsOptions.Max:N0} (requests per minute)");
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, HashingConcurrencyOptions o)
    {
        var failures = new List<string>();
        if (o.MaxConcurrent is < 1 or > 1024) failures.Add("Hashing:MaxConcurrent must be between 1 and 1024");
        if (o.QueueLimit is < 0 or > 10_000) failures.Add("Hashing:QueueLimit must be between 0 and 10000");
        if (o.QueueTimeoutSeconds is < 1 or > 300) failures.Add("Hashing:QueueTimeoutSeconds must be between 1 and 300");
        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, ProxyOptions o)
    {
        var failures = new List<string>();
        foreach (var p in o.Proxies)
            if (!IPAddress.TryParse(p, out _)) failures.Add($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address");
        foreach (var n in o.Networks)
            if (!IPNetwork.TryParse(n, out _)) failures.Add($"ForwardedHeaders:KnownNetworks: '{n}' is not a network in CIDR notation (such as 10.0.0.0/24)");
        if (o.ForwardLimit is < 1 or > 10) failures.Add("ForwardedHeaders:ForwardLimit must be between 1 and 10");
        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
