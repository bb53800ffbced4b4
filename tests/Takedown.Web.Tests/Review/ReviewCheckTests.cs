using System.Text;

namespace Takedown.Web.Tests.Review;

/// <summary>Checks from a platform's upload pipeline: matches open cases in priority order; retries are idempotent.</summary>
public sealed class ReviewCheckTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("Uploads");
        await _platform.CreateBankAsync("KNOWN");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ImageCheck_MatchingABankEntry_OpensAnOpenCaseListingTheMatch()
    {
        var entry = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/banks/KNOWN/entries", TestImages.ScenePng(seed: 5)));
        var copy = TestImages.Encode(TestImages.Scene(640, 480, seed: 5), SkiaSharp.SKEncodedImageFormat.Jpeg, 85);

        var response = await _platform.UploadAsync("/api/v1/review/checks", copy, "upload.jpg", ("content_id", "post-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var check = await ApiClient.ReadOkAsync(response);
        Assert.Equal($"/api/v1/review/checks/{check.Str("id")}", response.Headers.Location!.OriginalString);
        Assert.Equal("post-1", check.Str("content_id"));
        Assert.Equal("review", check.Str("decision"));
        Assert.Null(check["rule_id"]);
        var match = Assert.Single(check["matches"]!.AsArray())!;
        Assert.Equal(entry.Str("id"), match.Str("entry_id"));
        Assert.Equal("pdq", match.Str("signal_type"));

        var @case = await _platform.CaseAsync(check);
        Assert.Equal("open", @case.Str("state"));
        Assert.Equal(check.Str("id"), @case.Str("check_id"));
        Assert.Equal("post-1", @case.Str("content_id"));
        Assert.Equal("KNOWN", @case.Str("bank"));
        Assert.Equal(entry.Str("id"), Assert.Single(@case["matches"]!.AsArray())!.Str("entry_id"));
        Assert.Equal(check.Str("id"), (await _platform.GetOkAsync($"/api/v1/review/checks/{check.Str("id")}")).Str("id"));
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = 'review.case_opened'")));
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'review.case_opened'")));
    }

    [Fact]
    public async Task Cases_AreQueuedBySeverityThenDistanceThenBank_AcrossPages()
    {
        await _platform.CreateBankAsync("A_BANK");
        var h = Enumerable.Range(100, 6).Select(BankIntents.RandomHash).ToArray();
        await _platform.AddPdqAsync("KNOWN", h[0], behaviour: "glorification");
        await _platform.AddPdqAsync("KNOWN", h[1], behaviour: "imminent_credible_threat");
        await _platform.AddPdqAsync("KNOWN", h[2], behaviour: "graphic_violence");
        await _platform.AddPdqAsync("KNOWN", h[3], behaviour: "graphic_violence");
        await _platform.AddPdqAsync("KNOWN", h[4], behaviour: null);
        await _platform.AddPdqAsync("A_BANK", h[5], behaviour: "glorification");

        // Posted least urgent first, so the queue's order is not the order of arrival.
        await _platform.CheckPdqCreatedAsync("unlabelled", h[4]);
        await _platform.CheckPdqCreatedAsync("glorification-known", h[0]);
        await _platform.CheckPdqCreatedAsync("glorification-a-bank", h[5]);
        await _platform.CheckPdqCreatedAsync("violence-far", BankIntents.Flip(h[2], 5));
        await _platform.CheckPdqCreatedAsync("violence-near", BankIntents.Flip(h[3], 2));
        await _platform.CheckPdqCreatedAsync("threat", BankIntents.Flip(h[1], 12));

        string[] expected = ["threat", "violence-near", "violence-far", "glorification-a-bank", "glorification-known", "unlabelled"];
        var all = await _platform.GetOkAsync("/api/v1/review/cases?state=open");
        Assert.Equal(expected, all["data"]!.AsArray().Select(c => c!.Str("content_id")));
        Assert.Equal("imminent_credible_threat", all["data"]![0]!.Str("label"));
        Assert.Equal(12, all["data"]![0]!["distance"]!.GetValue<int>());

        var paged = new List<string>();
        string? after = null;
        do
        {
            var page = await _platform.GetOkAsync("/api/v1/review/cases?limit=4" + (after is null ? "" : $"&after={after}"));
            paged.AddRange(page["data"]!.AsArray().Select(c => c!.Str("content_id")));
            after = page["next_cursor"]?.GetValue<string>();
        } while (after is not null);
        Assert.Equal(expected, paged);
        Assert.Empty((await _platform.GetOkAsync("/api/v1/review/cases?state=dismissed"))["data"]!.AsArray());
    }

    [Fact]
    public async Task TextCheck_EditedCopyOpensACase_UnrelatedTextIsAllowedAndNotKept()
    {
        var known = SampleTexts.Known("fr");
        var entry = await _platform.PostOkAsync("/api/v1/banks/KNOWN/entries",
            new { signal_type = "text", text = known, labels = new { behaviour = "radicalisation_recruitment_instruction" } });

        var response = await _platform.PostAsync("/api/v1/review/checks", new { content_id = "comment-9", text = SampleTexts.EditWords(known, 0.10, seed: 3) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var check = await ApiClient.ReadOkAsync(response);
        var match = Assert.Single(check["matches"]!.AsArray())!;
        Assert.Equal(entry.Str("id"), match.Str("entry_id"));
        Assert.Equal("text", match.Str("signal_type"));
        Assert.Equal("radicalisation_recruitment_instruction", (await _platform.CaseAsync(check)).Str("label"));

        var unrelated = await _platform.PostAsync("/api/v1/review/checks", new { content_id = "comment-10", text = SampleTexts.Unrelated("fr") });
        Assert.Equal(HttpStatusCode.OK, unrelated.StatusCode);
        var allowed = await ApiClient.ReadOkAsync(unrelated);
        Assert.Equal("allow", allowed.Str("decision"));
        Assert.Null(allowed["id"]);
        Assert.Null(allowed["case_id"]);
        Assert.Empty(allowed["matches"]!.AsArray());
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM review_checks")));
    }

    [Fact]
    public async Task FileWithText_MatchesBoth_InOneCase()
    {
        await _platform.UploadAsync("/api/v1/banks/KNOWN/entries", TestImages.ScenePng(seed: 8));
        var known = SampleTexts.Known("en");
        await _platform.PostOkAsync("/api/v1/banks/KNOWN/entries", new { signal_type = "text", text = known });
        var response = await _platform.UploadAsync("/api/v1/review/checks", TestImages.ScenePng(seed: 8), "p.png", ("content_id", "post-2"), ("text", known));
        var check = await ApiClient.ReadOkAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["pdq", "text"], check["matches"]!.AsArray().Select(m => m!.Str("signal_type")).Distinct().Order());
        Assert.Equal(1L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM review_cases")));
    }

    [Fact]
    public async Task Retry_WithTheSameContentId_AnswersFromTheFirstCheck_AndOpensNoSecondCase()
    {
        var hex = BankIntents.RandomHash(7);
        await _platform.AddPdqAsync("KNOWN", hex);
        var first = await _platform.CheckPdqCreatedAsync("video-77", hex);

        var retry = await _platform.CheckPdqAsync("video-77", hex.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = await ApiClient.ReadOkAsync(retry);
        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal(first.Str("case_id"), again.Str("case_id"));
        Assert.Single((await _platform.GetOkAsync("/api/v1/review/cases"))["data"]!.AsArray());

        // The same id with other content is a client bug, not a retry.
        await Problem.AssertAsync(await _platform.CheckPdqAsync("video-77", BankIntents.Flip(hex, 3)), 409, "content_id");

        var png = TestImages.ScenePng(seed: 9);
        await _platform.UploadAsync("/api/v1/banks/KNOWN/entries", png);
        Assert.Equal(HttpStatusCode.Created, (await _platform.UploadAsync("/api/v1/review/checks", png, "a.png", ("content_id", "img-1"))).StatusCode);
        var upload = await _platform.UploadAsync("/api/v1/review/checks", png, "a.png", ("content_id", "img-1"));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(2L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM review_cases")));
        Assert.Equal(2L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'review.case_opened'")));
    }

    [Fact]
    public async Task Checks_OnlyMatchBanksTheCallerMayUse()
    {
        var other = await _app.PlatformAsync("Elsewhere");
        var hex = BankIntents.RandomHash(12);
        await _platform.AddPdqAsync("KNOWN", hex);
        var response = await other.CheckPdqAsync("x-1", hex);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("allow", (await ApiClient.ReadOkAsync(response)).Str("decision"));
    }

    [Fact]
    public async Task BadChecks_AreRefusedNamingTheField()
    {
        var hex = BankIntents.RandomHash(13);
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { signals = new[] { new { signal_type = "pdq", signal = hex } } }), 400, "content_id");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { content_id = " ", text = "some words here" }), 400, "content_id");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { content_id = new string('x', 201), text = "w" }), 400, "content_id");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { content_id = "c1" }), 400, "signals");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks",
            new { content_id = "c1", signals = new[] { new { signal_type = "phash", signal = hex } } }), 400, "signals[0].signal_type");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks",
            new { content_id = "c1", signals = new[] { new { signal_type = "pdq", signal = hex }, new { signal_type = "md5", signal = "zz" } } }), 400, "signals[1].signal");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { content_id = "c1", text = " ... " }), 400, "text");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/checks", new { content_id = "c1", text = "words", radius = 3 }), 400, "radius");
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/review/checks", TestImages.ScenePng(seed: 1)), 400, "content_id");
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/review/checks", TestImages.ScenePng(seed: 1), "a.png", ("content_id", "c"), ("radius", "4")), 400, "radius");
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/review/cases?state=pending"), 400, "state");
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/review/cases?after=nope"), 400, "after");
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/review/cases?limit=0"), 400, "limit");
        Assert.Equal(0L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM review_checks")));
    }

    [Fact]
    public async Task OnlyPlatforms_PostChecks()
    {
        var authority = await _app.AuthorityAsync();
        await Problem.AssertAsync(await authority.CheckPdqAsync("c", BankIntents.RandomHash(1)), 403);
        await Problem.AssertAsync(await authority.GetAsync("/api/v1/review/cases"), 403);
        await Problem.AssertAsync(await authority.GetAsync("/api/v1/review/rules"), 403);
    }
}
