namespace Takedown.Web.Tests.Banks;

public sealed class BankTenancyTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _owner = null!;
    private ApiClient _member = null!;
    private ApiClient _stranger = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _owner = await _app.PlatformAsync("Owner");
        _member = await _app.PlatformAsync("Member");
        _stranger = await _app.PlatformAsync("Stranger");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PrivateBank_NeverMatchesForOthers()
    {
        await _owner.CreateBankAsync("PRIVATE_ONLY");
        var hex = BankIntents.RandomHash(50);
        await _owner.AddPdqAsync("PRIVATE_ONLY", hex);
        await _owner.PostOkAsync("/api/v1/banks/PRIVATE_ONLY/entries", new { signal_type = "md5", signal = new string('d', 32) });

        Assert.Single((await _owner.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Empty((await _stranger.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Empty((await _stranger.MatchPdqAsync(BankIntents.Flip(hex, 5)))["matches"]!.AsArray());
        Assert.Empty((await _stranger.PostOkAsync("/api/v1/match", new { signal_type = "md5", signal = new string('d', 32) }))["matches"]!.AsArray());
        var batch = await _stranger.PostOkAsync("/api/v1/match/batch", new { signals = new[] { new { signal_type = "pdq", signal = hex } } });
        Assert.Empty(batch["results"]![0]!["matches"]!.AsArray());
    }

    [Fact]
    public async Task SomeoneElsesPrivateBank_Answers404_ForEveryRoute()
    {
        await _owner.CreateBankAsync("NOT_YOURS");
        var entry = await _owner.AddPdqAsync("NOT_YOURS", BankIntents.RandomHash(51));
        var id = entry["id"]!.GetValue<string>();
        await Problem.AssertAsync(await _stranger.GetAsync("/api/v1/banks/NOT_YOURS"), 404);
        await Problem.AssertAsync(await _stranger.GetAsync("/api/v1/banks/NOT_YOURS/entries"), 404);
        await Problem.AssertAsync(await _stranger.GetAsync($"/api/v1/banks/NOT_YOURS/entries/{id}"), 404);
        await Problem.AssertAsync(await _stranger.PostAsync("/api/v1/banks/NOT_YOURS/entries", new { signal_type = "pdq", signal = BankIntents.RandomHash(52) }), 404);
        await Problem.AssertAsync(await _stranger.PostAsync($"/api/v1/banks/NOT_YOURS/entries/{id}/disable"), 404);
        await Problem.AssertAsync(await _stranger.SendAsync(HttpMethod.Put, $"/api/v1/banks/NOT_YOURS/entries/{id}/opinion", new { opinion = "agree" }), 404);
        await Problem.AssertAsync(await _stranger.SendAsync(HttpMethod.Patch, "/api/v1/banks/NOT_YOURS", new { visibility = "all_members" }), 404);
        await Problem.AssertAsync(await _stranger.UploadAsync("/api/v1/banks/NOT_YOURS/entries", TestImages.ScenePng(1)), 404);
        Assert.DoesNotContain((await _stranger.GetOkAsync("/api/v1/banks"))["data"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "NOT_YOURS");
    }

    [Fact]
    public async Task SharedBank_MatchesForNamedMembersOnly()
    {
        await _owner.CreateBankAsync("SHARED_WITH_ONE", "shared", _member.Id);
        var hex = BankIntents.RandomHash(53);
        await _owner.AddPdqAsync("SHARED_WITH_ONE", hex);
        var match = (await _member.MatchPdqAsync(BankIntents.Flip(hex, 10)))["matches"]!.AsArray();
        Assert.Equal("SHARED_WITH_ONE", Assert.Single(match)!["bank"]!.GetValue<string>());
        Assert.Equal(10, match[0]!["distance"]!.GetValue<int>());
        Assert.Empty((await _stranger.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Contains((await _member.GetOkAsync("/api/v1/banks"))["data"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "SHARED_WITH_ONE");
    }

    [Fact]
    public async Task AllMembersBank_MatchesForEveryone_AndMakingItPrivateStopsThat()
    {
        await _owner.CreateBankAsync("FOR_EVERYONE", "all_members");
        var hex = BankIntents.RandomHash(54);
        await _owner.AddPdqAsync("FOR_EVERYONE", hex);
        Assert.Single((await _stranger.MatchPdqAsync(hex))["matches"]!.AsArray());

        await ApiClient.ReadOkAsync(await _owner.SendAsync(HttpMethod.Patch, "/api/v1/banks/FOR_EVERYONE", new { visibility = "private" }));
        Assert.Empty((await _stranger.MatchPdqAsync(hex))["matches"]!.AsArray());
        await Problem.AssertAsync(await _stranger.GetAsync("/api/v1/banks/FOR_EVERYONE"), 404);
    }

    [Fact]
    public async Task Member_MayNotChangeWhoUsesTheBank()
    {
        await _owner.CreateBankAsync("OWNER_DECIDES", "shared", _member.Id);
        await Problem.AssertAsync(await _member.SendAsync(HttpMethod.Patch, "/api/v1/banks/OWNER_DECIDES", new { visibility = "all_members" }), 403);
    }

    [Fact]
    public async Task Authority_MayHoldABank_ButTheOperatorMayNot()
    {
        var authority = await _app.AuthorityAsync();
        await authority.CreateBankAsync("AUTHORITY_BANK");
        await Problem.AssertAsync(await _app.Operator.PostAsync("/api/v1/banks", new { name = "OPERATOR_BANK" }), 403);
    }
}
