namespace Takedown.Web.Tests.Review;

/// <summary>A platform's rules decide what happens on its own; removal without a person only when the rule says so.</summary>
public sealed class ReviewRuleTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("Rules");
        await _platform.CreateBankAsync("X");
        await _platform.CreateBankAsync("OTHER");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task HoldRule_AppliesAtDistanceTen_ButNotAtTwenty_NorInAnotherBank()
    {
        var hex = BankIntents.RandomHash(30);
        await _platform.AddPdqAsync("X", hex);
        var other = BankIntents.RandomHash(31);
        await _platform.AddPdqAsync("OTHER", other);
        var rule = await _platform.AddRuleAsync(new { signal_type = "pdq", max_distance = 10, bank = "X", action = "hold" });

        var near = await _platform.CheckPdqCreatedAsync("near", BankIntents.Flip(hex, 10));
        Assert.Equal("hold", near.Str("decision"));
        Assert.Equal(rule.Str("id"), near.Str("rule_id"));
        var @case = await _platform.CaseAsync(near);
        Assert.Equal("hold", @case.Str("decision"));
        Assert.Equal("open", @case.Str("state"));

        var far = await _platform.CheckPdqCreatedAsync("far", BankIntents.Flip(hex, 20));
        Assert.Equal("review", far.Str("decision"));
        Assert.Null(far["rule_id"]);
        Assert.Equal("review", (await _platform.CaseAsync(far)).Str("decision"));

        Assert.Equal("review", (await _platform.CheckPdqCreatedAsync("other-bank", BankIntents.Flip(other, 2))).Str("decision"));
    }

    [Fact]
    public async Task StrictestRuleWins_AndALabelConditionMustHold()
    {
        var threat = BankIntents.RandomHash(32);
        await _platform.AddPdqAsync("X", threat, behaviour: "imminent_credible_threat");
        var glorification = BankIntents.RandomHash(33);
        await _platform.AddPdqAsync("X", glorification, behaviour: "glorification");
        await _platform.AddRuleAsync(new { signal_type = "pdq", action = "review" });
        await _platform.AddRuleAsync(new { signal_type = "pdq", max_distance = 31, action = "hold" });
        var remove = await _platform.AddRuleAsync(new
            { signal_type = "pdq", max_distance = 4, label = "imminent_credible_threat", action = "remove", allow_automatic_removal = true });
        Assert.True(remove["allow_automatic_removal"]!.GetValue<bool>());

        var removed = await _platform.CheckPdqCreatedAsync("a", BankIntents.Flip(threat, 3));
        Assert.Equal("remove", removed.Str("decision"));
        Assert.Equal(remove.Str("id"), removed.Str("rule_id"));
        Assert.Equal("hold", (await _platform.CheckPdqCreatedAsync("b", BankIntents.Flip(threat, 6))).Str("decision"));
        Assert.Equal("hold", (await _platform.CheckPdqCreatedAsync("c", glorification)).Str("decision"));
    }

    [Fact]
    public async Task RemoveRule_WithoutAllowAutomaticRemoval_IsRefused()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "remove" }), 400, "allow_automatic_removal");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules",
            new { signal_type = "pdq", action = "remove", allow_automatic_removal = false }), 400, "allow_automatic_removal");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules",
            new { signal_type = "pdq", action = "hold", allow_automatic_removal = true }), 400, "allow_automatic_removal");
        var hold = await _platform.AddRuleAsync(new { signal_type = "md5", action = "hold" });
        await Problem.AssertAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/review/rules/{hold.Str("id")}",
            new { signal_type = "md5", action = "remove" }), 400, "allow_automatic_removal");
        Assert.Equal("hold", (await _platform.GetOkAsync($"/api/v1/review/rules/{hold.Str("id")}")).Str("action"));
    }

    [Fact]
    public async Task PdqRule_WiderThanTheCheckRadius_IsRefused_ButTextMayGoFurther()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules",
            new { signal_type = "pdq", max_distance = 32, action = "hold" }), 400, "max_distance");
        await _platform.AddRuleAsync(new { signal_type = "pdq", max_distance = 31, action = "hold" });
        await _platform.AddRuleAsync(new { signal_type = "text", max_distance = 50, action = "review" });
    }

    [Fact]
    public async Task Rules_AreListedUpdatedAndDeleted_WithAuditEvents()
    {
        var rule = await _platform.AddRuleAsync(new { signal_type = "text", max_distance = 30, action = "hold" });
        var updated = await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/review/rules/{rule.Str("id")}",
            new { signal_type = "text", max_distance = 20, bank = "X", label = "glorification", action = "review" }));
        Assert.Equal(20, updated["max_distance"]!.GetValue<int>());
        Assert.Equal("X", updated.Str("bank"));
        Assert.Equal("glorification", updated.Str("label"));
        Assert.Equal(rule.Str("id"), Assert.Single((await _platform.GetOkAsync("/api/v1/review/rules"))["data"]!.AsArray())!.Str("id"));

        Assert.Equal(HttpStatusCode.NoContent, (await _platform.SendAsync(HttpMethod.Delete, $"/api/v1/review/rules/{rule.Str("id")}")).StatusCode);
        Assert.Empty((await _platform.GetOkAsync("/api/v1/review/rules"))["data"]!.AsArray());
        await Problem.AssertAsync(await _platform.GetAsync($"/api/v1/review/rules/{rule.Str("id")}"), 404);
        Assert.Equal(3L, Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events WHERE type LIKE 'review.rule_%'")));
    }

    [Fact]
    public async Task BadRules_AreRefusedNamingTheField()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { action = "hold" }), 400, "signal_type");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "phash", action = "hold" }), 400, "signal_type");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "delete" }), 400, "action");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq" }), 400, "action");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "hold", label = "bad" }), 400, "label");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "hold", max_distance = -1 }), 400, "max_distance");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "hold", max_distance = "ten" }), 400, "max_distance");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "hold", bank = "NOPE" }), 400, "bank");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/review/rules", new { signal_type = "pdq", action = "hold", when = "always" }), 400, "when");
    }
}
