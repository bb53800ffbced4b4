using System.Globalization;
using System.Text;
using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Core.Blocklist;

/// <summary>One consistent view of what the exports contain: the serial and the active listings at that serial.</summary>
public sealed record BlocklistSnapshot(long Serial, IReadOnlyList<ExportedListing> Listings);

public sealed record ExportedListing(Guid Id, string Kind, string Value, string Category, DateTimeOffset Since);

/// <summary>
/// The exports ISPs and search engines pull (RPZ zone, hosts file, URL list), their version serial,
/// and the record of who pulled which serial. The text of an export depends only on the serial and
/// the configuration, so the serial is a sound ETag.
/// </summary>
public sealed class BlocklistExports(IDatabase db, TimeProvider clock, BlocklistOptions options, BlocklistService listings)
{
    /// <summary>How long a recipient may take to apply a new version: ISPs block within 24 h, search engines de-list within 48 h.</summary>
    public static TimeSpan DeadlineFor(string orgKind) => orgKind == OrganizationKinds.SearchEngine ? TimeSpan.FromHours(48) : TimeSpan.FromHours(24);

    public async Task<BlocklistSnapshot> SnapshotAsync(CancellationToken ct)
    {
        await listings.ActivateDueAsync(ct);
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var serial = await BlocklistService.CurrentSerialAsync(c, tx);
        var rows = await c.QueryAsync<(string id, string kind, string value, string category, string activated_at)>(
            "SELECT id, kind, value, category, activated_at FROM blocklist_listings WHERE status = 'active' ORDER BY kind, value", transaction: tx);
        await tx.CommitAsync(ct);
        return new BlocklistSnapshot(serial, rows.Select(r => new ExportedListing(Guid.Parse(r.id), r.kind, r.value, r.category, Time.Load(r.activated_at))).ToList());
    }

    public string Render(string format, BlocklistSnapshot snapshot) => format switch
    {
        ExportFormats.Rpz => Rpz(snapshot, options),
        ExportFormats.Hosts => Hosts(snapshot),
        ExportFormats.Csv => Csv(snapshot),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format"),
    };

