namespace Takedown.Web.Tests.Banks;

public sealed class OpinionTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _owner = null!;
    private ApiClient _member = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _owner = await _app.PlatformAsync("Owner");
        _member = await _app.PlatformAsync("Member");
        await _owner.CreateBankAsync("SHARED_OPINIONS", "shared", _member.Id);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task MembersOpinions_AreCountedAndAMemberMayChangeTheirMind()
    {
        var entry = await _owner.AddPdqAsync("SHARED_OPINIONS", BankIntents.RandomHash(20));
        var path = $"/api/v1/banks/SHARED_OPINIONS/entries/{entry["id"]}/opinion";
        await ApiClient.ReadOkAsync(await _member.SendAsync(HttpMethod.Put, path, new { opinion = "disagree" }));
        var after = await ApiClient.ReadOkAsync(await _member.SendAsync(HttpMethod.Put, path, new { opinion = "agree" }));
        Assert.Equal(1, after["opinions"]!["agree"]!.GetValue<int>());
        Assert.Equal(0, after["opinions"]!["disagree"]!.GetValue<int>());
    }

    [Fact]
    public async Task MembersFalsePositive_DoesNotStopMatching_ButTheOwnersDoesUntilWithdrawn()
    {
        var hex = BankIntents.RandomHash(21);
        var entry = await _owner.AddPdqAsync("SHARED_OPINIONS", hex);
        var path = $"/api/v1/banks/SHARED_OPINIONS/entries/{entry["id"]}/opinion";

        await ApiClient.ReadOkAsync(await _member.SendAsync(HttpMethod.Put, path, new { opinion = "false_positive" }));
        Assert.Single((await _member.MatchPdqAsync(hex))["matches"]!.AsArray());

        var flagged = await ApiClient.ReadOkAsync(await _owner.SendAsync(HttpMethod.Put, path, new { opinion = "false_positive" }));
        Assert.False(flagged["matchable"]!.GetValue<bool>());
        Assert.Equal("enabled", flagged["status"]!.GetValue<string>());
        Assert.Empty((await _member.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Empty((await _owner.MatchPdqAsync(hex))["matches"]!.AsArray());

        await ApiClient.ReadOkAsync(await _owner.SendAsync(HttpMethod.Put, path, new { opinion = "agree" }));
        Assert.Single((await _member.MatchPdqAsync(hex))["matches"]!.AsArray());
    }

    [Fact]
    public async Task Opinion_ThatIsNotOneOfTheThree_IsRefused()
    {
        var entry = await _owner.AddPdqAsync("SHARED_OPINIONS", BankIntents.RandomHash(22));
        await Problem.AssertAsync(await _member.SendAsync(HttpMethod.Put, $"/api/v1/banks/SHARED_OPINIONS/entries/{entry["id"]}/opinion",
            new { opinion = "maybe" }), 400, "opinion");
    }

    [Fact]
    public async Task Member_MayNotAddDisableOrEnableEntries()
    {
        var entry = await _owner.AddPdqAsync("SHARED_OPINIONS", BankIntents.RandomHash(23));
        await Problem.AssertAsync(await _member.PostAsync("/api/v1/banks/SHARED_OPINIONS/entries",
            new { signal_type = "pdq", signal = BankIntents.RandomHash(24) }), 403);
        await Problem.AssertAsync(await _member.PostAsync($"/api/v1/banks/SHARED_OPINIONS/entries/{entry["id"]}/disable"), 403);
    }
}
