namespace Takedown.Web.Tests.Review;

/// <summary>A reviewer confirms or dismisses a case; a dismissal can call the matched entries false positives.</summary>
public sealed class ReviewCaseTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("Reviewer");
        await _platform.CreateBankAsync("OWN");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Confirm_ClosesTheCase_OnceAndAudited()
    {
        var hex = BankIntents.RandomHash(40);
        await _platform.AddPdqAsync("OWN", hex);
        var check = await _platform.CheckPdqCreatedAsync("p1", hex);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        var confirmed = await _platform.ConfirmAsync(check, new { note = "Known propaganda video still." });
        Assert.Equal("confirmed", confirmed.Str("state"));
        Assert.Equal(TestApp.Start.AddMinutes(5), confirmed["decided_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("Known propaganda video still.", confirmed.Str("note"));
        Assert.Null(confirmed["false_positive_entries"]);

        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/review/cases/{check["case_id"]}/confirm"), 409, "state");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/review/cases/{check["case_id"]}/dismiss"), 409, "state");
        Assert.Empty((await _platform.GetOkAsync("/api/v1/review/cases?state=open"))["data"]!.AsArray());
        Assert.Single((await _platform.GetOkAsync("/api/v1/review/cases?state=confirmed"))["data"]!.AsArray());
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'review.case_confirmed'")));
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = 'review.case_decided'")));
    }

    [Fact]
    public async Task Dismiss_WithoutFalsePositive_LeavesTheEntryMatching()
    {
        var hex = BankIntents.RandomHash(41);
        await _platform.AddPdqAsync("OWN", hex);
        var check = await _platform.CheckPdqCreatedAsync("p1", hex);
        var dismissed = await _platform.DismissAsync(check, new { note = "Satire." });
        Assert.Equal("dismissed", dismissed.Str("state"));
        Assert.Null(dismissed["false_positive_entries"]);
        Assert.Single((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'review.case_dismissed'")));
    }

    [Fact]
    public async Task DismissAsFalsePositive_StopsTheOwnersEntryMatching_OnlyForTheNamedEntries()
    {
        var hex = BankIntents.RandomHash(42);
        var wrong = await _platform.AddPdqAsync("OWN", hex);
        var right = await _platform.AddPdqAsync("OWN", BankIntents.Flip(hex, 8));
        var check = await _platform.CheckPdqCreatedAsync("p1", hex);
        Assert.Equal(2, check["matches"]!.AsArray().Count);

        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/review/cases/{check["case_id"]}/dismiss",
            new { false_positive = true, entry_ids = new[] { Guid.NewGuid() } }), 400, "entry_ids");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/review/cases/{check["case_id"]}/dismiss",
            new { entry_ids = new[] { wrong["id"] } }), 400, "entry_ids");

        var dismissed = await _platform.DismissAsync(check, new { false_positive = true, entry_ids = new[] { wrong["id"] } });
        Assert.Equal(wrong.Str("id"), Assert.Single(dismissed["false_positive_entries"]!.AsArray())!.GetValue<string>());
        var entry = await _platform.GetOkAsync($"/api/v1/banks/OWN/entries/{wrong.Str("id")}");
        Assert.False(entry["matchable"]!.GetValue<bool>());
        Assert.Equal(1, entry["opinions"]!["false_positive"]!.GetValue<int>());

        var matches = (await _platform.MatchPdqAsync(hex))["matches"]!.AsArray();
        Assert.Equal(right.Str("id"), Assert.Single(matches)!.Str("entry_id"));
        var again = await _platform.CheckPdqCreatedAsync("p2", hex);
        Assert.Equal(right.Str("id"), Assert.Single(again["matches"]!.AsArray())!.Str("entry_id"));
    }

    [Fact]
    public async Task DismissAsFalsePositive_OfAnotherOwnersEntry_IsAnOpinionThatDoesNotStopMatching()
    {
        var owner = await _app.PlatformAsync("Owner");
        await owner.CreateBankAsync("SHARED", "shared", _platform.Id);
        var hex = BankIntents.RandomHash(43);
        var entry = await owner.AddPdqAsync("SHARED", hex);
        var check = await _platform.CheckPdqCreatedAsync("p1", hex);

        var dismissed = await _platform.DismissAsync(check, new { false_positive = true });
        Assert.Equal(entry.Str("id"), Assert.Single(dismissed["false_positive_entries"]!.AsArray())!.GetValue<string>());
        var seen = await owner.GetOkAsync($"/api/v1/banks/SHARED/entries/{entry.Str("id")}");
        Assert.True(seen["matchable"]!.GetValue<bool>());
        Assert.Equal(1, seen["opinions"]!["false_positive"]!.GetValue<int>());
        Assert.Single((await owner.MatchPdqAsync(hex))["matches"]!.AsArray());
    }

    [Fact]
    public async Task AnotherOrganisation_SeesNoneOfTheChecksCasesOrRules()
    {
        var hex = BankIntents.RandomHash(44);
        await _platform.AddPdqAsync("OWN", hex);
        var check = await _platform.CheckPdqCreatedAsync("p1", hex);
        var rule = await _platform.AddRuleAsync(new { signal_type = "pdq", action = "hold" });
        var other = await _app.PlatformAsync("Other");

        await Problem.AssertAsync(await other.GetAsync($"/api/v1/review/checks/{check.Str("id")}"), 404);
        await Problem.AssertAsync(await other.GetAsync($"/api/v1/review/cases/{check.Str("case_id")}"), 404);
        await Problem.AssertAsync(await other.PostAsync($"/api/v1/review/cases/{check.Str("case_id")}/confirm"), 404);
        await Problem.AssertAsync(await other.PostAsync($"/api/v1/review/cases/{check.Str("case_id")}/dismiss", new { false_positive = true }), 404);
        await Problem.AssertAsync(await other.GetAsync($"/api/v1/review/cases?after={check.Str("case_id")}"), 400, "after");
        Assert.Empty((await other.GetOkAsync("/api/v1/review/cases"))["data"]!.AsArray());
        await Problem.AssertAsync(await other.GetAsync($"/api/v1/review/rules/{rule.Str("id")}"), 404);
        await Problem.AssertAsync(await other.SendAsync(HttpMethod.Put, $"/api/v1/review/rules/{rule.Str("id")}", new { signal_type = "pdq", action = "review" }), 404);
        await Problem.AssertAsync(await other.SendAsync(HttpMethod.Delete, $"/api/v1/review/rules/{rule.Str("id")}"), 404);
        Assert.Empty((await other.GetOkAsync("/api/v1/review/rules"))["data"]!.AsArray());

        // The other platform's own check of the same content id is its own.
        await other.CreateBankAsync("OTHERS");
        await other.AddPdqAsync("OTHERS", hex);
        var mine = await other.CheckPdqCreatedAsync("p1", hex);
        Assert.NotEqual(check.Str("id"), mine.Str("id"));
        Assert.Equal("open", (await _platform.CaseAsync(check)).Str("state"));
        Assert.Equal("hold", (await _platform.GetOkAsync($"/api/v1/review/rules/{rule.Str("id")}")).Str("action"));
    }
}
