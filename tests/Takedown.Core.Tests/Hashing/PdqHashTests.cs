using Takedown.Core.Hashing;

namespace Takedown.Core.Tests.Hashing;

public sealed class PdqHashTests
{
    private const string Bridge = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    [Fact]
    public void Parse_ThenFormat_RoundTripsLowercaseHex()
    {
        Assert.Equal(Bridge, PdqHash.Parse(Bridge).ToString());
        Assert.Equal(Bridge, PdqHash.Parse(Bridge.ToUpperInvariant()).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("d8f8")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b222")]
    [InlineData(" d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2")]
    [InlineData("g8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")]
    public void TryParse_OfAnythingButSixtyFourHexDigits_Fails(string text)
    {
        Assert.False(PdqHash.TryParse(text, out _));
        Assert.Throws<FormatException>(() => PdqHash.Parse(text));
    }

    [Fact]
    public void Lanes_HoldTheHexAsABigEndianNumber_LaneThreeFirst()
    {
        PdqHash h = PdqHash.Parse(Bridge);
        Assert.Equal(0xd8f8f0cee0f4a84fUL, h.Lane3);
        Assert.Equal(0x33e6339c4e9c9b22UL, h.Lane0);
        Assert.Equal(h, new PdqHash(h.Lane0, h.Lane1, h.Lane2, h.Lane3));
    }

    [Fact]
    public void BitOrder_LastHexDigitHoldsCoefficientsZeroToThree()
    {
        PdqHash h = PdqHash.Parse(new string('0', 63) + "5");
        Assert.True(h.GetBit(0));
        Assert.False(h.GetBit(1));
        Assert.True(h.GetBit(2));
        Assert.Equal(2, h.PopCount);

        PdqHash top = PdqHash.Parse("8" + new string('0', 63));
        Assert.True(top.GetBit(255));
    }

    [Fact]
    public void Distance_CountsDifferingBits()
    {
        PdqHash a = PdqHash.Parse(Bridge);
        PdqHash b = PdqHash.Parse("d8f8f0cee0f4a84f0637022a038f67f0b36e2ed596631e1d33e6339c4e9c9b22");
        Assert.Equal(0, a.DistanceTo(a));
        Assert.Equal(2, a.DistanceTo(b));
        Assert.Equal(256, PdqHash.Zero.DistanceTo(PdqHash.Parse(new string('f', 64))));
        Assert.NotEqual(a, b);
        Assert.Equal(a, PdqHash.Parse(Bridge));
    }
}
