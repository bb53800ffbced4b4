using Microsoft.Extensions.Logging;

namespace Takedown.Core.Hashing;

internal static partial class HashingLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "libturbojpeg.so.0 (Debian package libturbojpeg0) is not installed: JPEGs are decoded with SkiaSharp (about 2x slower end to end)")]
    public static partial void TurboJpegMissing(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "JPEG decoder: {Decoder}")]
    public static partial void JpegDecoderChosen(ILogger logger, string decoder);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Video upload refused before decoding: its {Bytes} bytes are not a recognised video container")]
    public static partial void VideoRefused(ILogger logger, int bytes);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "Video ({Container}) not decoded: ffmpeg exit code {ExitCode}, {Decoded} frames; ffmpeg said: {Diagnostics}")]
    public static partial void VideoNotDecoded(ILogger logger, VideoContainer container, int exitCode, int decoded, string diagnostics);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Debug, Message = "Video ({Container}) decoded ({Decoded} frames) with ffmpeg messages: {Diagnostics}")]
    public static partial void VideoDecodedWithErrors(ILogger logger, VideoContainer container, int decoded, string diagnostics);

    [LoggerMessage(EventId = 5023, Level = LogLevel.Warning, Message = "Video ({Container}) decoding stopped after {Seconds} s")]
    public static partial void VideoTimedOut(ILogger logger, VideoContainer container, double seconds);

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
