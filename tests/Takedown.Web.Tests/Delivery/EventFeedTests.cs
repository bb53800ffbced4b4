using System.Diagnostics;

namespace Takedown.Web.Tests.Delivery;

/// <summary>The pull feed: the caller's events in order, long-poll that wakes on commit, secrecy of held orders, delivered_at.</summary>
public sealed class EventFeedTests : IAsyncLifetime
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

    private static string[] Types(JsonNode page) => page["data"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToArray();

    [Fact]
    public async Task Feed_ReturnsTheCallersEventsInOrder_AndPagesWithTheCursor()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await _authority.IssueOrderAsync(_platform.Id))["id"]!.GetValue<string>());

        var first = await _platform.GetOkAsync("/api/v1/events?limit=2");
        Assert.Equal(["order.created", "order.created"], Types(first));
        var second = await _platform.GetOkAsync($"/api/v1/events?after={first["next_cursor"]}");
        var all = first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(e => e!["data"]!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids, all);
        var empty = await _platform.GetOkAsync($"/api/v1/events?after={second["next_cursor"]}");
        Assert.Empty(empty["data"]!.AsArray());
        Assert.Equal(second["next_cursor"]!.GetValue<string>(), empty["next_cursor"]!.GetValue<string>());

        // The authority's feed holds none of the platform's events.
        Assert.Empty((await _authority.GetOkAsync("/api/v1/events"))["data"]!.AsArray());
    }

    [Fact]
    public async Task LongPoll_ReturnsAsSoonAsAnOrderIsCreated()
    {
        var cursor = (await _platform.GetOkAsync("/api/v1/events"))["next_cursor"]!.GetValue<string>();
        var poll = _platform.GetOkAsync($"/api/v1/events?after={cursor}&wait=30");
        await Task.Delay(200);
        Assert.False(poll.IsCompleted, "the long-poll answered before any event existed");

        var order = await _authority.IssueOrderAsync(_platform.Id);
        var created = Stopwatch.GetTimestamp();
        var page = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(Stopwatch.GetElapsedTime(created) < TimeSpan.FromSeconds(1));
        var e = page["data"]!.AsArray().Single()!;
        Assert.Equal("order.created", e["type"]!.GetValue<string>());
        Assert.Equal(order["id"]!.GetValue<string>(), e["data"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task LongPoll_WithNothingNew_AnswersEmptyWhenTheWaitEnds()
    {
        var poll = _platform.GetOkAsync("/api/v1/events?wait=30");
        await Task.Delay(100);
        Assert.False(poll.IsCompleted);
        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        var page = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(page["data"]!.AsArray());
        Assert.Equal("0", page["next_cursor"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadingTheFeed_SetsDeliveredAtOnce_AndTheTimelineShowsIt()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        Assert.Null(order["delivered_at"]);
        _app.Clock.Advance(TimeSpan.FromSeconds(40));
        await _platform.GetOkAsync("/api/v1/events");
        _app.Clock.Advance(TimeSpan.FromSeconds(40));
        await _platform.GetOkAsync("/api/v1/events");
        await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}");

        var seen = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal(TestApp.Start.AddSeconds(40), seen["delivered_at"]!.GetValue<DateTimeOffset>());
        var timeline = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}/events");
        var delivered = timeline.AsArray().Where(e => e!["type"]!.GetValue<string>() == "order.delivered").ToList();
        Assert.Single(delivered);
        Assert.Equal("feed", delivered[0]!["data"]!["via"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadingTheOrder_SetsDeliveredAt_ButTheAuthorityReadingItDoesNot()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        Assert.Null((await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}"))["delivered_at"]);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var read = await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal(TestApp.Start.AddMinutes(2), read["delivered_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task HeldOrder_IsNotAnnouncedToThePlatform_AndTheInvestigatorIsNotToldWhoSentIt()
    {
        var investigator = await _app.AuthorityAsync("Investigator");
        await investigator.PostOkAsync("/api/v1/deconfliction/entries", new { kind = "url", value = "https://forum.example/cell/7" });
        var order = await _authority.IssueOrderAsync(_platform.Id, "https://forum.example/cell/7");
        Assert.Equal("held", order["status"]!.GetValue<string>());

        Assert.Empty((await _platform.GetOkAsync("/api/v1/events"))["data"]!.AsArray());
        var feed = await investigator.GetOkAsync("/api/v1/events");
        var requested = feed["data"]!.AsArray().Single()!;
        Assert.Equal("deconfliction.requested", requested["type"]!.GetValue<string>());
        var text = requested.ToJsonString();
        Assert.DoesNotContain(_authority.Id.ToString(), text);
        Assert.DoesNotContain(order["id"]!.GetValue<string>(), text);

        await investigator.PostOkAsync($"/api/v1/deconfliction/holds/{requested["data"]!["id"]}/release", new { });
        Assert.Equal(["order.created"], Types(await _platform.GetOkAsync("/api/v1/events")));
    }

    [Fact]
    public async Task Overdue_IsAnnouncedToBothSides()
    {
        await _authority.IssueOrderAsync(_platform.Id);
        _app.Clock.Advance(TimeSpan.FromMinutes(61));
        await Eventually.TrueAsync(async () => Types(await _authority.GetOkAsync("/api/v1/events")).Contains("order.overdue"));
        Assert.Contains("order.overdue", Types(await _platform.GetOkAsync("/api/v1/events")));
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1", "after")]
    [InlineData("wait=999", "wait")]
    [InlineData("wait=x", "wait")]
    [InlineData("limit=0", "limit")]
    public async Task Feed_RefusesBadParameters_NamingTheField(string query, string field) =>
        await Problem.AssertAsync(await _platform.GetAsync($"/api/v1/events?{query}"), 400, field);

    [Fact]
    public async Task Feed_WithoutAKey_Is401() =>
        await Problem.AssertAsync(await _app.Anonymous().GetAsync("/api/v1/events"), 401);
}
