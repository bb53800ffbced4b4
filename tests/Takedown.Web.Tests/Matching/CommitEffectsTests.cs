using System.Data.Common;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Delivery;
using Takedown.Core.Storage;
using Takedown.Web.Tests.Accountability;
using Takedown.Web.Tests.Blocklist;
using Takedown.Web.Tests.Review;

namespace Takedown.Web.Tests.Matching;

/// <summary>
/// A bank entry changed by any route matches, or stops matching, on the very next match query: the write path announces
/// its bank changes when it commits and the match index catches up before the request is answered. No test here (and no
/// route) refreshes the index by hand. A refused write announces nothing.
/// </summary>
public sealed class CommitEffectsTests : IAsyncLifetime
{
    private const string Own = "PLATFORM_OWN";
    private const string Shared = "AUTHORITY_SHARED";

    private readonly Recorder _recorder = new();
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(b => b.Services.AddSingleton<ICommitObserver>(_recorder));
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
        await _platform.CreateBankAsync(Own);
        await _authority.CreateBankAsync(Shared, "all_members");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<int> MatchesAsync(ApiClient client, string hex) => (await client.MatchPdqAsync(hex))["matches"]!.AsArray().Count;

    private static string EntryPath(string bank, JsonNode entry) => $"/api/v1/banks/{bank}/entries/{entry.Id()}";

