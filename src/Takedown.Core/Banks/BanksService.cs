using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Takedown.Core.Audit;
using Takedown.Core.Common;
using Takedown.Core.Matching;
using Takedown.Core.Organizations;
using Takedown.Core.Signals;
using Takedown.Core.Storage;

namespace Takedown.Core.Banks;

/// <summary>
/// Banks, their entries, members' opinions and the incremental feed. The owner adds, disables and
/// re-enables entries (never deletes them); members read, sync and give opinions; anyone else gets 404.
/// </summary>
public sealed partial class BanksService(IDatabase db, SignalKinds kinds, FileSignals files, TextKind texts, TimeProvider clock,
    ILogger<BanksService> log)
{
    public const int MaxFeedPage = 1000;

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex BankName();

    public async Task<Result<BankView>> CreateAsync(Caller caller, CreateBankRequest request, CancellationToken ct)
    {
        if (!caller.IsPlatform && !caller.IsAuthority) return Error.Forbidden("Only platforms and authorities hold hash banks.");
        var v = new Validator();
        if (v.Require("name", request.Name))
        {
            v.MaxLength("name", request.Name, 64);
            if (!BankName().IsMatch(request.Name!)) v.Add("name", "must be UPPER_SNAKE_CASE (A-Z, 0-9 and single underscores, starting with a letter)");
            else if (request.Name == "REVIEWS") v.Add("name", "is reserved (/api/v1/banks/reviews lists owner reviews)");
        }
        var visibility = request.Visibility ?? BankVisibilities.Private;
        ValidateVisibility(v, visibility, request.Members);
        v.MaxLength("description", request.Description, 1000);
        if (!v.IsValid) return v.ToError();

        var result = await db.WriteAsync<BankView>(async (c, tx) =>
        {
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM banks WHERE name = @name", new { name = request.Name }, tx) > 0)
                return Error.Conflict($"A bank named {request.Name} already exists.", "name");
            var members = await CheckMembersAsync(c, tx, request.Members);
            if (!members.IsSuccess) return members.Error!;
            var now = Time.Now(clock);
            var id = Guid.CreateVersion7();
            await c.ExecuteAsync(
                "INSERT INTO banks (id, name, owner_org_id, description, visibility, created_at) VALUES (@id, @name, @owner, @description, @visibility, @now)",
                new { id = id.ToString(), name = request.Name, owner = caller.OrganizationId.ToString(), description = request.Description?.Trim(), visibility, now = Time.Store(now) }, tx);
            await SetMembersAsync(c, tx, id.ToString(), visibility, members.Value);
            await AuditLog.AppendAsync(c, tx, now, caller, "bank.created", subjectId: id,
                data: new { name = request.Name, visibility, members = members.Value });
            return await BankStore.ToViewAsync(c, tx, (await BankStore.FindUsableAsync(c, tx, request.Name!, caller.OrganizationId))!);
        }, ct);
        if (result.IsSuccess) BanksLog.BankCreated(log, result.Value.Id, visibility);
        return result;
    }

    public async Task<Result<BankView>> UpdateAsync(Caller caller, string name, UpdateBankRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Require("visibility", request.Visibility)) ValidateVisibility(v, request.Visibility!, request.Members);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<BankView>(async (c, tx) =>
        {
            var bank = await BankStore.FindUsableAsync(c, tx, name, caller.OrganizationId);
            if (bank is null) return Error.NotFound("bank");
            if (bank.owner_org_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the bank's owner changes who may use it.");
            var members = await CheckMembersAsync(c, tx, request.Members);
            if (!members.IsSuccess) return members.Error!;
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE banks SET visibility = @visibility WHERE id = @id", new { visibility = request.Visibility, bank.id }, tx);
            await SetMembersAsync(c, tx, bank.id, request.Visibility!, members.Value);
            await AuditLog.AppendAsync(c, tx, now, caller, "bank.visibility_changed", subjectId: Guid.Parse(bank.id),
                data: new { from = bank.visibility, to = request.Visibility, members = members.Value });
            return await BankStore.ToViewAsync(c, tx, (await BankStore.FindUsableAsync(c, tx, name, caller.OrganizationId))!);
        }, ct);
    }

    public async Task<IReadOnlyList<BankView>> ListAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var views = new List<BankView>();
        foreach (var row in await BankStore.ListUsableAsync(c, caller.OrganizationId)) views.Add(await BankStore.ToViewAsync(c, null, row));
        return views;
    }

    public async Task<Result<BankView>> GetAsync(Caller caller, string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await BankStore.FindUsableAsync(c, null, name, caller.OrganizationId);
        return row is null ? Error.NotFound("bank") : await BankStore.ToViewAsync(c, null, row);
    }

    public async Task<Result<EntryView>> AddEntryAsync(Caller caller, string bankName, AddEntryRequest request, CancellationToken ct)
    {
        var v = new Validator();
        Signal? signal = null;
        SignalKind? kind = null;
        if (request.Text is not null)
        {
            if (request.SignalType is not null && request.SignalType != texts.Name) v.Add("text", "is only given for signal_type text");
            else if (request.Signal is not null) v.Add("signal", "give either the text or its signature, not both");
            else
            {
                var text = texts.Entry(request.Text);
                if (!text.IsSuccess) return text.Error!;
                (signal, kind) = (text.Value, texts);
            }
        }
        else if (v.OneOf("signal_type", request.SignalType, kinds.Names) && v.Require("signal", request.Signal))
        {
            kind = kinds.Find(request.SignalType)!;
            signal = kind.Parse(request.Signal);
            if (signal is null) v.Add("signal", kind.FormatProblem);
        }
        if (request.Quality is { } q)
        {
            if ((kind ?? kinds.Find(request.SignalType)) is not { HasQuality: true } withQuality) v.Add("quality", $"is only given for {kinds.QualityNames} signals");
            else if (withQuality.QualityProblem(q) is { } problem) v.Add("quality", problem);
        }
        ValidateCommon(v, request.Labels, request.Source);
        if (!v.IsValid) return v.ToError();
        return await AddAsync(caller, bankName, new SignalEntry(signal!, request.Quality), request.Labels, request.Source, request.OrderItemId, "signal", ct);
    }

    /// <summary>
    /// Hashes an uploaded file (the bytes are not kept) and adds the signal of the asked type; without one, the file's
    /// own kind as <see cref="FileSignals"/> recognises it (a video: vpdq; a .txt file: text; anything else: pdq).
    /// </summary>
    public async Task<Result<EntryView>> AddFileEntryAsync(Caller caller, string bankName, AddFileEntryRequest request, ReadOnlyMemory<byte> file, CancellationToken ct)
    {
        var v = new Validator();
        if (request.SignalType is not null) v.OneOf("signal_type", request.SignalType, kinds.FileNames);
        ValidateCommon(v, request.Labels, request.Source);
        if (!v.IsValid) return v.ToError();
        // Existence and ownership first: a stranger's upload is not even decoded.
        await using (var c = await db.OpenAsync(ct))
        {
            var bank = await BankStore.FindUsableAsync(c, null, bankName, caller.OrganizationId);
            if (bank is null) return Error.NotFound("bank");
            if (bank.owner_org_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the bank's owner adds entries.");
        }
        var entry = await files.EntryAsync(kinds.Find(request.SignalType), file, request.FileName, ct);
        if (!entry.IsSuccess) return entry.Error!;
        return await AddAsync(caller, bankName, entry.Value, request.Labels, request.Source, request.OrderItemId, "file", ct);
    }

    private async Task<Result<EntryView>> AddAsync(Caller caller, string bankName, SignalEntry entry,
        EntryLabels? labels, string? source, Guid? orderItemId, string how, CancellationToken ct)
    {
        // Text only here, at the edge to SQL and the audit log.
        var (signalType, signal, quality) = (entry.Signal.Kind.Name, entry.Signal.Text, entry.Quality);
        var result = await db.WriteAsync<EntryView>(async (c, tx) =>
        {
            var bank = await BankStore.FindUsableAsync(c, tx, bankName, caller.OrganizationId);
            if (bank is null) return Error.NotFound("bank");
            if (bank.owner_org_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the bank's owner adds entries.");
            if (orderItemId is { } item && await c.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.id = @item AND (o.authority_id = @org OR o.platform_id = @org)",
                    new { item = item.ToString(), org = caller.OrganizationId.ToString() }, tx) == 0)
                return Error.Invalid("order_item_id", "is not an item of an order your organisation issued or received");
            var existing = await c.QuerySingleOrDefaultAsync<string>(
                "SELECT id FROM bank_entries WHERE bank_id = @bank AND signal_type = @signalType AND signal = @signal",
                new { bank = bank.id, signalType, signal }, tx);
            if (existing is not null) return Error.Conflict($"The bank already holds this signal (entry {existing}).", "signal");
            var now = Time.Now(clock);
            var id = Guid.CreateVersion7();
            await c.ExecuteAsync(
                """
                INSERT INTO bank_entries (id, bank_id, signal_type, signal, quality, entity, behaviour, source, added_by_org_id, added_by_key_id, added_at, order_item_id)
                VALUES (@id, @bank, @signalType, @signal, @quality, @entity, @behaviour, @source, @org, @key, @now, @item)
                """,
                new
                {
                    id = id.ToString(), bank = bank.id, signalType, signal, quality, entity = labels?.Entity?.Trim(), behaviour = labels?.Behaviour,
                    source = source?.Trim(), org = caller.OrganizationId.ToString(), key = caller.KeyId == Guid.Empty ? null : caller.KeyId.ToString(),
                    now = Time.Store(now), item = orderItemId?.ToString(),
                }, tx);
            await BankStore.RecordChangeAsync(c, tx, bank.id, id.ToString(), BankChanges.Added, now);
            await AuditLog.AppendAsync(c, tx, now, caller, "bank.entry_added", subjectId: id,
                data: new { bank = bank.name, signal_type = signalType, signal, quality, added_from = how, order_item_id = orderItemId });
            return BankStore.ToView((await BankStore.FindEntryAsync(c, tx, bank.id, id))!);
        }, ct);
        if (!result.IsSuccess) return result;
        BanksLog.EntryAdded(log, result.Value.Id, signalType);
        return result;
    }

    public async Task<Result<EntryView>> GetEntryAsync(Caller caller, string bankName, Guid entryId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var bank = await BankStore.FindUsableAsync(c, null, bankName, caller.OrganizationId);
        if (bank is null) return Error.NotFound("bank");
        var entry = await BankStore.FindEntryAsync(c, null, bank.id, entryId);
        return entry is null ? Error.NotFound("entry") : BankStore.ToView(entry);
    }

    /// <summary>Disables or re-enables an entry; it is never deleted, so a false positive is reversible and audited.</summary>
    public async Task<Result<EntryView>> SetEnabledAsync(Caller caller, string bankName, Guid entryId, bool enabled, CancellationToken ct)
    {
        return await db.WriteAsync<EntryView>(async (c, tx) =>
        {
            var bank = await BankStore.FindUsableAsync(c, tx, bankName, caller.OrganizationId);
            if (bank is null) return Error.NotFound("bank");
            var entry = await BankStore.FindEntryAsync(c, tx, bank.id, entryId);
            if (entry is null) return Error.NotFound("entry");
            if (bank.owner_org_id != caller.OrganizationId.ToString()) return Error.Forbidden("Only the bank's owner disables and enables entries.");
            if ((entry.enabled == 1) == enabled) return BankStore.ToView(entry);
            var now = Time.Now(clock);
            await c.ExecuteAsync("UPDATE bank_entries SET enabled = @on WHERE seq = @seq", new { on = enabled ? 1 : 0, entry.seq }, tx);
            await BankStore.RecordChangeAsync(c, tx, bank.id, entry.id, enabled ? BankChanges.Enabled : BankChanges.Disabled, now);
            await AuditLog.AppendAsync(c, tx, now, caller, enabled ? "bank.entry_enabled" : "bank.entry_disabled", subjectId: entryId,
                data: new { bank = bank.name });
            return BankStore.ToView((await BankStore.FindEntryAsync(c, tx, bank.id, entryId))!);
        }, ct);
    }

    /// <summary>Records (or replaces) the caller's opinion; the owner's false_positive stops the entry matching until withdrawn.</summary>
    public async Task<Result<EntryView>> RecordOpinionAsync(Caller caller, string bankName, Guid entryId, OpinionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        v.OneOf("opinion", request.Opinion, Opinions.All);
        if (!v.IsValid) return v.ToError();
        return await db.WriteAsync<EntryView>(async (c, tx) =>
        {
            var bank = await BankStore.FindUsableAsync(c, tx, bankName, caller.OrganizationId);
            if (bank is null) return Error.NotFound("bank");
            var entry = await BankStore.FindEntryAsync(c, tx, bank.id, entryId);
            if (entry is null) return Error.NotFound("entry");
            await ApplyOpinionAsync(c, tx, Time.Now(clock), caller, bank, entry, request.Opinion!);
            return BankStore.ToView((await BankStore.FindEntryAsync(c, tx, bank.id, entryId))!);
        }, ct);
    }

    /// <summary>
    /// Records (or replaces) <paramref name="caller"/>'s opinion inside the caller's transaction; the owner's
    /// false_positive stops the entry matching (the match index follows when the transaction commits).
    /// </summary>
    internal static async Task ApplyOpinionAsync(DbConnection c, DbTransaction tx, DateTimeOffset now, Caller caller,
        BankStore.BankRow bank, BankStore.EntryRow entry, string opinion, object? why = null)
    {
        var previous = await c.QuerySingleOrDefaultAsync<string>(
            "SELECT opinion FROM bank_opinions WHERE entry_id = @id AND org_id = @org", new { entry.id, org = caller.OrganizationId.ToString() }, tx);
        await c.ExecuteAsync(
            """
            INSERT INTO bank_opinions (entry_id, org_id, opinion, recorded_at) VALUES (@id, @org, @opinion, @now)
            ON CONFLICT (entry_id, org_id) DO UPDATE SET opinion = excluded.opinion, recorded_at = excluded.recorded_at
            """, new { entry.id, org = caller.OrganizationId.ToString(), opinion, now = Time.Store(now) }, tx);
        await AuditLog.AppendAsync(c, tx, now, caller, "bank.opinion_recorded", subjectId: Guid.Parse(entry.id),
            data: why is null ? new { bank = bank.name, opinion, previous } : new { bank = bank.name, opinion, previous, because = why });
        if (bank.owner_org_id == caller.OrganizationId.ToString())
        {
            var falsePositive = opinion == Opinions.FalsePositive;
            if ((entry.owner_false_positive == 1) != falsePositive)
            {
                await c.ExecuteAsync("UPDATE bank_entries SET owner_false_positive = @fp WHERE seq = @seq", new { fp = falsePositive ? 1 : 0, entry.seq }, tx);
                await BankStore.RecordChangeAsync(c, tx, bank.id, entry.id,
                    falsePositive ? BankChanges.FalsePositive : BankChanges.FalsePositiveWithdrawn, now);
            }
        }
    }

    /// <summary>The bank's changes after <paramref name="after"/> (a cursor from an earlier page; none for the start), oldest first.</summary>
    public async Task<Result<BankFeedPage>> FeedAsync(Caller caller, string bankName, string? after, int limit, CancellationToken ct)
    {
        var v = new Validator();
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from < 0))
            v.Add("after", "is not a cursor from a previous page");
        if (limit is < 1 or > MaxFeedPage) v.Add("limit", $"must be between 1 and {MaxFeedPage}");
        if (!v.IsValid) return v.ToError();
        await using var c = await db.OpenAsync(ct);
        var bank = await BankStore.FindUsableAsync(c, null, bankName, caller.OrganizationId);
        if (bank is null) return Error.NotFound("bank");
        var changes = (await c.QueryAsync<(long change_seq, string entry_id, string change, string at)>(
            "SELECT change_seq, entry_id, change, at FROM bank_changes WHERE bank_id = @bank AND change_seq > @from ORDER BY change_seq LIMIT @take",
            new { bank = bank.id, from, take = limit + 1 })).ToList();
        var hasMore = changes.Count > limit;
        if (hasMore) changes.RemoveAt(limit);
        var entries = (await c.QueryAsync<BankStore.EntryRow>(
                $"SELECT {BankStore.EntryColumns} FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE {Sql.In(c, "e.id", "@ids")}",
                new { ids = changes.Select(x => x.entry_id).Distinct().ToList() }))
            .ToDictionary(e => e.id, BankStore.ToView);
        var data = changes.Select(x => new FeedChange(x.change_seq.ToString(CultureInfo.InvariantCulture), x.change, Time.Load(x.at), entries[x.entry_id])).ToList();
        return new BankFeedPage(data, data.Count > 0 ? data[^1].Cursor : after ?? "0", hasMore);
    }

    private static void ValidateVisibility(Validator v, string visibility, IReadOnlyList<Guid>? members)
    {
        if (!v.OneOf("visibility", visibility, BankVisibilities.All)) return;
        if (visibility == BankVisibilities.Shared && (members is null || members.Count == 0))
            v.Add("members", "is required for a shared bank (the organisations it is shared with)");
        if (visibility != BankVisibilities.Shared && members is { Count: > 0 })
            v.Add("members", "is only given for a shared bank");
        if (members is { Count: > 100 }) v.Add("members", "must list at most 100 organisations");
    }

    private static void ValidateCommon(Validator v, EntryLabels? labels, string? source)
    {
        if (labels is not null)
        {
            v.MaxLength("labels.entity", labels.Entity, 200);
            v.OneOf("labels.behaviour", labels.Behaviour, Behaviours.All, required: false);
        }
        v.MaxLength("source", source, 500);
    }

    private static async Task<Result<List<string>>> CheckMembersAsync(DbConnection c, DbTransaction tx, IReadOnlyList<Guid>? members)
    {
        var ids = (members ?? []).Select(m => m.ToString()).Distinct().ToList();
        if (ids.Count == 0) return ids;
        var known = await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM organizations WHERE {Sql.In(c, "id", "@ids")}", new { ids }, tx);
        return known == ids.Count ? ids : Error.Invalid("members", "names an organisation that does not exist");
    }

    private static async Task SetMembersAsync(DbConnection c, DbTransaction tx, string bankId, string visibility, List<string> members)
    {
        await c.ExecuteAsync("DELETE FROM bank_members WHERE bank_id = @bankId", new { bankId }, tx);
        if (visibility != BankVisibilities.Shared) return;
        foreach (var m in members)
            await c.ExecuteAsync("INSERT INTO bank_members (bank_id, org_id) VALUES (@bankId, @m)", new { bankId, m }, tx);
    }
}

internal static partial class BanksLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Bank {BankId} created ({Visibility})")]
    public static partial void BankCreated(ILogger logger, Guid bankId, string visibility);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Entry {EntryId} added ({SignalType})")]
    public static partial void EntryAdded(ILogger logger, Guid entryId, string signalType);
}
