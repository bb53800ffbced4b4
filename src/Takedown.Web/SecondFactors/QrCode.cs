using QRCoder;

namespace Takedown.Web.SecondFactors;

/// <summary>QR codes drawn on the server as SVG, so no script and no third party sees the secret.</summary>
internal static class QrCode
{
    public static string Svg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
