using System.Net;
using System.Net.Sockets;

namespace Takedown.Core.Delivery;

/// <summary>
/// Outbound safety for webhooks: an address the service may connect to is a public unicast one. Private,
/// loopback, link-local, unique-local, multicast, unspecified and reserved ranges are refused, in IPv4
/// and IPv6, including IPv4 addresses wrapped in IPv6 (mapped, NAT64, 6to4). Checked at registration
/// and again for the address actually connected to.
/// </summary>
public static class OutboundAddress
{
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsForbidden(address.MapToIPv4());
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] == 0                                   // "this network", unspecified
                || b[0] == 10                                  // private
                || (b[0] == 100 && (b[1] & 0xC0) == 64)        // carrier-grade NAT 100.64/10
                || b[0] == 127                                 // loopback
                || (b[0] == 169 && b[1] == 254)                // link-local (cloud metadata)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)        // private 172.16/12
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)     // IETF protocol assignments
                || (b[0] == 192 && b[1] == 0 && b[2] == 2)     // documentation
                || (b[0] == 192 && b[1] == 168)                // private
                || (b[0] == 198 && (b[1] & 0xFE) == 18)        // benchmarking 198.18/15
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)  // documentation
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)   // documentation
                || b[0] >= 224;                                // multicast, reserved, broadcast
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return true;
        if ((b[0] & 0xFE) == 0xFC) return true;                                      // unique-local fc00::/7
        if (b.Take(12).All(x => x == 0)) return true;                                // IPv4-compatible ::/96 (deprecated)
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)            // NAT64 64:ff9b::/96
            return IsForbidden(new IPAddress(b.AsSpan(12, 4)));
        if (b[0] == 0x20 && b[1] == 0x02) return IsForbidden(new IPAddress(b.AsSpan(2, 4))); // 6to4 2002::/16
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return true;     // documentation 2001:db8::/32
        if (b[0] == 0x01 && b.Skip(1).Take(7).All(x => x == 0)) return true;               // discard 100::/64
        return false;
    }

    /// <summary>Null when <paramref name="url"/> may be registered as a webhook; otherwise why not (for the "url" field).</summary>
    public static async Task<string?> ProblemAsync(string? url, WebhooksOptions options, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "is required";
        if (url.Length > 2048) return "must be at most 2048 characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.Any(char.IsWhiteSpace)) return "is not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return "must be an https URL";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "must not contain a user name or password";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "must not contain a fragment";
        var host = uri.IdnHost.Trim('[', ']');
        if (string.IsNullOrEmpty(host)) return "must name a host";
        var allowed = options.IsAllowedHost(host);
        if (uri.Scheme != Uri.UriSchemeHttps && !allowed) return "must be an https URL (plain http only for hosts on the operator's allow-list)";
        if (allowed) return null;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
            {
                ct.ThrowIfCancellationRequested();
                return $"host '{host}' does not resolve";
            }
            if (addresses.Length == 0) return $"host '{host}' does not resolve";
        }
        var bad = addresses.FirstOrDefault(IsForbidden);
        return bad is null ? null : $"resolves to {bad}, a private, loopback, link-local or otherwise non-public address";
    }
}
