namespace Takedown.Core.Hashing;

/// <summary>
/// Limits applied to untrusted image files before any pixel memory is allocated, and the JPEG decoder.
/// Defaults: 50 MiB per file, 100 megapixels per image, the system libjpeg-turbo when present.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Largest accepted file, in bytes (default 50 MiB).</summary>
    public long MaxBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest accepted width x height from the file header (default 100 megapixels).</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Which decoder reads JPEGs (default <see cref="Hashing.JpegDecoder.Auto"/>).</summary>
    public JpegDecoder JpegDecoder { get; init; } = JpegDecoder.Auto;

    /// <summary>The defaults.</summary>
    public static ImageLimits Default { get; } = new();
}

/// <summary>The JPEG decoder (configuration "Hashing:JpegDecoder").</summary>
public enum JpegDecoder
{
    /// <summary>The system libjpeg-turbo (libturbojpeg.so.0) when it is installed, else SkiaSharp.</summary>
    Auto,

    /// <summary>Always SkiaSharp.</summary>
    Skia,
}
