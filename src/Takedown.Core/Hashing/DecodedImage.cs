using System.Buffers;

namespace Takedown.Core.Hashing;

/// <summary>
/// Decoded 8-bit pixels in a pooled buffer: 1 channel (grey) or 4 (R, G, B, A straight alpha).
/// <see cref="IsGrey"/> is true when every pixel has R == G == B, which is when the reference
/// (through ImageMagick's PNM output) sees a single grey channel.
/// </summary>
internal sealed class DecodedImage : IDisposable
{
    private byte[]? _buffer;

    internal DecodedImage(byte[] buffer, int width, int height, int channels, bool rowsSampled = false)
    {
        _buffer = buffer;
        Width = width;
        Height = height;
        Channels = channels;
        RowsSampled = rowsSampled;
        IsGrey = channels == 1 || LumaPlane.IsAllGrey(buffer, width, StoredRows, channels, width * channels);
    }

    internal int Width { get; }

    internal int Height { get; }

    internal int Channels { get; }

    internal int Stride => Width * Channels;

    /// <summary>
    /// True when only the 512 rows the reference's resize samples are held (row y is source row
    /// floor(y * Height / 512)); then <see cref="IsGrey"/> covers those rows only.
    /// </summary>
    internal bool RowsSampled { get; }

    /// <summary>Rows held in <see cref="Pixels"/>.</summary>
    internal int StoredRows => RowsSampled ? PdqHasher.PreResizeLimit : Height;

    internal bool IsGrey { get; }

    internal ReadOnlySpan<byte> Pixels => _buffer.AsSpan(0, Stride * StoredRows);

    /// <summary>Rents a buffer large enough for width x height x channels bytes.</summary>
    internal static byte[] Rent(int width, int height, int channels) =>
        ArrayPool<byte>.Shared.Rent(checked(width * height * channels));

    internal static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    public void Dispose()
    {
        byte[]? b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
