namespace Takedown.Core.Hashing;

/// <summary>Why an untrusted file could not be turned into pixels.</summary>
public enum DecodeErrorKind
{
    /// <summary>Zero bytes.</summary>
    Empty,

    /// <summary>The file is over <see cref="ImageLimits.MaxBytes"/>.</summary>
    FileTooLarge,

    /// <summary>No decoder recognises the bytes.</summary>
    UnrecognisedFormat,

    /// <summary>The header claims more pixels than <see cref="ImageLimits.MaxPixels"/>.</summary>
    ImageTooLarge,

    /// <summary>The data ends before the image does.</summary>
    Truncated,

    /// <summary>The data is recognised but malformed.</summary>
    Corrupt,
}

/// <summary>An expected decoding failure: a kind for callers to branch on and a short human reason.</summary>
public sealed record DecodeError(DecodeErrorKind Kind, string Reason)
{
    internal static DecodeError Empty { get; } = new(DecodeErrorKind.Empty, "empty file");

    internal static DecodeError Unrecognised { get; } = new(DecodeErrorKind.UnrecognisedFormat, "not an image (unrecognised format)");

    internal static DecodeError Truncated { get; } = new(DecodeErrorKind.Truncated, "truncated image data");

    internal static DecodeError FileTooLarge(long bytes, long max) =>
        new(DecodeErrorKind.FileTooLarge, $"file too large: {bytes} bytes exceeds the {max}-byte limit");

    internal static DecodeError TooLarge(long width, long height, long maxPixels) =>
        new(DecodeErrorKind.ImageTooLarge, $"image too large: {width}x{height} pixels exceeds the {maxPixels}-pixel limit");

    internal static DecodeError Corrupt(string detail) => new(DecodeErrorKind.Corrupt, $"corrupt image data ({detail})");

    /// <inheritdoc />
    public override string ToString() => Reason;
}
