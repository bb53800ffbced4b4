using Takedown.Core.Storage;
using System.Data.Common;
using Dapper;
using Takedown.Core.Common;

namespace Takedown.Core.Banks;

/// <summary>The SQL of banks and entries, shared by the bank and match use cases.</summary>
internal static class BankStore
{
    /// <summary>The banks the organisation @org may use (read, sync, match): tenancy inside every query.</summary>
    public const string UsableBy = """
        (b.owner_org_id = @org OR b.visibility = 'all_members'
         OR (b.visibility = 'shared' AND EXISTS (SELECT 1 FROM bank_members m WHERE m.bank_id = b.id AND m.org_id = @org)))
        """;

    /// <summary>The entry e is not suppressed for @org (content @org reinstated; its owner reviews the entry).</summary>
    public const string NotSuppressedFor =
        "NOT EXISTS (SELECT 1 FROM bank_entry_suppressions s WHERE s.entry_id = e.id AND s.org_id = @org)";

    public const string EntryColumns = """
        e.seq, e.id, b.name AS bank, e.signal_type, e.signal, e.quality, e.entity, e.behaviour, e.source, e.added_by_org_id,
        e.added_at, e.order_item_id, e.enabled, e.owner_false_positive,
        (SELECT COUNT(*) FROM bank_opinions o WHERE o.entry_id = e.id AND o.opinion = 'agree') AS agree,
        (SELECT COUNT(*) FROM bank_opinions o WHERE o.entry_id = e.id AND o.opinion = 'disagree') AS disagree,
        (SELECT COUNT(*) FROM bank_opinions o WHERE o.entry_id = e.id AND o.opinion = 'false_positive') AS false_positive
        """;

    // Classes with setters rather than positional records: SQLite reports no column type for
    // computed columns (the COUNT subqueries), which Dapper's constructor matching cannot bind.
    internal sealed class BankRow
    {
        public string id { get; init; } = "";
        public string name { get; init; } = "";
        public string owner_org_id { get; init; } = "";
        public string? description { get; init; }
        public string visibility { get; init; } = "";
        public string created_at { get; init; } = "";
        public long entries { get; init; }
        public long enabled_entries { get; init; }
    }

    internal sealed class EntryRow
    {
        public long seq { get; init; }
        public string id { get; init; } = "";
        public string bank { get; init; } = "";
        public string signal_type { get; init; } = "";
        public string signal { get; init; } = "";
        public long? quality { get; init; }
        public string? entity { get; init; }
        public string? behaviour { get; init; }
        public string? source { get; init; }
        public string added_by_org_id { get; init; } = "";
        public string added_at { get; init; } = "";
        public string? order_item_id { get; init; }
        public long enabled { get; init; }
        public long owner_false_positive { get; init; }
        public long agree { get; init; }
        public long disagree { get; init; }
        public long false_positive { get; init; }
    }

    private const string BankColumns = """
        b.id, b.name, b.owner_org_id, b.description, b.visibility, b.created_at,
        (SELECT COUNT(*) FROM bank_entries e WHERE e.bank_id = b.id) AS entries,
        (SELECT COUNT(*) FROM bank_entries e WHERE e.bank_id = b.id AND e.enabled = 1) AS enabled_entries
        """;

    public static Task<BankRow?> FindUsableAsync(DbConnection c, DbTransaction? tx, string name, Guid org) =>
        c.QuerySingleOrDefaultAsync<BankRow>(
            $"SELECT {BankColumns} FROM banks b WHERE b.name = @name AND {UsableBy}", new { name, org = org.ToString() }, tx);

    public static async Task<IReadOnlyList<BankRow>> ListUsableAsync(DbConnection c, Guid org) =>
        (await c.QueryAsync<BankRow>($"SELECT {BankColumns} FROM banks b WHERE {UsableBy} ORDER BY b.name", new { org = org.ToString() })).ToList();

    /// <summary>Every entry, in any bank, that names this order item as its origin, with its bank.</summary>
    public static async Task<List<(BankRow Bank, EntryRow Entry)>> EntriesFromItemAsync(DbConnection c, DbTransaction tx, string itemId)
    {
        var entries = (await c.QueryAsync<EntryRow>(
            $"SELECT {EntryColumns} FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE e.order_item_id = @itemId ORDER BY e.seq",
            new { itemId }, tx)).ToList();
        var result = new List<(BankRow, EntryRow)>();
        foreach (var entry in entries)
        {
            var bank = await c.QuerySingleAsync<BankRow>($"SELECT {BankColumns} FROM banks b WHERE b.name = @name", new { name = entry.bank }, tx);
            result.Add((bank, entry));
        }
        return result;
    }

    public static async Task<BankView> ToViewAsync(DbConnection c, DbTransaction? tx, BankRow row)
    {
        var members = (await c.QueryAsync<string>("SELECT org_id FROM bank_members WHERE bank_id = @id ORDER BY org_id", new { row.id }, tx))
            .Select(Guid.Parse).ToList();
        return new BankView(Guid.Parse(row.id), row.name, Guid.Parse(row.owner_org_id), row.visibility, members, row.description,
            Time.Load(row.created_at), row.entries, row.enabled_entries);
    }

    public static Task<EntryRow?> FindEntryAsync(DbConnection c, DbTransaction? tx, string bankId, Guid entryId) =>
        c.QuerySingleOrDefaultAsync<EntryRow>(
            $"SELECT {EntryColumns} FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE e.bank_id = @bank AND e.id = @id",
            new { bank = bankId, id = entryId.ToString() }, tx);

    public static EntryView ToView(EntryRow r) => new(
        Guid.Parse(r.id), r.bank, r.signal_type, r.signal, r.quality is null ? null : (int)r.quality, new EntryLabels(r.entity, r.behaviour),
        r.source, Guid.Parse(r.added_by_org_id), Time.Load(r.added_at), r.order_item_id is null ? null : Guid.Parse(r.order_item_id),
        r.enabled == 1 ? "enabled" : "disabled", r.enabled == 1 && r.owner_false_positive == 0,
        new OpinionCounts(r.agree, r.disagree, r.false_positive));

    /// <summary>Appends to the bank's change feed; readers page by change_seq, so it is drawn in commit order.</summary>
    public static async Task RecordChangeAsync(DbConnection c, DbTransaction tx, string bankId, string entryId, string change, DateTimeOffset at)
    {
        await Sql.LockSequencedWritesAsync(c, tx);
        await c.ExecuteAsync("INSERT INTO bank_changes (bank_id, entry_id, change, at) VALUES (@bankId, @entryId, @change, @at)",
            new { bankId, entryId, change, at = Time.Store(at) }, tx);
        // This node's match index catches up once this commits (before the caller is answered); other nodes when notified.
        CommitEffects.Raise(BankEntriesChanged.Fact);
        await ChangeNotifications.NotifyAsync(c, tx);
    }
}

/// <summary>The fact, raised inside a write, that it recorded bank changes (which ones is in bank_changes, by sequence).</summary>
public sealed record BankEntriesChanged
{
    public static readonly BankEntriesChanged Fact = new();

    private BankEntriesChanged() { }
}
