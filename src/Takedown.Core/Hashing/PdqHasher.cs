namespace Takedown.Core.Hashing;

/// <summary>
/// Meta's PDQ photo hash, bit-exact with the reference CLI <c>pdq-photo-hasher</c> given the same
/// decoded pixels (see docs/PDQ.md). Thread-safe; buffers are per thread.
/// </summary>
public static class PdqHasher
{
    /// <summary>The reference CLI resizes images with a side over this to exactly this square.</summary>
    internal const int PreResizeLimit = 512;

    /// <summary>
    /// Decodes an untrusted image file and hashes it as <c>pdq-photo-hasher</c> does; expected
    /// failures (not an image, truncated, too large...) come back as <see cref="PdqResult.Error"/>.
    /// </summary>
    public static PdqResult HashImage(ReadOnlySpan<byte> file, ImageLimits limits, bool includeDihedral = false)
    {
        ArgumentNullException.ThrowIfNull(limits);
        DecodeError? error = ImageDecoder.TryDecode(file, limits, sampleRowsForPdq: true, out DecodedImage? image);
        if (error is not null)
        {
            return PdqResult.Failure(error);
        }

        using (image)
        {
            return HashDecoded(image!, includeDihedral);
        }
    }

    /// <summary>Same as <see cref="HashImage(ReadOnlySpan{byte}, ImageLimits, bool)"/> with <see cref="ImageLimits.Default"/>.</summary>
    public static PdqResult HashImage(ReadOnlySpan<byte> file) => HashImage(file, ImageLimits.Default);

    /// <summary>
    /// Hashes a float luma plane (rows x cols, row-major), e.g. a video frame, with no 512 pre-resize.
    /// Planes under 5 px on a side give the zero hash with quality 0, as the reference does.
    /// </summary>
    public static PdqHashWithQuality HashLuma(ReadOnlySpan<float> luma, int rows, int cols)
    {
        ValidatePlane(luma.Length, rows, cols);
        PdqWorkspace ws = PdqWorkspace.For(rows, cols);
        luma[..(rows * cols)].CopyTo(ws.Buffer1);
        return HashWorkspace(ws, rows, cols);
    }

    /// <summary>The eight dihedral hashes of a float luma plane, and the shared quality.</summary>
    public static (PdqDihedralHashes Hashes, int Quality) HashLumaDihedral(ReadOnlySpan<float> luma, int rows, int cols)
    {
        ValidatePlane(luma.Length, rows, cols);
        PdqWorkspace ws = PdqWorkspace.For(rows, cols);
        luma[..(rows * cols)].CopyTo(ws.Buffer1);
        return DihedralWorkspace(ws, rows, cols);
    }

    /// <summary>Hashes decoded 8-bit pixels, applying the CLI's 512 pre-resize and grey rule.</summary>
    internal static PdqResult HashDecoded(DecodedImage image, bool includeDihedral)
    {
        (int rows, int cols) = LumaPlane.Dimensions(image.Width, image.Height);
        PdqWorkspace ws = PdqWorkspace.For(rows, cols);
        LumaPlane.Fill(image, ws.Buffer1, rows, cols);

        if (!includeDihedral)
        {
            PdqHashWithQuality single = HashWorkspace(ws, rows, cols);
            return PdqResult.Success(single.Hash, single.Quality, null);
        }

        if (rows == 64 && cols == 64)
        {
            // The single hash skips the filter for 64x64; the dihedral path does not. Keep both
            // as the reference prints them, at the cost of a second pass for this one size.
            LumaPlane.Fill(image, ws.Buffer1, rows, cols);
            PdqHashWithQuality single = HashWorkspace(ws, rows, cols);
            LumaPlane.Fill(image, ws.Buffer1, rows, cols);
            (PdqDihedralHashes dih, _) = DihedralWorkspace(ws, rows, cols);
            return PdqResult.Success(single.Hash, single.Quality, dih);
        }

        (PdqDihedralHashes hashes, int quality) = DihedralWorkspace(ws, rows, cols);
        return PdqResult.Success(hashes.Orig, quality, hashes);
    }

    /// <summary>Hashes interleaved 8-bit pixels already in memory (RGBA, 4 bytes a pixel, or grey, 1 byte).</summary>
    internal static PdqHashWithQuality HashPixels(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        (int rows, int cols) = LumaPlane.Dimensions(width, height);
        PdqWorkspace ws = PdqWorkspace.For(rows, cols);
        LumaPlane.Fill(pixels, width, height, channels, width * channels, LumaPlane.IsAllGrey(pixels, width, height, channels, width * channels), ws.Buffer1, rows, cols);
        return HashWorkspace(ws, rows, cols);
    }

    private static PdqHashWithQuality HashWorkspace(PdqWorkspace ws, int rows, int cols)
    {
        if (!PdqCore.TryComputeCoefficients(ws, rows, cols, alwaysFilter: false, ws.Coefficients, out int quality))
        {
            return new PdqHashWithQuality(PdqHash.Zero, 0);
        }

        return new PdqHashWithQuality(PdqCore.Threshold(ws.Coefficients, ws.Scratch256), quality);
    }

    private static (PdqDihedralHashes Hashes, int Quality) DihedralWorkspace(PdqWorkspace ws, int rows, int cols)
    {
        if (!PdqCore.TryComputeCoefficients(ws, rows, cols, alwaysFilter: true, ws.Coefficients, out int quality))
        {
            PdqHash z = PdqHash.Zero;
            return (new PdqDihedralHashes(z, z, z, z, z, z, z, z), 0);
        }

        return (PdqDihedral.FromCoefficients(ws.Coefficients, ws.Scratch256), quality);
    }

    private static void ValidatePlane(int length, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if ((long)rows * cols > length)
        {
            throw new ArgumentException("The luma span is shorter than rows x cols.", nameof(length));
        }
    }
}
