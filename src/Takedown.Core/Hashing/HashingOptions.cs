namespace Takedown.Core.Hashing;

/// <summary>Limits on files uploaded for hashing (configuration section "Hashing").</summary>
public sealed class HashingOptions
{
    /// <summary>The largest uploaded file, in bytes (default 50 MiB); a larger upload is refused with 413.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>The largest image, in pixels from its header (default 50 megapixels: a 200 MB pixel buffer at most).</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>A text matches a known text when at least this share of the smaller one's word 3-shingles is in the other (default 0.5).</summary>
    public double MinTextOverlap { get; set; } = 0.5;

    /// <summary>The longest text hashed, in characters (default 1 million).</summary>
    public int MaxTextChars { get; set; } = 1_000_000;

    /// <summary>
    /// JPEG decoder: <c>auto</c> (default; the system libjpeg-turbo, Debian package libturbojpeg0, when
    /// installed, else SkiaSharp) or <c>skia</c>.
    /// </summary>
    public JpegDecoder JpegDecoder { get; set; } = JpegDecoder.Auto;

    /// <summary>Video decoding (ffmpeg) limits and vPDQ thresholds.</summary>
    public VideoOptions Video { get; set; } = new();

    public ImageLimits Limits => new() { MaxBytes = MaxUploadBytes, MaxPixels = MaxImagePixels, JpegDecoder = JpegDecoder };
}
