using System.Net;
using System.Net.Sockets;

namespace Takedown.Core.Delivery;

/// <summary>
/// Outbound safety for webhooks: an address the service may connect to is a public unicast one. Every
/// block of the IANA special-purpose registries is refused (see <see cref="SpecialPurposeAddresses"/>),
/// with multicast and every IPv6 address outside global unicast 2000::/3; IPv6 forms that carry an IPv4
/// address (mapped, compatible, translated, NAT64, 6to4, Teredo) are refused whole, whatever they carry.
/// Checked at registration and again, after resolution, for the address actually connected to.
/// </summary>
public static class OutboundAddress
{
    public static bool IsForbidden(IPAddress address) =>
        address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        || SpecialPurposeAddresses.Find(address) is not null;

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
        if (bad is null) return null;
        var range = SpecialPurposeAddresses.Find(bad);
        return range is null
            ? $"resolves to {bad}, which is not an IP address webhooks can be sent to"
            : $"resolves to {bad}, in {range.Block} ({range.Name}, {range.Rfc}): webhooks go only to public addresses";
    }
}
