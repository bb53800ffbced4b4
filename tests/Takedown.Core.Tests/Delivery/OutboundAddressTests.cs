using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Takedown.Core.Delivery;

namespace Takedown.Core.Tests.Delivery;

public sealed class OutboundAddressTests
{
    /// <summary>Every listed block, by its first, middle and last address.</summary>
    public static TheoryData<string, string> EveryListedAddress()
    {
        var data = new TheoryData<string, string>();
        foreach (var range in SpecialPurposeAddresses.IPv4Registry.Concat(SpecialPurposeAddresses.IPv4Other)
                     .Concat(SpecialPurposeAddresses.IPv6Registry).Concat(SpecialPurposeAddresses.IPv6Other))
        {
            var (first, last) = Bounds(range.Network);
            var middle = first + (last - first) / 2;
            foreach (var n in new[] { first, middle, last }.Distinct())
                data.Add(range.Block, ToAddress(n, range.Network.BaseAddress.AddressFamily).ToString());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryListedAddress))]
    public void EveryAddressOfEverySpecialPurposeBlock_IsForbidden(string block, string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.True(OutboundAddress.IsForbidden(ip), $"{address} of {block}");
        Assert.NotNull(SpecialPurposeAddresses.Find(ip));
    }

    [Fact]
    public void Tables_HoldEveryRowOfBothRegistries()
    {
        // The registries as read on 2026-12-04; a row dropped from the tables by mistake fails here.
        string[] v4 = ["0.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32", "192.0.0.171/32",
            "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.88.99.2/32", "192.168.0.0/16",
            "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32"];
        string[] v6 = ["::1/128", "::/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64",
            "2001::/23", "2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32",
            "2001:4:112::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2002::/16",
            "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10"];
        Assert.Equal(v4, SpecialPurposeAddresses.IPv4Registry.Select(r => r.Block));
        Assert.Equal(v6, SpecialPurposeAddresses.IPv6Registry.Select(r => r.Block));
        Assert.All(SpecialPurposeAddresses.IPv4Registry.Concat(SpecialPurposeAddresses.IPv6Registry), r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Name));
            Assert.Matches("^RFC [0-9]+$", r.Rfc);
            Assert.Equal(r.Block, r.Network.ToString());
        });
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1")]          // IPv4-mapped
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:93.184.215.14")]      // mapped is refused whole: DNS gives IPv4 as IPv4
    [InlineData("::127.0.0.1")]               // IPv4-compatible (deprecated)
    [InlineData("::169.254.169.254")]
    [InlineData("::ffff:0:7f00:1")]           // IPv4-translated 127.0.0.1
    [InlineData("::ffff:0:a9fe:a9fe")]        // IPv4-translated 169.254.169.254
    [InlineData("64:ff9b::7f00:1")]           // NAT64 well-known prefix, 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b:1::a00:1")]          // NAT64 local-use prefix, 10.0.0.1
    [InlineData("2002:7f00:1::1")]            // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")]         // 6to4 of 169.254.169.254
    [InlineData("2002:c058:6301::1")]         // 6to4 of the relay anycast 192.88.99.1
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo, client 127.0.0.1 (obfuscated)
    [InlineData("2001:0:7f00:1::1")]          // Teredo, server 127.0.0.1
    public void IPv6FormsCarryingAnIPv4Address_AreForbidden(string address) => Assert.True(OutboundAddress.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("fe80::1%2")]                 // a scope does not hide link-local
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("4000::1")]                   // outside 2000::/3
    [InlineData("1fff:ffff::1")]
    [InlineData("8000::1")]
    public void OtherNonGlobalIPv6_IsForbidden(string address) => Assert.True(OutboundAddress.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]             // next to 10/8
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]            // next to 100.64/10
    [InlineData("100.128.0.0")]
    [InlineData("172.32.0.1")]
    [InlineData("192.0.1.1")]                 // next to 192.0.0.0/24
    [InlineData("192.88.98.255")]             // next to 192.88.99.0/24
    [InlineData("192.88.100.0")]
    [InlineData("198.20.0.1")]                // next to 198.18/15
    [InlineData("223.255.255.255")]           // just below multicast
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:81c::200e")]
    [InlineData("2001:200::1")]               // just past 2001::/23
    [InlineData("2003::1")]                   // just past 6to4 2002::/16
    [InlineData("2620:4f:8001::1")]
    [InlineData("3fff:1000::1")]              // just past 3fff::/20
    [InlineData("3ffe::1")]
    public void PublicAddresses_AreAllowed(string address) => Assert.False(OutboundAddress.IsForbidden(IPAddress.Parse(address)));

    private static (BigInteger First, BigInteger Last) Bounds(IPNetwork network)
    {
        var bits = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var first = new BigInteger(network.BaseAddress.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        var size = BigInteger.One << (bits - network.PrefixLength);
        return (first, first + size - 1);
    }

    private static IPAddress ToAddress(BigInteger value, AddressFamily family)
    {
        var length = family == AddressFamily.InterNetwork ? 4 : 16;
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[length];
        bytes.CopyTo(padded, length - bytes.Length);
        return new IPAddress(padded);
    }

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
