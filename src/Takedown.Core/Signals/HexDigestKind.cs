namespace Takedown.Core.Signals;

/// <summary>A kind whose value is a fixed-length hex digest, matched exactly (through SQL); canonical form is lowercase.</summary>
public abstract class HexDigestKind(int digits) : SignalKind<string>
{
    public override Signal? Parse(string? value)
    {
        if (value is null || value.Length != digits) return null;
        foreach (var c in value)
            if (!char.IsAsciiHexDigit(c)) return null;
        return Of(value.ToLowerInvariant());
    }

    public override string Format(string value) => value;
}
