namespace Takedown.Web.Tests.Banks;

public sealed class FeedTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _owner = null!;
    private ApiClient _member = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _owner = await _app.PlatformAsync("Owner");
        _member = await _app.PlatformAsync("Member");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Feed_CarriesAddsDisablesAndEnablesInOrder_AndResumesFromACursor()
    {
        await _owner.CreateBankAsync("FEED", "all_members");
        var a = await _owner.AddPdqAsync("FEED", BankIntents.RandomHash(30));
        var b = await _owner.AddPdqAsync("FEED", BankIntents.RandomHash(31));
        await _owner.PostOkAsync($"/api/v1/banks/FEED/entries/{a["id"]}/disable");

        var first = await _member.GetOkAsync("/api/v1/banks/FEED/entries");
        var changes = first["data"]!.AsArray().Select(c => (c!["change"]!.GetValue<string>(), c["entry"]!["id"]!.GetValue<string>())).ToList();
        Assert.Equal([("added", a["id"]!.GetValue<string>()), ("added", b["id"]!.GetValue<string>()), ("disabled", a["id"]!.GetValue<string>())], changes);
        var cursor = first["next_cursor"]!.GetValue<string>();

        Assert.Empty((await _member.GetOkAsync($"/api/v1/banks/FEED/entries?after={cursor}"))["data"]!.AsArray());

        await _owner.PostOkAsync($"/api/v1/banks/FEED/entries/{a["id"]}/enable");
        var c2 = await _owner.AddPdqAsync("FEED", BankIntents.RandomHash(32));
        var next = await _member.GetOkAsync($"/api/v1/banks/FEED/entries?after={cursor}");
        var more = next["data"]!.AsArray().Select(c => (c!["change"]!.GetValue<string>(), c["entry"]!["id"]!.GetValue<string>())).ToList();
        Assert.Equal([("enabled", a["id"]!.GetValue<string>()), ("added", c2["id"]!.GetValue<string>())], more);
    }

    [Fact]
    public async Task Feed_PagesWithLimit_AndSaysWhenThereIsMore()
    {
        await _owner.CreateBankAsync("PAGED");
        for (var i = 0; i < 5; i++) await _owner.AddPdqAsync("PAGED", BankIntents.RandomHash(40 + i));
        var seen = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var body = await _owner.GetOkAsync("/api/v1/banks/PAGED/entries?limit=2" + (cursor is null ? "" : $"&after={cursor}"));
            seen.AddRange(body["data"]!.AsArray().Select(c => c!["entry"]!["id"]!.GetValue<string>()));
            cursor = body["next_cursor"]!.GetValue<string>();
            if (!body["has_more"]!.GetValue<bool>()) break;
        }
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=-1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5000", "limit")]
    public async Task Feed_WithABadCursorOrLimit_IsRefusedNamingTheParameter(string query, string field)
    {
        await _owner.CreateBankAsync("BAD_CURSOR_" + field.ToUpperInvariant() + (query.Length % 7));
        await Problem.AssertAsync(await _owner.GetAsync($"/api/v1/banks/BAD_CURSOR_{field.ToUpperInvariant()}{query.Length % 7}/entries?{query}"), 400, field);
    }
}
