namespace Takedown.Web.Tests.Accountability;

public sealed class ComplaintTests : IAsyncLifetime
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

    [Fact]
    public async Task Complaint_OnARemovedItem_IsCreatedAndDueInTwoWeeks()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        _app.Clock.Advance(TimeSpan.FromDays(3));
        var response = await _platform.ComplainAsync(order);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var complaint = await ApiClient.ReadOkAsync(response);
        Assert.Equal("open", complaint["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddDays(3 + 14), complaint["due_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(order.ItemId(), complaint["item_id"]!.GetValue<string>());
        Assert.EndsWith($"/api/v1/complaints/{complaint.Id()}", response.Headers.Location!.ToString());
        Assert.Equal(complaint.Id(), (await _platform.GetOkAsync($"/api/v1/complaints/{complaint.Id()}")).Id());
    }

    [Fact]
    public async Task Complaint_PastTwoWeeks_IsOverdue_AndItsLateDecisionIsMarkedLate()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        _app.Clock.Advance(TimeSpan.FromDays(14));
        Assert.False((await _platform.GetOkAsync($"/api/v1/complaints/{complaint.Id()}"))["overdue"]!.GetValue<bool>());
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await _platform.GetOkAsync($"/api/v1/complaints/{complaint.Id()}"))["overdue"]!.GetValue<bool>());
        var decided = await _platform.DecideAsync(complaint, "upheld");
        Assert.True(decided["late"]!.GetValue<bool>());
        Assert.False(decided["overdue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Complaint_Upheld_LeavesTheItemRemoved()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        _app.Clock.Advance(TimeSpan.FromDays(2));
        var decided = await _platform.DecideAsync(complaint, "upheld");
        Assert.Equal("decided", decided["status"]!.GetValue<string>());
        Assert.Equal("upheld", decided["outcome"]!.GetValue<string>());
        Assert.False(decided["late"]!.GetValue<bool>());
        Assert.Equal(TestApp.Start.AddDays(2), decided["decided_at"]!.GetValue<DateTimeOffset>());
        var after = await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}");
        Assert.Equal("removed", after["items"]![0]!["status"]!.GetValue<string>());

        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { outcome = "reinstated" }), 409, "outcome");
    }

    [Fact]
    public async Task Complaint_Reinstated_PutsTheItemBack_AndTheOrderStaysClosed()
    {
        var order = await _authority.RemovedOrderAsync(_platform, "disabled");
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        await _platform.DecideAsync(complaint, "reinstated");
        var after = await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}");
        Assert.Equal("reinstated", after["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("closed", after["status"]!.GetValue<string>());
        var timeline = await _authority.GetOkAsync($"/api/v1/orders/{order.Id()}/events");
        var types = timeline.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("complaint.recorded", types);
        Assert.Contains("complaint.decided", types);
        Assert.Contains("order.item_reinstated", types);
    }

    [Fact]
    public async Task Complaint_AgainstAPendingItem_OrASecondOpenOne_IsAConflict()
    {
        var pending = await _authority.IssueOrderAsync(_platform.Id);
        await Problem.AssertAsync(await _platform.ComplainAsync(pending), 409, "item_id");
        var order = await _authority.RemovedOrderAsync(_platform);
        Assert.Equal(HttpStatusCode.Created, (await _platform.ComplainAsync(order)).StatusCode);
        await Problem.AssertAsync(await _platform.ComplainAsync(order), 409, "item_id");
    }

    [Fact]
    public async Task Complaint_BadInput_NamesTheField()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/complaints", new { text = " " }), 400, "text");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId()}/complaints",
            new { text = "x", received_at = TestApp.Start.AddDays(1) }), 400, "received_at");
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { outcome = "maybe" }), 400, "outcome");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { }), 400, "outcome");
    }

    [Fact]
    public async Task Complaints_AreSeenByTheIssuingAuthority_AndByNoOneElse()
    {
        var order = await _authority.RemovedOrderAsync(_platform);
        var complaint = await ApiClient.ReadOkAsync(await _platform.ComplainAsync(order));

        Assert.Equal(complaint.Id(), (await _authority.GetOkAsync($"/api/v1/complaints/{complaint.Id()}")).Id());
        Assert.Contains((await _authority.GetOkAsync("/api/v1/complaints"))["data"]!.AsArray(), c => c!.Id() == complaint.Id());
        Assert.Contains((await _platform.GetOkAsync("/api/v1/complaints?status=open"))["data"]!.AsArray(), c => c!.Id() == complaint.Id());
        Assert.Empty((await _platform.GetOkAsync("/api/v1/complaints?status=decided"))["data"]!.AsArray());
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { outcome = "upheld" }), 403);

        var otherAuthority = await _app.AuthorityAsync();
        var otherPlatform = await _app.PlatformAsync();
        foreach (var stranger in new[] { otherAuthority, otherPlatform })
        {
            await Problem.AssertAsync(await stranger.GetAsync($"/api/v1/complaints/{complaint.Id()}"), 404);
            await Problem.AssertAsync(await stranger.PostAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { outcome = "reinstated" }), 404);
            Assert.Empty((await stranger.GetOkAsync("/api/v1/complaints"))["data"]!.AsArray());
            await Problem.AssertAsync(await stranger.ComplainAsync(order), 404);
        }
        await Problem.AssertAsync(await _platform.GetAsync("/api/v1/complaints?status=closed"), 400, "status");
    }
}
