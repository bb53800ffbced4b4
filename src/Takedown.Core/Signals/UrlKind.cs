using Takedown.Core.Common;

namespace Takedown.Core.Signals;

/// <summary>A canonical URL matched exactly, or a bare domain matching every URL on it and its subdomains.</summary>
public sealed class UrlKind : SignalKind<string>
{
    public override string Name => "url";
    public override string FormatProblem => "must be an absolute http(s) URL, or a bare domain such as example.com";

    public override Signal? Parse(string? value) => UrlSignals.Normalize(value) is { } canonical ? Of(canonical) : null;

    public override Signal? FromStored(string value) => Of(value);

    public override string Format(string value) => value;

    /// <summary>A URL is looked up by its canonical form under both schemes and by each enclosing domain.</summary>
    public override IEnumerable<Signal> LookupKeys(Signal signal) => UrlSignals.LookupKeys(signal.Text).Select(Of);
}
