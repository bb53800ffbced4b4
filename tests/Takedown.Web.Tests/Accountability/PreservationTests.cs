namespace Takedown.Web.Tests.Accountability;

public sealed class PreservationTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync();
        _platform = await _app.PlatformAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string PathOf(JsonNode order) => $"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/preservation";

    /// <summary>A removed item with one evidence file; returns the order and the file's path on disk.</summary>
    private async Task<(JsonNode Order, string File)> RemovedWithEvidenceAsync(int seed)
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var upload = await _authority.UploadAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/evidence", TestImages.ScenePng(seed), "capture.png");
        var sha = (await ApiClient.ReadOkAsync(upload))["sha256"]!.GetValue<string>();
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        order = await _platform.ActAsync(order, 0, new { action = "removed" });
        var file = Path.Combine(_app.DataDir, "evidence", sha[..2], sha[2..4], sha);
        Assert.True(File.Exists(file));
        return (order, file);
    }

    private async Task<JsonNode> SweepAsync() => await _app.Operator.PostOkAsync("/api/v1/preservation/sweep");

    private static DateTimeOffset ActedAt => TestApp.Start.AddMinutes(10);

    [Fact]
    public async Task RemovedItem_IsPreservedSixMonthsFromTheAction_ThenTheSweepPurgesItsEvidence()
    {
        var (order, file) = await RemovedWithEvidenceAsync(1);
        var view = await _authority.GetOkAsync(PathOf(order));
        Assert.Equal(ActedAt.AddMonths(6), view["preserve_until"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, view["evidence_files"]!.GetValue<int>());

        _app.Clock.AdjustTime(ActedAt.AddMonths(6).AddSeconds(-1));
        Assert.Equal(0, (await SweepAsync())["ended"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        Assert.Contains((await _authority.GetOkAsync("/api/v1/preservation/expiring?within_days=1")).AsArray(), i => i!["item_id"]!.GetValue<string>() == order.ItemId());

        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var sweep = await SweepAsync();
        Assert.Equal(1, sweep["ended"]!.GetValue<int>());
        Assert.Equal(1, sweep["evidence_purged"]!.GetValue<int>());
        Assert.False(File.Exists(file));
        var after = await _platform.GetOkAsync(PathOf(order));
        Assert.Equal(_app.Clock.GetUtcNow(), after["purged_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(0, after["evidence_files"]!.GetValue<int>());
        Assert.Empty((await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/evidence")).AsArray());
        var timeline = await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}/events");
        Assert.Single(timeline.AsArray(), e => e!["type"]!.GetValue<string>() == "preservation.purged");

        // Swept once: a second sweep finds nothing, and the purged item cannot be extended.
        Assert.Equal(0, (await SweepAsync())["ended"]!.GetValue<int>());
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(order)}/extend", new { until = ActedAt.AddMonths(12), reason = "Trial." }), 409, "item_id");
    }

    [Fact]
    public async Task Extension_ByTheAuthority_KeepsTheItemPastSixMonths()
    {
        var (order, file) = await RemovedWithEvidenceAsync(2);
        var extended = await _authority.PostOkAsync($"{PathOf(order)}/extend", new { until = ActedAt.AddMonths(9), reason = "Administrative review pending." });
        Assert.Equal(ActedAt.AddMonths(9), extended["preserve_until"]!.GetValue<DateTimeOffset>());
        Assert.Equal(ActedAt.AddMonths(6), extended["extensions"]![0]!["previous_until"]!.GetValue<DateTimeOffset>());

        _app.Clock.AdjustTime(ActedAt.AddMonths(7));
        Assert.Equal(0, (await SweepAsync())["ended"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        _app.Clock.AdjustTime(ActedAt.AddMonths(9).AddDays(1));
        Assert.Equal(1, (await SweepAsync())["ended"]!.GetValue<int>());
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task LegalHold_StopsThePurge_UntilReleased()
    {
        var (order, file) = await RemovedWithEvidenceAsync(3);
        await _authority.PostOkAsync($"{PathOf(order)}/legal-hold", new { reason = "Criminal proceedings 2026/123." });
        _app.Clock.AdjustTime(ActedAt.AddMonths(8));
        var sweep = await SweepAsync();
        Assert.Equal(0, sweep["ended"]!.GetValue<int>());
        Assert.Equal(1, sweep["held"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        Assert.Equal("Criminal proceedings 2026/123.", (await _platform.GetOkAsync(PathOf(order)))["legal_hold"]!.GetValue<string>());

        await _authority.PostOkAsync($"{PathOf(order)}/legal-hold/release", new { reason = "Proceedings closed." });
        Assert.Equal(1, (await SweepAsync())["ended"]!.GetValue<int>());
        Assert.False(File.Exists(file));
        var types = (await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}/events")).AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("preservation.legal_hold_set", types);
        Assert.Contains("preservation.legal_hold_released", types);
        Assert.Contains("preservation.purged", types);
    }

    [Fact]
    public async Task DailySweeper_OnTheFakeClock_PurgesWithoutBeingAsked()
    {
        var (order, file) = await RemovedWithEvidenceAsync(4);
        _app.Clock.AdjustTime(ActedAt.AddMonths(6));
        await Eventually.TrueAsync(() =>
        {
            // Each step moves a day: the sweeper's daily timer fires on the fake clock.
            _app.Clock.Advance(TimeSpan.FromDays(1));
            return Task.FromResult(!File.Exists(file));
        });
        Assert.NotNull((await _authority.GetOkAsync(PathOf(order)))["purged_at"]);
    }

    [Fact]
    public async Task Platform_RecordsWhatItPreserved_WithHashes()
    {
        var (order, _) = await RemovedWithEvidenceAsync(5);
        var sha = new string('a', 64);
        var view = await _platform.PostOkAsync($"{PathOf(order)}/records", new
        {
            description = "Video file and uploader account data, in the legal-hold store.",
            hashes = new[] { new { algorithm = "sha256", value = sha } },
        });
        var record = Assert.Single(view["records"]!.AsArray())!;
        Assert.Equal(sha, record["hashes"]![0]!["value"]!.GetValue<string>());
        Assert.Single((await _authority.GetOkAsync(PathOf(order)))["records"]!.AsArray());

        await Problem.AssertAsync(await _platform.PostAsync($"{PathOf(order)}/records", new { description = "x", hashes = new[] { new { algorithm = "sha256", value = "xyz" } } }), 400, "hashes[0].value");
        await Problem.AssertAsync(await _platform.PostAsync($"{PathOf(order)}/records", new { description = "x", hashes = new[] { new { algorithm = "crc32", value = "00" } } }), 400, "hashes[0].algorithm");
        await Problem.AssertAsync(await _platform.PostAsync($"{PathOf(order)}/records", new { }), 400, "description");
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(order)}/records", new { description = "x" }), 403);
    }

    [Fact]
    public async Task Preservation_IsOnlyForRemovedItems_ExtendedByTheIssuer_AndHiddenFromOthers()
    {
        var (order, _) = await RemovedWithEvidenceAsync(6);
        await Problem.AssertAsync(await _platform.PostAsync($"{PathOf(order)}/extend", new { until = ActedAt.AddMonths(9), reason = "x" }), 403);
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(order)}/extend", new { until = ActedAt.AddMonths(5), reason = "x" }), 400, "until");
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(order)}/extend", new { until = ActedAt.AddMonths(9) }), 400, "reason");
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(order)}/legal-hold/release", new { reason = "x" }), 409, "reason");

        var pending = await _authority.IssueOrderAsync(_platform.Id);
        Assert.Null((await _authority.GetOkAsync(PathOf(pending)))["preserve_until"]);
        await Problem.AssertAsync(await _authority.PostAsync($"{PathOf(pending)}/extend", new { until = ActedAt.AddMonths(9), reason = "x" }), 409, "item_id");

        var stranger = await _app.AuthorityAsync();
        await Problem.AssertAsync(await stranger.GetAsync(PathOf(order)), 404);
        await Problem.AssertAsync(await stranger.PostAsync($"{PathOf(order)}/legal-hold", new { reason = "x" }), 404);
        Assert.Empty((await stranger.GetOkAsync("/api/v1/preservation/expiring?within_days=3650")).AsArray());
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/preservation/sweep"), 403);
    }
}
