using System.Text.Json;
using Dapper;
using Takedown.Core.Storage;

namespace Takedown.Core.Organizations;

/// <summary>
/// Everything one organisation may see, as JSON lines ({"table": …, "row": {…}}): its own record and
/// keys (without their hashes), its profile, the orders it sent or received (never another authority's
/// held orders), their items and the timeline events it may read, and the other records it is party to.
/// For handing an organisation its data, or moving it to another deployment.
/// </summary>
public static class OrganizationExport
{
    public static async Task<long> WriteAsync(IDatabase db, Guid orgId, TextWriter output, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var org = orgId.ToString();
        var tables = await TablesAsync(c);
        var queries = new List<(string Table, string Sql)>
        {
            ("organizations", "SELECT * FROM organizations WHERE id = @org"),
            ("api_keys", "SELECT id, org_id, name, prefix, created_at, revoked_at FROM api_keys WHERE org_id = @org"),
            ("platform_profiles", "SELECT * FROM platform_profiles WHERE org_id = @org"),
            ("orders", "SELECT * FROM orders o WHERE o.authority_id = @org OR (o.platform_id = @org AND o.received_at IS NOT NULL) ORDER BY id"),
            ("order_items", "SELECT i.* FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.authority_id = @org OR (o.platform_id = @org AND o.received_at IS NOT NULL) ORDER BY i.id"),
            ("audit_events", """
                SELECT e.* FROM audit_events e LEFT JOIN orders o ON o.id = e.order_id
                WHERE e.actor_org_id = @org OR o.authority_id = @org OR (o.platform_id = @org AND o.received_at IS NOT NULL AND e.platform_visible = 1)
                ORDER BY e.seq
                """),
            ("deconfliction_entries", "SELECT * FROM deconfliction_entries WHERE authority_id = @org ORDER BY id"),
        };
        if (tables.Contains("data_requests"))
            queries.Add(("data_requests", "SELECT * FROM data_requests WHERE authority_id = @org OR platform_id = @org ORDER BY id"));
        if (tables.Contains("blocklist_listings"))
            queries.Add(("blocklist_listings", "SELECT * FROM blocklist_listings WHERE authority_id = @org ORDER BY id"));
        long lines = 0;
        foreach (var (table, sql) in queries)
        {
            foreach (IDictionary<string, object?> row in await c.QueryAsync(sql, new { org }))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new { table, row }));
                lines++;
            }
        }
        return lines;
    }

    private static async Task<HashSet<string>> TablesAsync(System.Data.Common.DbConnection c)
    {
        var sql = c is Npgsql.NpgsqlConnection
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table'";
        return (await c.QueryAsync<string>(sql)).ToHashSet(StringComparer.Ordinal);
    }
}
