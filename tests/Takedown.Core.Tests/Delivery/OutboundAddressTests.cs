using System.Net;
using Takedown.Core.Delivery;

namespace Takedown.Core.Tests.Delivery;

public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:0a00:0001::1")]
    public void NonPublicAddresses_AreForbidden(string address) => Assert.True(OutboundAddress.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.215.14")]
    public void PublicAddresses_AreAllowed(string address) => Assert.False(OutboundAddress.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public void Signature_RoundTrips_AndRejectsTamperingAndOldTimestamps()
    {
        var body = "{\"id\":\"x\"}"u8.ToArray();
        var now = DateTimeOffset.FromUnixTimeSeconds(1_772_000_000);
        var signature = WebhookSignature.Sign("whsec_test", now.ToUnixTimeSeconds(), body);
        // The test vector of docs/webhooks.md, computed there with openssl.
        Assert.Equal("v1=ee106cdcb6445963b15808a3b9eebe6edfe34d2f10523e14c2396617a229f681", signature);
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify("whsec_test", ts, signature, body, now.AddSeconds(30)));
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify("whsec_test", ts, "v1=00, " + signature, body, now));
        Assert.Equal(SignatureCheck.Mismatch, WebhookSignature.Verify("whsec_test", ts, signature, "{\"id\":\"y\"}"u8.ToArray(), now));
        Assert.Equal(SignatureCheck.TooOld, WebhookSignature.Verify("whsec_test", ts, signature, body, now.AddMinutes(10)));
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify("whsec_test", "soon", signature, body, now));
        Assert.Equal(SignatureCheck.Malformed, WebhookSignature.Verify("whsec_test", ts, "v0=abc", body, now));
    }
}
