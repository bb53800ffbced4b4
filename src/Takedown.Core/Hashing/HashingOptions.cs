namespace Takedown.Core.Hashing;

/// <summary>Limits on files uploaded for hashing (configuration section "Hashing").</summary>
public sealed class HashingOptions
{
    /// <summary>The largest uploaded file, in bytes (default 50 MiB); a larger upload is refused with 413.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>The largest image, in pixels from its header (default 50 megapixels: a 200 MB pixel buffer at most).</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    public ImageLimits Limits => new() { MaxBytes = MaxUploadBytes, MaxPixels = MaxImagePixels };
}
