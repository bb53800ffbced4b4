using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Takedown.Core.Hashing;

/// <summary>
/// The system libjpeg-turbo (Debian package <c>libturbojpeg0</c>, <c>libturbojpeg.so.0</c>, TurboJPEG 2.x
/// API), the JPEG decoder ImageMagick gives the reference CLI, so its pixels are the reference's. Loaded
/// once; when it is missing <see cref="IsAvailable"/> is false and callers decode with SkiaSharp. Every
/// pointer and native call of the JPEG path is in this file. Handles are pooled: one handle is used by
/// one thread at a time.
/// </summary>
internal static unsafe class TurboJpeg
{
    internal const string LibraryName = "libturbojpeg.so.0";

    // turbojpeg.h (2.x): enum TJPF, enum TJCS.
    private const int PixelFormatRgba = 7;
    private const int PixelFormatGray = 6;

    private static readonly Api? Native = Load();
    private static readonly ConcurrentQueue<IntPtr> Idle = new();
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>JPEG colour spaces from the header (TJCS).</summary>
    internal enum Colourspace
    {
        Rgb = 0,
        YCbCr = 1,
        Gray = 2,
        Cmyk = 3,
        Ycck = 4,
    }

    /// <summary>True when libturbojpeg.so.0 was found and exports the functions used.</summary>
    internal static bool IsAvailable => Native is not null;

    /// <summary>
    /// Reads the JPEG header: false when libjpeg-turbo cannot (not a JPEG it understands, cut inside
    /// the header...). No pixel memory is allocated.
    /// </summary>
    internal static bool TryReadHeader(ReadOnlySpan<byte> jpeg, out int width, out int height, out Colourspace colourspace)
    {
        width = height = 0;
        colourspace = Colourspace.Rgb;
        Api api = Native ?? throw new InvalidOperationException("libjpeg-turbo is not loaded");
        IntPtr handle = Rent(api);
        if (handle == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            int w, h, subsampling, cs;
            int rc;
            fixed (byte* src = jpeg)
            {
                rc = api.DecompressHeader3(handle, src, (nuint)jpeg.Length, &w, &h, &subsampling, &cs);
            }

            if (rc != 0)
            {
                return false;
            }

            (width, height, colourspace) = (w, h, (Colourspace)cs);
            return true;
        }
        finally
        {
            Return(api, handle);
        }
    }

    /// <summary>
    /// Decodes the whole image at full size into <paramref name="pixels"/> (width x height x 1 grey, or
    /// x 4 R, G, B, 255), with TurboJPEG's default flags (accurate integer IDCT, fancy upsampling).
    /// False on any error or warning (a truncated file is a warning after partial output): the pixels
    /// are then not to be used.
    /// </summary>
    internal static bool TryDecode(ReadOnlySpan<byte> jpeg, Span<byte> pixels, int width, int height, bool grey)
    {
        Api api = Native ?? throw new InvalidOperationException("libjpeg-turbo is not loaded");
        int channels = grey ? 1 : 4;
        if ((long)width * height * channels > pixels.Length)
        {
            throw new ArgumentException("The pixel buffer is too small.", nameof(pixels));
        }

        IntPtr handle = Rent(api);
        if (handle == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            fixed (byte* src = jpeg)
            fixed (byte* dst = pixels)
            {
                return api.Decompress2(handle, src, (nuint)jpeg.Length, dst, width, width * channels, height, grey ? PixelFormatGray : PixelFormatRgba, 0) == 0;
            }
        }
        finally
        {
            Return(api, handle);
        }
    }

    private static IntPtr Rent(Api api) => Idle.TryDequeue(out IntPtr handle) ? handle : api.InitDecompress();

    private static void Return(Api api, IntPtr handle)
    {
        if (Idle.Count < MaxIdle)
        {
            Idle.Enqueue(handle);
        }
        else
        {
            api.Destroy(handle);
        }
    }

    private static Api? Load()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(LibraryName, out IntPtr lib))
        {
            return null;
        }

        if (NativeLibrary.TryGetExport(lib, "tjInitDecompress", out IntPtr init)
            && NativeLibrary.TryGetExport(lib, "tjDecompressHeader3", out IntPtr header)
            && NativeLibrary.TryGetExport(lib, "tjDecompress2", out IntPtr decompress)
            && NativeLibrary.TryGetExport(lib, "tjDestroy", out IntPtr destroy))
        {
            return new Api(
                (delegate* unmanaged[Cdecl]<IntPtr>)init,
                (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int*, int*, int*, int*, int>)header,
                (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, byte*, int, int, int, int, int, int>)decompress,
                (delegate* unmanaged[Cdecl]<IntPtr, int>)destroy);
        }

        NativeLibrary.Free(lib);
        return null;
    }

    /// <summary>tjInitDecompress, tjDecompressHeader3, tjDecompress2 and tjDestroy (unsigned long is 64-bit on Linux x64 and arm64).</summary>
    private sealed class Api(
        delegate* unmanaged[Cdecl]<IntPtr> init,
        delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int*, int*, int*, int*, int> header,
        delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, byte*, int, int, int, int, int, int> decompress,
        delegate* unmanaged[Cdecl]<IntPtr, int> destroy)
    {
        internal IntPtr InitDecompress() => init();

        internal int DecompressHeader3(IntPtr handle, byte* jpeg, nuint size, int* width, int* height, int* subsampling, int* colourspace) =>
            header(handle, jpeg, size, width, height, subsampling, colourspace);

        internal int Decompress2(IntPtr handle, byte* jpeg, nuint size, byte* dst, int width, int pitch, int height, int pixelFormat, int flags) =>
            decompress(handle, jpeg, size, dst, width, pitch, height, pixelFormat, flags);

        internal void Destroy(IntPtr handle) => destroy(handle);
    }
}
