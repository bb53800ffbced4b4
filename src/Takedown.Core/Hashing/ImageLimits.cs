namespace Takedown.Core.Hashing;

/// <summary>
/// Limits applied to untrusted image files before any pixel memory is allocated.
/// Defaults: 50 MiB per file, 100 megapixels per image.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Largest accepted file, in bytes (default 50 MiB).</summary>
    public long MaxBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest accepted width x height from the file header (default 100 megapixels).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>The defaults.</summary>
    public static ImageLimits Default { get; } = new();
}
