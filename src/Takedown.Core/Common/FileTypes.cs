namespace Takedown.Core.Common;

/// <summary>What a file is, from its first bytes rather than its name or the client's Content-Type.</summary>
public static class FileTypes
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Webp = "image/webp";
    public const string Zip = "application/zip";
    public const string Json = "application/json";
    public const string Text = "text/plain";
    public const string Binary = "application/octet-stream";

    public static string Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8)) return Pdf;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return Webp;
        if (head.StartsWith((ReadOnlySpan<byte>)[(byte)'P', (byte)'K', 3, 4])) return Zip;
        var trimmed = head.TrimStart(" \t\r\n"u8);
        if (trimmed.Length > 0 && (trimmed[0] == (byte)'{' || trimmed[0] == (byte)'[') && LooksLikeText(head)) return Json;
        return LooksLikeText(head) ? Text : Binary;
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return false;
        foreach (var b in head) if (b == 0 || (b < 0x09) || (b > 0x0D && b < 0x20 && b != 0x1B)) return false;
        return true;
    }
}