    public static string ContentType(string format) => format switch
    {
        ExportFormats.Rpz => "text/dns; charset=utf-8",
        ExportFormats.Csv => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    /// <summary>
    /// An RPZ zone (draft-vixie-dnsop-dns-rpz): SOA whose serial is the blocklist serial, an NS, then for
    /// each listed domain the name and its wildcard, rewritten to NXDOMAIN (CNAME .) or to the stop host.
    /// </summary>
    public static string Rpz(BlocklistSnapshot snapshot, BlocklistOptions options)
    {
        var target = options.StopTarget is { } stop ? stop + "." : ".";
        var sb = new StringBuilder();
        sb.Append("$ORIGIN ").Append(options.Zone).Append(".\n");
        sb.Append("$TTL 300\n");
        sb.Append(CultureInfo.InvariantCulture, $"@ IN SOA localhost. hostmaster.localhost. {snapshot.Serial} 3600 600 604800 300\n");
        sb.Append("@ IN NS localhost.\n");
        sb.Append(CultureInfo.InvariantCulture, $"; Takedown blocklist, serial {snapshot.Serial}, {snapshot.Listings.Count(l => l.Kind == ListingKinds.Domain)} domain(s)\n");
        foreach (var l in snapshot.Listings.Where(l => l.Kind == ListingKinds.Domain))
        {
            sb.Append(l.Value).Append(" CNAME ").Append(target).Append('\n');
            sb.Append("*.").Append(l.Value).Append(" CNAME ").Append(target).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A hosts file: each listed domain to 0.0.0.0 (a hosts file cannot cover subdomains).</summary>
    public static string Hosts(BlocklistSnapshot snapshot)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Takedown blocklist, serial {snapshot.Serial}\n");
        foreach (var l in snapshot.Listings.Where(l => l.Kind == ListingKinds.Domain))
            sb.Append("0.0.0.0 ").Append(l.Value).Append('\n');
        return sb.ToString();
    }

    /// <summary>The list for search engines (RFC 4180): every listed URL, and every listed domain as https://domain/ with scope 'domain'.</summary>
    public static string Csv(BlocklistSnapshot snapshot)
    {
        var sb = new StringBuilder("url,listing_id,category,since,scope\r\n");
        foreach (var l in snapshot.Listings.OrderBy(l => l.Since).ThenBy(l => l.Id))
        {
            var url = l.Kind == ListingKinds.Domain ? $"https://{l.Value}/" : l.Value;
            sb.Append(Field(url)).Append(',').Append(l.Id).Append(',').Append(l.Category).Append(',')
              .Append(Time.Store(l.Since)).Append(',').Append(l.Kind).Append("\r\n");
        }
        return sb.ToString();
    }

    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\r', '\n']) >= 0 || s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@')
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : s;

    /// <summary>Records that a recipient's key was served <paramref name="serial"/> (also when answered 304).</summary>
    public async Task RecordPullAsync(Caller caller, string format, long serial, CancellationToken ct)
    {
        if (caller.Kind is not (OrganizationKinds.Isp or OrganizationKinds.SearchEngine)) return;
        var now = Time.Store(Time.Now(clock));
        await db.WriteAsync<bool>(async (c, tx) =>
        {
            await c.ExecuteAsync(
                """
                INSERT INTO blocklist_pulls (key_id, format, serial, org_id, first_pulled_at, last_pulled_at, pulls)
                VALUES (@key, @format, @serial, @org, @now, @now, 1)
                ON CONFLICT (key_id, format, serial) DO UPDATE SET last_pulled_at = excluded.last_pulled_at, pulls = blocklist_pulls.pulls + 1
                """, new { key = caller.KeyId.ToString(), format, serial, org = caller.OrganizationId.ToString(), now }, tx);
            return true;
        }, ct);
    }

    /// <summary>An air-gapped hand-over (CLI export) leaves an audit event naming the serial handed over.</summary>
    public async Task RecordHandOverAsync(string format, long serial, CancellationToken ct) =>
        await db.WriteAsync<bool>(async (c, tx) =>
        {
            await AuditLog.AppendAsync(c, tx, Time.Now(clock), Caller.System, "blocklist.exported", data: new { format, serial }, platformVisible: false);
            return true;
        }, ct);

    /// <summary>Every ISP and search-engine key: the newest serial it pulled per export, and whether it is stale (or late).</summary>
    public async Task<Result<PullReport>> PullsAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsAuthority && !caller.IsOversight && !caller.IsOperator)
            return Error.Forbidden("Only authorities, oversight and the operator read the pull record.");
        await listings.ActivateDueAsync(ct);
        var now = Time.Now(clock);
        await using var c = await db.OpenAsync(ct);
        var current = await BlocklistService.CurrentSerialAsync(c, null);
        var versions = (await c.QueryAsync<(long serial, string created_at)>("SELECT serial, created_at FROM blocklist_versions"))
            .ToDictionary(v => v.serial, v => Time.Load(v.created_at));
        var rows = await c.QueryAsync<(string org_id, string name, string kind, string? key_id, string? format, long? serial, string? first_pulled_at, string? last_pulled_at)>(
            """
            SELECT o.id, o.name, o.kind, p.key_id, p.format, p.serial, p.first_pulled_at, p.last_pulled_at
            FROM organizations o
            LEFT JOIN blocklist_pulls p ON p.org_id = o.id
                AND p.serial = (SELECT MAX(q.serial) FROM blocklist_pulls q WHERE q.key_id = p.key_id AND q.format = p.format)
            WHERE o.kind IN ('isp', 'search_engine')
            ORDER BY o.name, o.id, p.key_id, p.format
            """);
        var list = rows.Select(r =>
        {
            var stale = r.serial is null || r.serial < current;
            DateTimeOffset? staleSince = !stale ? null
                : r.serial is { } s && versions.TryGetValue(s + 1, out var t) ? t
                : versions.Count > 0 ? versions.Values.Min() : null;
            var late = stale && staleSince is { } since && now - since > DeadlineFor(r.kind);
            return new PullView(Guid.Parse(r.org_id), r.name, r.kind, r.key_id is null ? null : Guid.Parse(r.key_id), r.format, r.serial,
                Time.LoadNullable(r.first_pulled_at), Time.LoadNullable(r.last_pulled_at), stale, staleSince, late);
        }).ToList();
        return new PullReport(current, versions.TryGetValue(current, out var at) ? at : null, list);
    }
}
