namespace Takedown.Web.Tests.Orders;

public sealed class OrderLifecycleTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync("PHAROS");
        _platform = await _app.PlatformAsync("SmallForum");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task RemovalOrder_WhenCreated_IsReceivedNowAndDueInOneHour()
    {
        var response = await _authority.PostAsync("/api/v1/orders", ApiClient.OrderBody(_platform.Id, ["https://forum.example/t/1", "https://forum.example/t/2"]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await ApiClient.ReadOkAsync(response);
        Assert.Equal("open", order["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start, order["received_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(TestApp.Start.AddHours(1), order["due_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, order["items"]!.AsArray().Count);
        Assert.All(order["items"]!.AsArray(), i => Assert.Equal("pending", i!["status"]!.GetValue<string>()));
        Assert.EndsWith($"/api/v1/orders/{order["id"]}", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Referral_IsDueAfterThePlatformsOwnReferralDeadline()
    {
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile", new
        {
            contact_point = new { name = "Duty desk", email = "abuse@forum.example" },
            referral_deadline_hours = 6,
        }));
        var order = await _authority.IssueReferralAsync(_platform.Id, "https://forum.example/r/1");
        Assert.Equal(TestApp.Start.AddHours(6), order["due_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Platform_SeesOrderInInbox_AcknowledgesAndRemoves_ThenOrderIsClosed()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/t/9");
        var inbox = await _platform.GetOkAsync("/api/v1/orders?status=open");
        Assert.Contains(inbox["data"]!.AsArray(), o => o!["id"]!.GetValue<string>() == order["id"]!.GetValue<string>());

        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var acked = await _platform.PostOkAsync($"/api/v1/orders/{order["id"]}/acknowledge");
        Assert.Equal(TestApp.Start.AddMinutes(5), acked["acknowledged_at"]!.GetValue<DateTimeOffset>());

        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        var after = await _platform.ActAsync(order, 0, new { action = "removed" });
        var item = after["items"]![0]!;
        Assert.Equal("removed", item["status"]!.GetValue<string>());
        Assert.False(item["late"]!.GetValue<bool>());
        Assert.Equal(TestApp.Start.AddMinutes(15), item["acted_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("closed", after["status"]!.GetValue<string>());

        var seenByAuthority = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("removed", seenByAuthority["items"]![0]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("disabled", null)]
    [InlineData("impossible", "force_majeure")]
    [InlineData("impossible", "manifest_error")]
    public async Task RemovalOrder_AcceptsEachAnnexAnswer(string action, string? reason)
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var after = await _platform.ActAsync(order, 0, reason is null ? new { action } : new { action, reason, explanation = "The server room flooded." });
        Assert.Equal(action, after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(reason, after["items"]![0]!["reason"]?.GetValue<string>());
    }

    [Fact]
    public async Task Referral_CanBeAnsweredNotActionedAsExempt()
    {
        var order = await _authority.IssueReferralAsync(_platform.Id);
        var after = await _platform.ActAsync(order, 0, new { action = "not_actioned", reason = "exempt", explanation = "News report quoting the video." });
        Assert.Equal("not_actioned", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("exempt", after["items"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemovalOrder_RefusesNotActioned()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var response = await _platform.PostAsync($"/api/v1/orders/{order["id"]}/items/{order["items"]![0]!["id"]}/action", new { action = "not_actioned", reason = "not_violating" });
        await Problem.AssertAsync(response, 400, "action");
    }

    [Fact]
    public async Task InsufficientInformation_ThenClarification_RestartsTheClock()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/a", "https://forum.example/b");
        _app.Clock.Advance(TimeSpan.FromMinutes(20));
        await _platform.ActAsync(order, 1, new { action = "impossible", reason = "insufficient_information", explanation = "The URL points to a deleted thread; which post?" });

        _app.Clock.Advance(TimeSpan.FromMinutes(70));
        var clarified = await _authority.PostOkAsync($"/api/v1/orders/{order["id"]}/clarifications",
            new { item_id = order["items"]![1]!["id"]!.GetValue<string>(), text = "The third post, by user X." });
        var item = clarified["items"]![1]!;
        Assert.Equal("pending", item["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddMinutes(90).AddHours(1), item["due_at"]!.GetValue<DateTimeOffset>());

        var events = await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}/events");
        Assert.Contains(events.AsArray(), e => e!["type"]!.GetValue<string>() == "order.clarified");
    }

    [Fact]
    public async Task Clarification_OfAnItemNotAskingForIt_IsAConflict()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var response = await _authority.PostAsync($"/api/v1/orders/{order["id"]}/clarifications",
            new { item_id = order["items"]![0]!["id"]!.GetValue<string>(), text = "More detail." });
        await Problem.AssertAsync(response, 409, "item_id");
    }

    [Fact]
    public async Task Withdraw_WholeOrder_WithdrawsOpenItemsAndClosesIt()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/w1", "https://forum.example/w2");
        await _platform.ActAsync(order, 0, new { action = "removed" });
        var after = await _authority.PostOkAsync($"/api/v1/orders/{order["id"]}/withdraw", new { reason = "Issued in error." });
        Assert.Equal("removed", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("withdrawn", after["items"]![1]!["status"]!.GetValue<string>());
        Assert.Equal("closed", after["status"]!.GetValue<string>());

        var again = await _authority.PostAsync($"/api/v1/orders/{order["id"]}/withdraw", new { reason = "Again." });
        await Problem.AssertAsync(again, 409);
    }

    [Fact]
    public async Task Withdraw_OneItem_LeavesTheOthersOpen()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/w1", "https://forum.example/w2");
        var after = await _authority.PostOkAsync($"/api/v1/orders/{order["id"]}/withdraw",
            new { reason = "Wrong address.", item_id = order["items"]![0]!["id"]!.GetValue<string>() });
        Assert.Equal("withdrawn", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("pending", after["items"]![1]!["status"]!.GetValue<string>());
        Assert.Equal("open", after["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Item_PastDueAt_IsOverdueOnRead_AndTheSweepRecordsItOnce()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromMinutes(61));

        var read = await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("overdue", read["status"]!.GetValue<string>());
        Assert.Equal("overdue", read["items"]![0]!["status"]!.GetValue<string>());
        var overdueList = await _authority.GetOkAsync("/api/v1/orders?status=overdue");
        Assert.Single(overdueList["data"]!.AsArray());

        await Eventually.TrueAsync(async () =>
        {
            var events = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}/events");
            return events.AsArray().Count(e => e!["type"]!.GetValue<string>() == "order.item_overdue") == 1;
        });
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        await Task.Yield();
        var events2 = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}/events");
        Assert.Equal(1, events2.AsArray().Count(e => e!["type"]!.GetValue<string>() == "order.item_overdue"));
    }

    [Fact]
    public async Task Action_WhenOrderIsOverdue_IsStillAcceptedAndMarkedLate()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromHours(3));
        var after = await _platform.ActAsync(order, 0, new { action = "removed" });
        Assert.Equal("removed", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.True(after["items"]![0]!["late"]!.GetValue<bool>());
        Assert.Equal("closed", after["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Action_ActedAtInThePastWithinTheHour_IsNotLate()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromHours(2));
        var after = await _platform.ActAsync(order, 0, new { action = "removed", acted_at = TestApp.Start.AddMinutes(30) });
        Assert.False(after["items"]![0]!["late"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Action_OnAnItemAlreadyRemoved_IsAConflict()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        await _platform.ActAsync(order, 0, new { action = "removed" });
        var again = await _platform.PostAsync($"/api/v1/orders/{order["id"]}/items/{order["items"]![0]!["id"]}/action", new { action = "disabled" });
        await Problem.AssertAsync(again, 409, "action");
    }

    [Fact]
    public async Task Action_NamingARuleOfThePlatform_IsRecorded_AndAnUnknownRuleIsRefused()
    {
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile", new
        {
            contact_point = new { name = "Duty desk", email = "abuse@forum.example" },
            rules = new[] { new { id = "R-7", title = "Violent extremism", text = "No praise of terrorist attacks." } },
        }));
        var order = await _authority.IssueReferralAsync(_platform.Id);
        var bad = await _platform.PostAsync($"/api/v1/orders/{order["id"]}/items/{order["items"]![0]!["id"]}/action", new { action = "removed", rule_id = "R-99" });
        await Problem.AssertAsync(bad, 400, "rule_id");
        var after = await _platform.ActAsync(order, 0, new { action = "removed", rule_id = "R-7" });
        Assert.Equal("R-7", after["items"]![0]!["rule_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task SameUrlInAnotherOpenOrderToTheSamePlatform_IsLinkedAsDuplicate_AndTakesTheOutcome()
    {
        var first = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/Video/42/");
        var otherAuthority = await _app.AuthorityAsync("CTIRU");
        var second = await otherAuthority.IssueOrderAsync(_platform.Id, "HTTPS://www.FORUM.example:443/Video/42");
        var dupItem = second["items"]![0]!;
        Assert.Equal(first["items"]![0]!["id"]!.GetValue<string>(), dupItem["duplicate_of"]!.GetValue<string>());

        var direct = await _platform.PostAsync($"/api/v1/orders/{second["id"]}/items/{dupItem["id"]}/action", new { action = "removed" });
        await Problem.AssertAsync(direct, 409);

        await _platform.ActAsync(first, 0, new { action = "removed" });
        var secondAfter = await otherAuthority.GetOkAsync($"/api/v1/orders/{second["id"]}");
        Assert.Equal("removed", secondAfter["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("closed", secondAfter["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SameUrlToAnotherPlatform_IsNotADuplicate()
    {
        var other = await _app.PlatformAsync("OtherHost");
        await _authority.IssueOrderAsync(_platform.Id, "https://cdn.example/x.mp4");
        var second = await _authority.IssueOrderAsync(other.Id, "https://cdn.example/x.mp4");
        Assert.Null(second["items"]![0]!["duplicate_of"]);
    }

    [Fact]
    public async Task Timeline_ListsEveryStepWithTimeAndActor()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _platform.PostOkAsync($"/api/v1/orders/{order["id"]}/acknowledge");
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _platform.ActAsync(order, 0, new { action = "removed" });

        var events = (await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}/events")).AsArray();
        var types = events.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["order.created", "order.received", "order.acknowledged", "order.item_actioned"], types);
        Assert.Equal(_platform.Id.ToString(), events[3]!["actor_org_id"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddMinutes(2), events[3]!["at"]!.GetValue<DateTimeOffset>());

        var platformView = (await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}/events")).AsArray();
        Assert.DoesNotContain(platformView, e => e!["type"]!.GetValue<string>() == "order.created");
    }

    [Fact]
    public async Task List_IsCursorPaginated()
    {
        for (var i = 0; i < 5; i++) await _authority.IssueOrderAsync(_platform.Id);
        var page1 = await _authority.GetOkAsync("/api/v1/orders?limit=2");
        Assert.Equal(2, page1["data"]!.AsArray().Count);
        var cursor = page1["next_cursor"]!.GetValue<string>();
        var page2 = await _authority.GetOkAsync($"/api/v1/orders?limit=2&after={cursor}");
        var page3 = await _authority.GetOkAsync($"/api/v1/orders?limit=2&after={page2["next_cursor"]}");
        var ids = page1["data"]!.AsArray().Concat(page2["data"]!.AsArray()).Concat(page3["data"]!.AsArray()).Select(o => o!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Null(page3["next_cursor"]);

        var newest = await _authority.GetOkAsync("/api/v1/orders?limit=2&sort=newest");
        var newestIds = newest["data"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([ids[4], ids[3]], newestIds);
        var older = await _authority.GetOkAsync($"/api/v1/orders?limit=2&sort=newest&after={newest["next_cursor"]}");
        Assert.Equal([ids[2], ids[1]], older["data"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList());
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/orders?sort=random"), 400, "sort");
    }
}
