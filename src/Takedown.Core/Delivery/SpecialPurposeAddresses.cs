using System.Net;

namespace Takedown.Core.Delivery;

/// <summary>One block a webhook may not be sent to: its prefix, its registry name and the RFC that asked for it.</summary>
public sealed record SpecialRange(string Block, string Name, string Rfc)
{
    public IPNetwork Network { get; } = IPNetwork.Parse(Block);

    /// <summary>
    /// Whether the block holds <paramref name="address"/>, compared bit by bit on the address bytes
    /// (IPNetwork.Contains treats some IPv4-mapped IPv6 addresses as their IPv4 address).
    /// </summary>
    public bool Contains(IPAddress address) => SpecialPurposeAddresses.PrefixMatches(Network, address);
}

/// <summary>
/// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890, RFC 8190), every row, plus the
/// few non-public blocks recorded in other IANA registries (multicast, deprecated IPv6 forms).
/// <para>
/// Transcribed on 2026-12-04 from https://www.iana.org/assignments/iana-ipv4-special-registry/ and
/// https://www.iana.org/assignments/iana-ipv6-special-registry/ (the IPv6 registry as last updated
/// 2025-10-09), cross-checked against a published transcription of both registries dated 2026-09-24.
/// Names and RFC numbers are the registry's. A row's "Globally Reachable" flag is deliberately ignored:
/// anycast service addresses, translation prefixes and tunnels are not places a webhook receiver lives,
/// and each of them hides another destination. When IANA adds a row, add it here and to the tests.
/// </para>
/// </summary>
public static class SpecialPurposeAddresses
{
    /// <summary>The IANA IPv4 Special-Purpose Address Registry.</summary>
    public static readonly IReadOnlyList<SpecialRange> IPv4Registry =
    [
        new("0.0.0.0/8", "\"This network\"", "RFC 791"),
        new("0.0.0.0/32", "\"This host on this network\"", "RFC 1122"),
        new("10.0.0.0/8", "Private-Use", "RFC 1918"),
        new("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
        new("127.0.0.0/8", "Loopback", "RFC 1122"),
        new("169.254.0.0/16", "Link Local", "RFC 3927"),
        new("172.16.0.0/12", "Private-Use", "RFC 1918"),
        new("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
        new("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
        new("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
        new("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
        new("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        new("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880"),
        new("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880"),
        new("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
        new("192.31.196.0/24", "AS112-v4", "RFC 7535"),
        new("192.52.193.0/24", "AMT", "RFC 7450"),
        new("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
        new("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751"),
        new("192.168.0.0/16", "Private-Use", "RFC 1918"),
        new("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
        new("198.18.0.0/15", "Benchmarking", "RFC 2544"),
        new("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
        new("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
        new("240.0.0.0/4", "Reserved", "RFC 1112"),
        new("255.255.255.255/32", "Limited Broadcast", "RFC 919"),
    ];

    /// <summary>IPv4 blocks outside the special-purpose registry that are not unicast destinations either.</summary>
    public static readonly IReadOnlyList<SpecialRange> IPv4Other =
    [
        new("224.0.0.0/4", "Multicast (IANA IPv4 Multicast Address Space)", "RFC 5771"),
    ];

    /// <summary>The IANA IPv6 Special-Purpose Address Registry.</summary>
    public static readonly IReadOnlyList<SpecialRange> IPv6Registry =
    [
        new("::1/128", "Loopback Address", "RFC 4291"),
        new("::/128", "Unspecified Address", "RFC 4291"),
        new("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291"),
        new("64:ff9b::/96", "IPv4-IPv6 Translation", "RFC 6052"),
        new("64:ff9b:1::/48", "IPv4-IPv6 Translation (local use)", "RFC 8215"),
        new("100::/64", "Discard-Only Address Block", "RFC 6666"),
        new("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
        new("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
        new("2001::/32", "TEREDO", "RFC 4380"),
        new("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
        new("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        new("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
        new("2001:2::/48", "Benchmarking", "RFC 5180"),
        new("2001:3::/32", "AMT", "RFC 7450"),
        new("2001:4:112::/48", "AS112-v6", "RFC 7535"),
        new("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
        new("2001:20::/28", "ORCHIDv2", "RFC 7343"),
        new("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
        new("2001:db8::/32", "Documentation", "RFC 3849"),
        new("2002::/16", "6to4", "RFC 3056"),
        new("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
        new("3fff::/20", "Documentation", "RFC 9637"),
        new("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
        new("fc00::/7", "Unique-Local", "RFC 4193"),
        new("fe80::/10", "Link-Local Unicast", "RFC 4291"),
    ];

    /// <summary>
    /// IPv6 blocks outside the special-purpose registry that are not public unicast destinations. Beyond
    /// these, anything outside 2000::/3 (the only block the IANA IPv6 Address Space registry allocates
    /// for global unicast) is refused too.
    /// </summary>
    public static readonly IReadOnlyList<SpecialRange> IPv6Other =
    [
        new("::/96", "IPv4-compatible Address (deprecated)", "RFC 4291"),
        new("::ffff:0:0:0/96", "IPv4-translated Address", "RFC 2765"),
        new("fec0::/10", "Site-Local (deprecated)", "RFC 3879"),
        new("ff00::/8", "Multicast", "RFC 4291"),
    ];

    /// <summary>Global unicast: the only IPv6 block webhooks may go to (IANA IPv6 Address Space registry).</summary>
    public static readonly IPNetwork IPv6GlobalUnicast = IPNetwork.Parse("2000::/3");

    private static readonly SpecialRange NotGlobalUnicast = new("::/0", "Outside global unicast 2000::/3 (IANA IPv6 Address Space)", "RFC 4291");

    /// <summary>The most specific listed block holding <paramref name="address"/>, or null when it is an ordinary public address.</summary>
    public static SpecialRange? Find(IPAddress address)
    {
        var isV6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (isV6 && address.ScopeId != 0) address = new IPAddress(address.GetAddressBytes());
        SpecialRange? best = null;
        foreach (var range in isV6 ? IPv6Registry.Concat(IPv6Other) : IPv4Registry.Concat(IPv4Other))
            if (range.Contains(address) && (best is null || range.Network.PrefixLength > best.Network.PrefixLength))
                best = range;
        if (best is null && isV6 && !PrefixMatches(IPv6GlobalUnicast, address)) best = NotGlobalUnicast;
        return best;
    }

    internal static bool PrefixMatches(IPNetwork network, IPAddress address)
    {
        if (network.BaseAddress.AddressFamily != address.AddressFamily) return false;
        Span<byte> a = stackalloc byte[16], n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.BaseAddress.TryWriteBytes(n, out _);
        var bits = network.PrefixLength;
        for (var i = 0; i < length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }
}
