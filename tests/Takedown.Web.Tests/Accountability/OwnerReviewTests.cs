using System.Globalization;
using Microsoft.AspNetCore.TestHost;
using Takedown.Web.Tests.Blocklist;
using Takedown.Web.Tests.Review;

namespace Takedown.Web.Tests.Accountability;

/// <summary>
/// Nothing is recorded in another organisation's name: a platform's reinstatement stops the authority's bank entry matching
/// for that platform alone, and only the authority's own decision (an owner review) changes the entry for everyone.
/// </summary>
public sealed class OwnerReviewTests : IAsyncLifetime
{
    private const string Bank = "AUTHORITY_BANK";

    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;
    private ApiClient _other = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
        _other = await _app.PlatformAsync();
        await _authority.CreateBankAsync(Bank, "all_members");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Court(string court = "Tribunal judiciaire de Paris", string reference = "RG 26/01234") =>
        new { reason = "court", court, court_reference = reference, explanation = "The court found the video to be news reporting." };

    private static string ReinstatementOf(JsonNode order) => $"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/reinstatement";

    /// <summary>An order to the platform whose item was removed, and the authority's bank entry made from it (a synthetic picture uploaded).</summary>
    private async Task<(JsonNode Order, JsonNode Entry, byte[] Picture)> BankedRemovalAsync(int seed)
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var picture = TestImages.ScenePng(seed);
        var entry = await ApiClient.ReadOkAsync(await _authority.UploadAsync($"/api/v1/banks/{Bank}/entries", picture, "scene.png",
            ("order_item_id", order.ItemId()), ("behaviour", "glorification"), ("entity", "Synthetic Entity")));
        Assert.Single((await _platform.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        Assert.Single((await _other.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        return (order, entry, picture);
    }

    private async Task<JsonNode> OnlyReviewAsync(JsonNode entry)
    {
        var reviews = (await _authority.GetOkAsync("/api/v1/banks/reviews"))["data"]!.AsArray();
        return Assert.Single(reviews, r => r!.S("entry_id") == entry.Id())!;
    }

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await _app.ScalarSqlAsync(sql), CultureInfo.InvariantCulture);

    private static async Task<JsonArray> MatchesOfUploadAsync(ApiClient client, byte[] picture) =>
        (await ApiClient.ReadOkAsync(await client.UploadAsync("/api/v1/match", picture, "upload.png")))["matches"]!.AsArray();

    private async Task AssertSuppressedForThePlatformOnlyAsync(JsonNode entry, byte[] picture, string contentId)
    {
        var hex = entry.S("signal");
        // The reinstating platform: match API, batch match, upload and review check all come back empty.
        Assert.Empty((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        var batch = await _platform.PostOkAsync("/api/v1/match/batch", new { signals = new[] { new { signal_type = "pdq", signal = hex } } });
        Assert.Empty(batch["results"]![0]!["matches"]!.AsArray());
        Assert.Empty(await MatchesOfUploadAsync(_platform, picture));
        var check = await ApiClient.ReadOkAsync(await _platform.CheckPdqAsync(contentId, hex));
        Assert.Equal("allow", check.S("decision"));
        Assert.Empty(check["matches"]!.AsArray());

        // Any other platform still matches it, through every path.
        Assert.Equal(entry.Id(), Assert.Single((await _other.MatchPdqAsync(hex))["matches"]!.AsArray())!.S("entry_id"));
        var otherBatch = await _other.PostOkAsync("/api/v1/match/batch", new { signals = new[] { new { signal_type = "pdq", signal = hex } } });
        Assert.Single(otherBatch["results"]![0]!["matches"]!.AsArray());
        Assert.Contains(await MatchesOfUploadAsync(_other, picture), m => m!.S("entry_id") == entry.Id());
        var otherCheck = await _other.CheckPdqCreatedAsync(contentId, hex);
        Assert.Equal(entry.Id(), Assert.Single(otherCheck["matches"]!.AsArray())!.S("entry_id"));

        // The entry itself is untouched: enabled, matchable, no false_positive in anyone's name.
        var stored = await _authority.GetOkAsync($"/api/v1/banks/{Bank}/entries/{entry.Id()}");
        Assert.True(stored["matchable"]!.GetValue<bool>());
        Assert.Equal("enabled", stored.S("status"));
        Assert.Equal(0, stored["opinions"]!["false_positive"]!.GetValue<int>());
    }

    /// <summary>No audit event names the authority as the actor of an opinion or a disabling it did not make.</summary>
    private async Task AssertNothingInTheAuthoritysNameAsync() =>
        Assert.Equal(0L, await CountAsync(
            $"SELECT COUNT(*) FROM audit_events WHERE actor_org_id = '{_authority.Id}' AND type IN ('bank.opinion_recorded', 'bank.entry_disabled', 'bank.entry_labels_changed', 'bank.owner_review_decided')"));

    [Fact]
    public async Task PlatformsCourtReinstatement_StopsTheAuthoritysEntryForThePlatformOnly_AndOpensAnOwnerReviewDueIn7Days()
    {
        var (order, entry, picture) = await BankedRemovalAsync(41);
        var cursor = (await _authority.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();
        _app.Clock.Advance(TimeSpan.FromDays(10));
        var recorded = await _platform.PostOkAsync(ReinstatementOf(order), Court());
        Assert.Equal(0, recorded["bank_entries"]!.GetValue<int>());
        Assert.Equal(1, recorded["owner_reviews"]!.GetValue<int>());

        await AssertSuppressedForThePlatformOnlyAsync(entry, picture, "upload-41");

        // The owner's review: due 7 days later, naming the platform, the court and its reference.
        var review = await OnlyReviewAsync(entry);
        Assert.Equal("open", review.S("status"));
        Assert.Equal(TestApp.Start.AddDays(10), review["opened_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(TestApp.Start.AddDays(17), review["due_at"]!.GetValue<DateTimeOffset>());
        Assert.False(review["overdue"]!.GetValue<bool>());
        Assert.Equal(_platform.Id.ToString(), review.S("platform_id"));
        Assert.Equal(_platform.Id.ToString(), review.S("recorded_by"));
        Assert.Equal("court", review.S("cause"));
        Assert.Equal(recorded.Id(), review.S("cause_id"));
        Assert.Equal("Tribunal judiciaire de Paris", review.S("court"));
        Assert.Equal("RG 26/01234", review.S("court_reference"));
        Assert.Equal(Bank, review.S("bank"));
        Assert.True(review["suppressed_for_platform"]!.GetValue<bool>());

        // The owner is told.
        var feed = (await _authority.GetOkAsync($"/api/v1/events?after={cursor}"))["data"]!.AsArray();
        var told = Assert.Single(feed, e => e!.S("type") == "bank.owner_review_opened")!;
        Assert.Equal(review.Id(), told["data"]!.Id());

        // The audit names the platform as the actor of each step, and never the authority.
        foreach (var type in new[] { "reinstatement.court_recorded", "order.item_reinstated", "bank.owner_review_opened" })
            Assert.Equal(_platform.Id.ToString(), (string?)await _app.ScalarSqlAsync($"SELECT actor_org_id FROM audit_events WHERE type = '{type}'"));
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM audit_events WHERE type IN ('bank.opinion_recorded', 'bank.entry_disabled')"));
        await AssertNothingInTheAuthoritysNameAsync();

        // Past its due date the review is shown overdue.
        _app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.True((await _authority.GetOkAsync($"/api/v1/banks/reviews/{review.Id()}"))["overdue"]!.GetValue<bool>());
        Assert.Contains((await _authority.GetOkAsync("/api/v1/banks/reviews?status=overdue"))["data"]!.AsArray(), r => r!.Id() == review.Id());
    }

    [Fact]
    public async Task OnlyTheOwner_SeesAndDecidesItsReview_AndItsDisableStopsMatchingForEveryone()
    {
        var (order, entry, _) = await BankedRemovalAsync(42);
        await _platform.PostOkAsync(ReinstatementOf(order), Court());
        var review = await OnlyReviewAsync(entry);
        var decision = $"/api/v1/banks/reviews/{review.Id()}/decision";
        var disable = new { decision = "disable", reasons = "The court's judgment convinces us." };

        // The reinstating platform and any other organisation: 404, nothing listed, nothing changed.
        foreach (var outsider in new[] { _platform, _other, await _app.AuthorityAsync() })
        {
            await Problem.AssertAsync(await outsider.GetAsync($"/api/v1/banks/reviews/{review.Id()}"), 404);
            await Problem.AssertAsync(await outsider.PostAsync(decision, disable), 404);
            Assert.Empty((await outsider.GetOkAsync("/api/v1/banks/reviews"))["data"]!.AsArray());
        }
        Assert.Single((await _other.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        await AssertNothingInTheAuthoritysNameAsync();

        // Bad decisions name the field.
        await Problem.AssertAsync(await _authority.PostAsync(decision, new { decision = "maybe", reasons = "x" }), 400, "decision");
        await Problem.AssertAsync(await _authority.PostAsync(decision, new { decision = "disable" }), 400, "reasons");
        await Problem.AssertAsync(await _authority.PostAsync(decision, new { decision = "narrow", reasons = "x" }), 400, "labels");
        await Problem.AssertAsync(await _authority.PostAsync(decision, new { decision = "keep", reasons = "x", labels = new { entity = "Y" } }), 400, "labels");
        await Problem.AssertAsync(await _authority.PostAsync(decision,
            new { decision = "narrow", reasons = "x", labels = new { behaviour = "cooking" } }), 400, "labels.behaviour");

        // The owner's own decision disables the entry for everyone, audited as the owner.
        var decided = await _authority.PostOkAsync(decision, disable);
        Assert.Equal("decided", decided.S("status"));
        Assert.Equal("disable", decided.S("decision"));
        Assert.False(decided["late"]!.GetValue<bool>());
        Assert.Equal("disabled", decided["entry"]!.S("status"));
        Assert.Empty((await _other.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        Assert.Empty((await _authority.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        Assert.Equal(_authority.Id.ToString(),
            (string?)await _app.ScalarSqlAsync($"SELECT actor_org_id FROM audit_events WHERE type = 'bank.entry_disabled' AND subject_id = '{entry.Id()}'"));
        Assert.Equal(_authority.Id.ToString(),
            (string?)await _app.ScalarSqlAsync($"SELECT actor_org_id FROM audit_events WHERE type = 'bank.owner_review_decided' AND subject_id = '{review.Id()}'"));

        // Decided once.
        await Problem.AssertAsync(await _authority.PostAsync(decision, new { decision = "keep", reasons = "Changed our mind." }), 409, "decision");
        Assert.Contains((await _authority.GetOkAsync("/api/v1/banks/reviews?status=decided"))["data"]!.AsArray(), r => r!.Id() == review.Id());
        Assert.DoesNotContain((await _authority.GetOkAsync("/api/v1/banks/reviews?status=open"))["data"]!.AsArray(), r => r!.Id() == review.Id());
    }

    [Fact]
    public async Task Keep_LeavesTheEntryMatchingForOthers_AndNarrow_ReplacesItsLabels()
    {
        var (kept, keptEntry, _) = await BankedRemovalAsync(43);
        var (narrowed, narrowedEntry, _) = await BankedRemovalAsync(44);
        await _platform.PostOkAsync(ReinstatementOf(kept), Court(reference: "RG 26/1"));
        await _platform.PostOkAsync(ReinstatementOf(narrowed), Court(reference: "RG 26/2"));

        // A late decision is accepted and marked late.
        _app.Clock.Advance(TimeSpan.FromDays(8));
        var keep = await _authority.PostOkAsync($"/api/v1/banks/reviews/{(await OnlyReviewAsync(keptEntry)).Id()}/decision",
            new { decision = "keep", reasons = "Other footage of the same video is still propaganda." });
        Assert.True(keep["late"]!.GetValue<bool>());
        Assert.Single((await _other.MatchPdqAsync(keptEntry.S("signal")))["matches"]!.AsArray());
        Assert.Empty((await _platform.MatchPdqAsync(keptEntry.S("signal")))["matches"]!.AsArray());

        var narrow = await _authority.PostOkAsync($"/api/v1/banks/reviews/{(await OnlyReviewAsync(narrowedEntry)).Id()}/decision",
            new { decision = "narrow", reasons = "Only the recruitment sequence.", labels = new { entity = "Synthetic Entity", behaviour = "radicalisation_recruitment_instruction" } });
        Assert.Equal("narrow", narrow.S("decision"));
        var match = Assert.Single((await _other.MatchPdqAsync(narrowedEntry.S("signal")))["matches"]!.AsArray())!;
        Assert.Equal("radicalisation_recruitment_instruction", match["labels"]!.S("behaviour"));
        Assert.Empty((await _platform.MatchPdqAsync(narrowedEntry.S("signal")))["matches"]!.AsArray());
        Assert.Equal(1L, await CountAsync($"SELECT COUNT(*) FROM audit_events WHERE type = 'bank.entry_labels_changed' AND actor_org_id = '{_authority.Id}'"));
    }

    [Fact]
    public async Task ComplaintReinstatement_BehavesAlike()
    {
        var (order, entry, picture) = await BankedRemovalAsync(45);
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        await _platform.DecideAsync(complaint, "reinstated");

        await AssertSuppressedForThePlatformOnlyAsync(entry, picture, "upload-45");
        var review = await OnlyReviewAsync(entry);
        Assert.Equal("complaint", review.S("cause"));
        Assert.Equal(complaint.Id(), review.S("cause_id"));
        Assert.Null(review["court"]);
        Assert.Equal(TestApp.Start.AddDays(7), review["due_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(_platform.Id.ToString(), (string?)await _app.ScalarSqlAsync("SELECT actor_org_id FROM audit_events WHERE type = 'order.item_reinstated'"));
        await AssertNothingInTheAuthoritysNameAsync();
    }

    [Fact]
    public async Task ScrutinyReinstatement_BehavesAlike_NamingTheDecidingAuthority()
    {
        var irish = await _app.CreateOrganizationAsync("authority", "Garda-" + Guid.NewGuid().ToString("N")[..8], "IE");
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile", new
        {
            contact_point = new { name = "Duty desk", email = "abuse@forum.example" }, member_state = "IE",
        }));
        var (order, entry, picture) = await BankedRemovalAsync(46);
        var scrutiny = await _platform.PostOkAsync($"/api/v1/orders/{order.Id()}/scrutiny", new { reasons = "Reporting, not praise.", requested_by = "uploader" });
        await irish.PostOkAsync($"/api/v1/scrutiny/{scrutiny.Id()}/decision", new { outcome = "infringes", reasons = "Journalistic reporting (Art. 1(3))." });

        await AssertSuppressedForThePlatformOnlyAsync(entry, picture, "upload-46");
        var review = await OnlyReviewAsync(entry);
        Assert.Equal("scrutiny", review.S("cause"));
        Assert.Equal(_platform.Id.ToString(), review.S("platform_id"));
        Assert.Equal(irish.Id.ToString(), review.S("recorded_by"));
        Assert.Equal(irish.Id.ToString(), (string?)await _app.ScalarSqlAsync("SELECT actor_org_id FROM audit_events WHERE type = 'bank.owner_review_opened'"));
        await AssertNothingInTheAuthoritysNameAsync();
    }

    [Fact]
    public async Task PlatformsOwnEntry_StopsMatchingForEveryone_AsItsOwnAct()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        await _platform.CreateBankAsync("PLATFORM_OWN", "all_members");
        var hex = BankIntents.RandomHash(4711);
        var entry = await _platform.PostOkAsync("/api/v1/banks/PLATFORM_OWN/entries",
            new { signal_type = "pdq", signal = hex, quality = 90, order_item_id = order.ItemId() });
        var recorded = await _platform.PostOkAsync(ReinstatementOf(order), Court());
        Assert.Equal(1, recorded["bank_entries"]!.GetValue<int>());
        Assert.Equal(0, recorded["owner_reviews"]!.GetValue<int>());
        Assert.Empty((await _other.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Equal(1, (await _platform.GetOkAsync($"/api/v1/banks/PLATFORM_OWN/entries/{entry.Id()}"))["opinions"]!["false_positive"]!.GetValue<int>());
        Assert.Equal(_platform.Id.ToString(), (string?)await _app.ScalarSqlAsync("SELECT actor_org_id FROM audit_events WHERE type = 'bank.opinion_recorded'"));
        Assert.NotNull(await _app.ScalarSqlAsync("SELECT actor_key_id FROM audit_events WHERE type = 'bank.opinion_recorded'"));
        Assert.Equal(0L, await CountAsync("SELECT COUNT(*) FROM bank_owner_reviews"));
    }

    [Fact]
    public async Task CourtReinstatement_NeedsTheCourtAndItsReference()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        await Problem.AssertAsync(await _platform.PostAsync(ReinstatementOf(order), new { reason = "court", court_reference = "RG 26/1" }), 400, "court");
        await Problem.AssertAsync(await _platform.PostAsync(ReinstatementOf(order), new { reason = "court", court = "  ", court_reference = "RG 26/1" }), 400, "court");
        await Problem.AssertAsync(await _platform.PostAsync(ReinstatementOf(order), new { reason = "court", court = "Tribunal" }), 400, "court_reference");
        await Problem.AssertAsync(await _platform.PostAsync(ReinstatementOf(order), new { reason = "court", court = new string('x', 301), court_reference = "RG" }), 400, "court");
        Assert.Equal("removed", (await _platform.GetOkAsync($"/api/v1/orders/{order.Id()}"))["items"]![0]!.S("status"));
    }

    [Fact]
    public async Task IssuingAuthority_ContestsACourtReinstatement_ItIsRecordedAndShown_AndTheItemStaysReinstated()
    {
        var (order, entry, _) = await BankedRemovalAsync(47);
        var path = ReinstatementOf(order);
        await Problem.AssertAsync(await _authority.PostAsync(path + "/contest", new { reasons = "Nothing to contest yet." }), 404);
        var recorded = await ApiClient.ReadOkAsync(await _platform.PostAsync(path, Court()));
        var cursor = (await _platform.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();
        _app.Clock.Advance(TimeSpan.FromDays(2));

        // Only the issuing authority contests; strangers do not see the reinstatement at all.
        await Problem.AssertAsync(await _platform.PostAsync(path + "/contest", new { reasons = "We contest our own record." }), 403);
        await Problem.AssertAsync(await _other.PostAsync(path + "/contest", new { reasons = "x" }), 404);
        await Problem.AssertAsync(await (await _app.AuthorityAsync()).PostAsync(path + "/contest", new { reasons = "x" }), 404);
        await Problem.AssertAsync(await _other.GetAsync(path), 404);
        await Problem.AssertAsync(await _authority.PostAsync(path + "/contest", new { reasons = " " }), 400, "reasons");

        var contested = await _authority.PostOkAsync(path + "/contest", new { reasons = "An appeal was lodged with the Cour d'appel de Paris." });
        Assert.True(contested["contested"]!.GetValue<bool>());
        Assert.Equal(_authority.Id.ToString(), contested["contest"]!.S("by"));
        Assert.Equal(TestApp.Start.AddDays(2), contested["contest"]!["at"]!.GetValue<DateTimeOffset>());
        await Problem.AssertAsync(await _authority.PostAsync(path + "/contest", new { reasons = "Again." }), 409);

        // Shown to both parties: on the reinstatement, on the order's timeline, and as an event to the platform.
        var shown = await _platform.GetOkAsync(path);
        Assert.Equal(recorded.Id(), shown.Id());
        Assert.Equal("Tribunal judiciaire de Paris", shown.S("court"));
        Assert.Equal("An appeal was lodged with the Cour d'appel de Paris.", shown["contest"]!.S("reasons"));
        foreach (var party in new[] { _platform, _authority })
        {
            var timeline = (await party.GetOkAsync($"/api/v1/orders/{order.Id()}/events")).AsArray();
            var step = Assert.Single(timeline, e => e!.S("type") == "reinstatement.court_contested")!;
            Assert.Equal(_authority.Id.ToString(), step.S("actor_org_id"));
        }
        var feed = (await _platform.GetOkAsync($"/api/v1/events?after={cursor}"))["data"]!.AsArray();
        Assert.Contains(feed, e => e!.S("type") == "reinstatement.contested" && e!["data"]!.Id() == recorded.Id());

        // The contest undoes nothing: the item stays reinstated and the entry stays suppressed for the platform.
        Assert.Equal("reinstated", (await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}"))["items"]![0]!.S("status"));
        Assert.Empty((await _platform.MatchPdqAsync(entry.S("signal")))["matches"]!.AsArray());
        Assert.Equal("open", (await OnlyReviewAsync(entry)).S("status"));
    }

    [Fact]
    public async Task TheReviewTime_IsConfigurable_AndValidatedAtStart()
    {
        await using (var app = await TestApp.StartAsync(null, "--Banks:OwnerReviewDays=3"))
        {
            var authority = await app.AuthorityAsync();
            var platform = await app.PlatformAsync();
            await authority.CreateBankAsync("SHORT_REVIEWS", "all_members");
            var order = await authority.RemovedOrderAsync(platform);
            await authority.PostOkAsync("/api/v1/banks/SHORT_REVIEWS/entries",
                new { signal_type = "md5", signal = "0123456789abcdef0123456789abcdef", order_item_id = order.ItemId() });
            await platform.PostOkAsync(ReinstatementOf(order), Court());
            var review = Assert.Single((await authority.GetOkAsync("/api/v1/banks/reviews"))["data"]!.AsArray())!;
            Assert.Equal(TestApp.Start.AddDays(3), review["due_at"]!.GetValue<DateTimeOffset>());
            Assert.Empty((await platform.PostOkAsync("/api/v1/match", new { signal_type = "md5", signal = "0123456789abcdef0123456789abcdef" }))["matches"]!.AsArray());
        }

        var dir = Path.Combine(Path.GetTempPath(), "takedown-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var builder = Takedown.Web.TakedownApp.CreateBuilder(["--data", dir, "--Banks:OwnerReviewDays=0"]);
            builder.WebHost.UseTestServer();
            await using var bad = Takedown.Web.TakedownApp.Build(builder);
            var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => bad.StartAsync());
            Assert.Contains("Banks:OwnerReviewDays", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task TheBankNameReviews_IsReserved()
    {
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/banks", new { name = "REVIEWS" }), 400, "name");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/banks/reviews?status=maybe"), 400, "status");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/banks/reviews?after=nope"), 400, "after");
    }
}
