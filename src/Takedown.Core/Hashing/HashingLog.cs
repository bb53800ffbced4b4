using Microsoft.Extensions.Logging;

namespace Takedown.Core.Hashing;

internal static partial class HashingLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "libturbojpeg.so.0 (Debian package libturbojpeg0) is not installed: JPEGs are decoded with SkiaSharp (about 2x slower end to end)")]
    public static partial void TurboJpegMissing(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "JPEG decoder: {Decoder}")]
    public static partial void JpegDecoderChosen(ILogger logger, string decoder);

    /// <summary>Once at startup: which decoder reads JPEGs, and a warning when libjpeg-turbo was wanted but is missing.</summary>
    internal static void Startup(ILogger logger, HashingOptions options)
    {
        if (options.JpegDecoder == JpegDecoder.Auto && !TurboJpeg.IsAvailable)
        {
            TurboJpegMissing(logger);
        }
        else
        {
            JpegDecoderChosen(logger, ImageDecoder.JpegDecoderName(options.Limits));
        }
    }
}