    /// <summary>An order to the platform whose item it removed, and the platform's own entry made from that item.</summary>
    private async Task<(JsonNode Order, string Hex)> OwnEntryFromRemovedItemAsync(int seed)
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var hex = BankIntents.RandomHash(seed);
        await _platform.PostOkAsync($"/api/v1/banks/{Own}/entries", new
        {
            signal_type = "pdq", signal = hex, quality = 90, labels = new { entity = "Synthetic Entity", behaviour = "glorification" },
            source = "order", order_item_id = order.ItemId(),
        });
        Assert.Equal(1, await MatchesAsync(_platform, hex));
        return (order, hex);
    }

    [Fact]
    public async Task AddedEntry_BySignalOrByFile_MatchesOnTheNextQuery()
    {
        var hex = BankIntents.RandomHash(501);
        Assert.Equal(0, await MatchesAsync(_platform, hex));
        await _platform.AddPdqAsync(Own, hex);
        Assert.Equal(1, await MatchesAsync(_platform, hex));

        var picture = TestImages.ScenePng(502);
        var upload = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/match", picture));
        Assert.Empty(upload["matches"]!.AsArray());
        await ApiClient.ReadOkAsync(await _platform.UploadAsync($"/api/v1/banks/{Own}/entries", picture, "scene.png", ("behaviour", "glorification")));
        upload = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/match", picture));
        Assert.Single(upload["matches"]!.AsArray());
    }

    [Fact]
    public async Task DisabledEntry_StopsMatching_AndReEnabled_MatchesAgain()
    {
        var hex = BankIntents.RandomHash(511);
        var entry = await _platform.AddPdqAsync(Own, hex);
        await _platform.PostOkAsync(EntryPath(Own, entry) + "/disable");
        Assert.Equal(0, await MatchesAsync(_platform, hex));
        await _platform.PostOkAsync(EntryPath(Own, entry) + "/enable");
        Assert.Equal(1, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task OwnersFalsePositive_StopsMatching_AndItsWithdrawal_MatchesAgain()
    {
        var hex = BankIntents.RandomHash(521);
        var entry = await _platform.AddPdqAsync(Own, hex);
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, EntryPath(Own, entry) + "/opinion", new { opinion = "false_positive" }));
        Assert.Equal(0, await MatchesAsync(_platform, hex));
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, EntryPath(Own, entry) + "/opinion", new { opinion = "agree" }));
        Assert.Equal(1, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task ComplaintReinstatement_StopsTheOwnEntryMatching()
    {
        var (order, hex) = await OwnEntryFromRemovedItemAsync(531);
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        await _platform.DecideAsync(complaint, "reinstated");
        Assert.Equal(0, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task CourtReinstatement_StopsTheOwnEntryMatching()
    {
        var (order, hex) = await OwnEntryFromRemovedItemAsync(541);
        await _platform.PostOkAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/reinstatement",
            new { reason = "court", court = "Tribunal judiciaire de Paris", court_reference = "RG 26/05410" });
        Assert.Equal(0, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task ScrutinyFindingInfringement_OpensTheOwnersReview_WhoseDisableStopsTheEntryMatching()
    {
        var irish = await _app.CreateOrganizationAsync("authority", "Garda-" + Guid.NewGuid().ToString("N")[..8], "IE");
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile", new
        {
            contact_point = new { name = "Duty desk", email = "abuse@forum.example" }, member_state = "IE",
        }));
        var (order, hex) = await OwnEntryFromRemovedItemAsync(551);
        var scrutiny = await _platform.PostOkAsync($"/api/v1/orders/{order.Id()}/scrutiny",
            new { reasons = "The post is reporting on the attack, not praising it.", requested_by = "uploader" });
        await irish.PostOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "Journalistic reporting." });
        // The authority records nothing in the platform's bank: the platform reviews its entry, and its decision applies at once.
        Assert.Equal(1, await MatchesAsync(_platform, hex));
        var review = Assert.Single((await _platform.GetOkAsync("/api/v1/banks/reviews"))["data"]!.AsArray())!;
        await _platform.PostOkAsync($"/api/v1/banks/reviews/{review.Id()}/decision", new { decision = "disable", reasons = "Scrutiny found it infringes." });
        Assert.Equal(0, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task ReviewDismissedAsFalsePositive_StopsTheEntryMatching()
    {
        var hex = BankIntents.RandomHash(561);
        await _platform.AddPdqAsync(Own, hex);
        var check = await _platform.CheckPdqCreatedAsync("content-561", hex);
        await _platform.DismissAsync(check, new { false_positive = true, note = "A news photo." });
        Assert.Equal(0, await MatchesAsync(_platform, hex));
    }

    [Fact]
    public async Task OwnerReviewDecidedDisable_StopsTheEntryMatchingForEveryone()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var hex = BankIntents.RandomHash(571);
        await _authority.PostOkAsync($"/api/v1/banks/{Shared}/entries", new
        {
            signal_type = "pdq", signal = hex, quality = 90, labels = new { entity = "Synthetic Entity", behaviour = "glorification" },
            source = "order", order_item_id = order.ItemId(),
        });
        await _platform.PostOkAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/reinstatement",
            new { reason = "court", court = "Tribunal judiciaire de Paris", court_reference = "RG 26/05710" });
        Assert.Equal(1, await MatchesAsync(_authority, hex));
        var review = Assert.Single((await _authority.GetOkAsync("/api/v1/banks/reviews"))["data"]!.AsArray())!;
        await _authority.PostOkAsync($"/api/v1/banks/reviews/{review.Id()}/decision", new { decision = "disable", reasons = "The judgment convinces us." });
        Assert.Equal(0, await MatchesAsync(_authority, hex));
    }

    /// <summary>
    /// The same write, through the service's own store: disable an entry (as the bank code does) and enqueue an event. Refused,
    /// it rolls back and announces nothing, also when it shares a group commit with a write that is kept; kept, it is announced
    /// once, and the entry stops matching before the write returns.
    /// </summary>
    [Fact]
    public async Task RefusedWrite_AnnouncesNothing_AndTheKeptOneIsAnnouncedOnce()
    {
        var db = _app.App.Services.GetRequiredService<IDatabase>();
        var signal = _app.App.Services.GetRequiredService<OutboxSignal>();
        var hex = BankIntents.RandomHash(581);
        var entry = await _platform.AddPdqAsync(Own, hex);
        var other = await _platform.AddPdqAsync(Own, BankIntents.RandomHash(582));
        _recorder.Clear();

        // Disables the entry as the bank code does, and enqueues an event for the platform.
        async Task DisableAsync(DbConnection c, DbTransaction tx, JsonNode e)
        {
            var bankId = await c.ExecuteScalarAsync<string>("SELECT bank_id FROM bank_entries WHERE id = @id", new { id = e.Id() }, tx);
            await c.ExecuteAsync("UPDATE bank_entries SET enabled = 0 WHERE id = @id", new { id = e.Id() }, tx);
            await BankStore.RecordChangeAsync(c, tx, bankId!, e.Id(), BankChanges.Disabled, _app.Clock.GetUtcNow());
            await Outbox.EnqueueAsync(c, tx, _app.Clock.GetUtcNow(), _platform.Id, EventTypes.WebhookRecovered, new { test = true });
        }
        Task<Result<bool>> Write(JsonNode e, bool keep) => db.WriteAsync<bool>(async (c, tx) =>
        {
            await DisableAsync(c, tx, e);
            return keep ? true : Error.Conflict("Refused after writing.");
        }, CancellationToken.None);

        var woken = signal.NextForAsync(_platform.Id);
        Assert.False((await Write(entry, keep: false)).IsSuccess);
        Assert.False(woken.IsCompleted);
        Assert.Empty(_recorder.Seen);
        Assert.Equal(1, await MatchesAsync(_platform, hex));

        // Refused and kept writes committing together (on SQLite, one group commit): only the kept one is announced.
        var results = await Task.WhenAll(Write(entry, keep: false), Write(other, keep: true), Write(entry, keep: false));
        Assert.Equal([false, true, false], results.Select(r => r.IsSuccess));
        Assert.True(woken.IsCompleted);
        var seen = Assert.Single(_recorder.Seen);
        Assert.Single(seen.OfType<BankEntriesChanged>());
        Assert.Equal([_platform.Id], seen.OfType<OutboxEnqueued>().Select(o => o.Org));
        Assert.Equal(1, await MatchesAsync(_platform, hex));

        woken = signal.NextForAsync(_platform.Id);
        Assert.True((await Write(entry, keep: true)).IsSuccess);
        Assert.True(woken.IsCompleted);
        Assert.Equal(2, _recorder.Seen.Count);
        Assert.Equal(0, await MatchesAsync(_platform, hex));
    }

    private sealed class Recorder : ICommitObserver
    {
        private readonly List<CommitEffects> _seen = [];

        public IReadOnlyList<CommitEffects> Seen
        {
            get { lock (_seen) return _seen.ToList(); }
        }

        public void Clear()
        {
            lock (_seen) _seen.Clear();
        }

        public Task CommittedAsync(CommitEffects effects)
        {
            lock (_seen) _seen.Add(effects);
            return Task.CompletedTask;
        }
    }
}
