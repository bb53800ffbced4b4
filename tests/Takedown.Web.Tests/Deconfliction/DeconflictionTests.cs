namespace Takedown.Web.Tests.Deconfliction;

public sealed class DeconflictionTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _sender = null!;
    private ApiClient _investigator = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _sender = await _app.AuthorityAsync("Sender unit");
        _investigator = await _app.AuthorityAsync("Investigating unit");
        _platform = await _app.PlatformAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonNode> HeldOrderAsync()
    {
        await _investigator.PostOkAsync("/api/v1/deconfliction/entries", new { kind = "url", value = "https://forum.example/cell/7" });
        var order = await _sender.IssueOrderAsync(_platform.Id, "https://FORUM.example/cell/7/", "https://forum.example/other");
        Assert.Equal("held", order["status"]!.GetValue<string>());
        Assert.Null(order["received_at"]);
        return order;
    }

    [Fact]
    public async Task Order_TouchingAnotherAuthoritysEntry_IsHeld_AndThePlatformDoesNotSeeIt()
    {
        var order = await HeldOrderAsync();
        var inbox = await _platform.GetOkAsync("/api/v1/orders");
        Assert.Empty(inbox["data"]!.AsArray());
        await Problem.AssertAsync(await _platform.GetAsync($"/api/v1/orders/{order["id"]}"), 404);

        var holds = (await _investigator.GetOkAsync("/api/v1/deconfliction/holds")).AsArray();
        var hold = Assert.Single(holds);
        Assert.Equal("https://forum.example/cell/7", hold!["entry_value"]!.GetValue<string>());
        // The investigator learns which of its identifiers was touched, not who sent the order or why.
        var text = hold.ToJsonString();
        Assert.DoesNotContain(_sender.Id.ToString(), text);
        Assert.DoesNotContain(order["id"]!.GetValue<string>(), text);
        Assert.DoesNotContain("reference", text);
    }

    [Fact]
    public async Task OwnEntries_DoNotHoldOwnOrders()
    {
        await _sender.PostOkAsync("/api/v1/deconfliction/entries", new { kind = "url", value = "https://forum.example/mine" });
        var order = await _sender.IssueOrderAsync(_platform.Id, "https://forum.example/mine");
        Assert.Equal("open", order["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Release_DeliversTheOrderToThePlatform_WithTheClockStartingAtRelease()
    {
        var order = await HeldOrderAsync();
        _app.Clock.Advance(TimeSpan.FromMinutes(30));
        var hold = (await _investigator.GetOkAsync("/api/v1/deconfliction/holds")).AsArray()[0]!;
        var released = await _investigator.PostOkAsync($"/api/v1/deconfliction/holds/{hold["id"]}/release", new { });
        Assert.Equal("released", released["status"]!.GetValue<string>());

        var seen = await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("open", seen["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddMinutes(30), seen["received_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(TestApp.Start.AddMinutes(90), seen["due_at"]!.GetValue<DateTimeOffset>());
        Assert.All(seen["items"]!.AsArray(), i => Assert.Equal("pending", i!["status"]!.GetValue<string>()));
        var events = (await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}/events")).AsArray();
        Assert.DoesNotContain(events, e => e!["type"]!.GetValue<string>().Contains("held") || e!["type"]!.GetValue<string>().Contains("released"));
    }

    [Fact]
    public async Task Objection_WithdrawsTheTouchedItemAsDeconfliction_AndReleasesTheRest()
    {
        var order = await HeldOrderAsync();
        var hold = (await _investigator.GetOkAsync("/api/v1/deconfliction/holds")).AsArray()[0]!;
        await _investigator.PostOkAsync($"/api/v1/deconfliction/holds/{hold["id"]}/object", new { reason = "Live investigation." });

        var seenBySender = await _sender.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("withdrawn", seenBySender["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("deconfliction", seenBySender["items"]![0]!["withdrawn_reason"]!.GetValue<string>());
        Assert.Equal("pending", seenBySender["items"]![1]!["status"]!.GetValue<string>());
        var seenByPlatform = await _platform.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("open", seenByPlatform["status"]!.GetValue<string>());
        // The platform learns the item was withdrawn, never that an investigation was behind it.
        Assert.Equal("withdrawn", seenByPlatform["items"]![0]!["status"]!.GetValue<string>());
        Assert.DoesNotContain("deconfliction", seenByPlatform.ToJsonString());
        var inbox = await _platform.GetOkAsync("/api/v1/orders");
        Assert.DoesNotContain("deconfliction", inbox.ToJsonString());

        var twice = await _investigator.PostAsync($"/api/v1/deconfliction/holds/{hold["id"]}/release", new { });
        await Problem.AssertAsync(twice, 409);
    }

    [Fact]
    public async Task AccountEntry_HoldsAnOrderWhoseUrlNamesTheAccount()
    {
        await _investigator.PostOkAsync("/api/v1/deconfliction/entries", new { kind = "account", value = "@Recruiter99" });
        var order = await _sender.IssueOrderAsync(_platform.Id, "https://social.example/recruiter99/status/1");
        Assert.Equal("held", order["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Holds_OfAnotherAuthority_AreNotFound()
    {
        await HeldOrderAsync();
        var hold = (await _investigator.GetOkAsync("/api/v1/deconfliction/holds")).AsArray()[0]!;
        Assert.Empty((await _sender.GetOkAsync("/api/v1/deconfliction/holds")).AsArray());
        await Problem.AssertAsync(await _sender.PostAsync($"/api/v1/deconfliction/holds/{hold["id"]}/release", new { }), 404);
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/deconfliction/holds/{hold["id"]}/object", new { }), 404);
    }

    [Fact]
    public async Task Entry_WithBadKindOrUrl_IsRefused()
    {
        await Problem.AssertAsync(await _investigator.PostAsync("/api/v1/deconfliction/entries", new { kind = "phone", value = "x" }), 400, "kind");
        await Problem.AssertAsync(await _investigator.PostAsync("/api/v1/deconfliction/entries", new { kind = "url", value = "not a url" }), 400, "value");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/deconfliction/entries", new { kind = "url", value = "https://a.example" }), 403);
    }
}
