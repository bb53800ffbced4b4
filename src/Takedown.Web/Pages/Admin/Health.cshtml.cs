using Dapper;
using Takedown.Core.Audit;
using Takedown.Core.Storage;

namespace Takedown.Web.Pages.Admin;

/// <summary>The operator's health page: database, schema, audit chain, counts.</summary>
public sealed class HealthModel(IDatabase db, AuditCheckpoints checkpoints) : TakedownPageModel
{
    public string Dialect => db.Dialect;

    public IReadOnlyList<(int Version, string Name)> Schema { get; private set; } = [];

    public AuditVerification Audit { get; private set; } = null!;

    public IReadOnlyList<(string Table, long Rows)> Counts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        Schema = (await c.QueryAsync<(long version, string name)>("SELECT version, name FROM schema_version ORDER BY version"))
            .Select(r => ((int)r.version, r.name)).ToList();
        var counts = new List<(string, long)>();
        foreach (var table in new[] { "organizations", "api_keys", "users", "orders", "order_items", "evidence", "audit_events" })
            counts.Add((table, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}")));
        Counts = counts;
        Audit = await checkpoints.VerifyAsync(null, ct);
    }
}
