using SkiaSharp;
using Takedown.Core.Hashing;
using Xunit.Abstractions;

namespace Takedown.Core.Tests.Hashing;

/// <summary>Robustness on synthetic pictures: near-duplicates match (&lt;= 31), unrelated pictures do not.</summary>
public sealed class SyntheticImageTests(ITestOutputHelper output)
{
    private const int MatchThreshold = 31;

    public static TheoryData<string> DihedralNames => new(PdqDihedralHashes.Names.Skip(1));

    private static PdqResult Hash(SKBitmap bitmap, bool dihedral = false)
    {
        PdqResult r = PdqHasher.HashImage(SyntheticImages.Encode(bitmap, SKEncodedImageFormat.Png), ImageLimits.Default, dihedral);
        Assert.True(r.IsSuccess, r.Error?.Reason);
        return r;
    }

    [Theory]
    [MemberData(nameof(DihedralNames))]
    public void Hash_OfRotatedOrFlippedImage_MatchesTheCorrespondingDihedralVariant(string variant)
    {
        // Over 512 on one side, so the CLI's 512x512 pre-resize is part of what is compared.
        using SKBitmap scene = SyntheticImages.Scene(384, 640, seed: 7);
        PdqDihedralHashes original = Hash(scene, dihedral: true).Dihedral!;
        using SKBitmap transformed = SyntheticImages.Transform(scene, variant);

        PdqHash actual = Hash(transformed).Hash;
        int index = PdqDihedralHashes.Names.ToList().IndexOf(variant);
        int distance = actual.DistanceTo(original.All[index]);
        int toOriginal = actual.DistanceTo(original.Orig);
        output.WriteLine($"{variant}: {distance} bits from the predicted variant, {toOriginal} from the original");

        Assert.InRange(distance, 0, MatchThreshold);
        Assert.True(distance < toOriginal, "the predicted variant should be closer than the untransformed hash");
    }

    [Theory]
    [MemberData(nameof(DihedralNames))]
    public void Hash_OfTransformedGrey64x64Image_EqualsTheDihedralVariantExactly(string variant)
    {
        // At 64x64 with integer grey levels the box filter is an exact identity and the sampling
        // grid is symmetric, so the transformed picture lands exactly on the predicted variant.
        using SKBitmap scene = SyntheticImages.Scene(64, 64, seed: 11);
        using SKBitmap grey = SyntheticImages.Grey(scene);
        PdqDihedralHashes original = Hash(grey, dihedral: true).Dihedral!;
        using SKBitmap transformed = SyntheticImages.Transform(grey, variant);

        PdqResult actual = Hash(transformed, dihedral: true);
        int index = PdqDihedralHashes.Names.ToList().IndexOf(variant);
        output.WriteLine($"{variant}: {actual.Dihedral!.Orig.DistanceTo(original.All[index])} bits");
        Assert.Equal(original.All[index], actual.Dihedral!.Orig);
    }

    [Fact]
    public void Hash_OfRotatedImage_EqualsRot90Variant()
    {
        using SKBitmap scene = SyntheticImages.Scene(64, 64, seed: 12);
        using SKBitmap grey = SyntheticImages.Grey(scene);
        PdqDihedralHashes original = Hash(grey, dihedral: true).Dihedral!;
        using SKBitmap rotated = SyntheticImages.Transform(grey, "rot90");

        Assert.Equal(original.Rot90, Hash(rotated, dihedral: true).Dihedral!.Orig);
    }

    [Fact]
    public void Hash_OfJpegReencodedAtQuality70_MatchesTheOriginal()
    {
        using SKBitmap scene = SyntheticImages.Scene(480, 320, seed: 3);
        PdqResult original = Hash(scene);
        PdqResult jpeg = PdqHasher.HashImage(SyntheticImages.Encode(scene, SKEncodedImageFormat.Jpeg, 70), ImageLimits.Default);

        Assert.True(jpeg.IsSuccess);
        int distance = original.Hash.DistanceTo(jpeg.Hash);
        output.WriteLine($"JPEG q70: {distance} bits (quality {original.Quality} -> {jpeg.Quality})");
        Assert.InRange(distance, 0, MatchThreshold);
    }

    [Fact]
    public void Hash_OfHalfSizeCopy_MatchesTheOriginal()
    {
        using SKBitmap scene = SyntheticImages.Scene(480, 320, seed: 3);
        using SKBitmap half = SyntheticImages.Resize(scene, 240, 160);

        int distance = Hash(scene).Hash.DistanceTo(Hash(half).Hash);
        output.WriteLine($"0.5x resize: {distance} bits");
        Assert.InRange(distance, 0, MatchThreshold);
    }

    [Fact]
    public void Hash_OfSlightlyCroppedCopy_MatchesTheOriginal()
    {
        using SKBitmap scene = SyntheticImages.Scene(480, 320, seed: 3);

        // Keep about 97.5% of each side: 6 px off the left and right, 4 px off the top and bottom.
        using SKBitmap cropped = SyntheticImages.Crop(scene, new SKRectI(6, 4, 474, 316));

        int distance = Hash(scene).Hash.DistanceTo(Hash(cropped).Hash);
        output.WriteLine($"2.5% crop: {distance} bits");
        Assert.InRange(distance, 0, MatchThreshold);
    }

    [Fact]
    public void Hash_OfUnrelatedImage_IsFartherThanTheMatchThreshold()
    {
        using SKBitmap a = SyntheticImages.Scene(480, 320, seed: 3);
        using SKBitmap b = SyntheticImages.Scene(480, 320, seed: 1234);

        int distance = Hash(a).Hash.DistanceTo(Hash(b).Hash);
        output.WriteLine($"unrelated: {distance} bits");
        Assert.True(distance > MatchThreshold, $"unrelated pictures are only {distance} bits apart");
    }

    [Fact]
    public void Quality_OfSyntheticScene_IsHighEnoughToMatchOn()
    {
        using SKBitmap scene = SyntheticImages.Scene(480, 320, seed: 3);
        Assert.InRange(Hash(scene).Quality, 50, 100);
    }
}
