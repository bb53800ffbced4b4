using SkiaSharp;

namespace Takedown.Web.Tests.Matching;

/// <summary>
/// Hashing:JpegDecoder: auto (the system libjpeg-turbo, which test.sh installs) or skia; /healthz says
/// which one reads JPEGs, and an uploaded JPEG hashes the same either way on these synthetic files.
/// </summary>
public sealed class JpegDecoderTests
{
    private static async Task<(string Decoder, string Pdq)> HealthAndHashAsync(params string[] args)
    {
        await using var app = await TestApp.StartAsync(null, args);
        var health = await ApiClient.ReadOkAsync(await app.Anonymous().GetAsync("/healthz"));
        var platform = await app.PlatformAsync("JpegForum");
        using var scene = TestImages.Scene(900, 700, seed: 91);
        var body = await ApiClient.ReadOkAsync(await platform.UploadAsync("/api/v1/match", TestImages.Encode(scene, SKEncodedImageFormat.Jpeg, 88), "photo.jpg"));
        return (health["jpeg_decoder"]!.GetValue<string>(), body["hashes"]!["pdq"]!.GetValue<string>());
    }

    [Fact]
    public async Task JpegDecoder_IsLibjpegTurboByDefault_AndSkiaSharpWhenConfigured_WithTheSameHash()
    {
        var auto = await HealthAndHashAsync();
        var skia = await HealthAndHashAsync("--Hashing:JpegDecoder=skia");

        Assert.Equal("libjpeg-turbo (system)", auto.Decoder);
        Assert.Equal("SkiaSharp", skia.Decoder);
        Assert.Equal(skia.Pdq, auto.Pdq);
    }
}
