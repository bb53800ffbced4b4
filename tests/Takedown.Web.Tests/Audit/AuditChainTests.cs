namespace Takedown.Web.Tests.Audit;

public sealed class AuditChainTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task ActivityAsync()
    {
        var authority = await _app.AuthorityAsync();
        var platform = await _app.PlatformAsync();
        var order = await authority.IssueOrderAsync(platform.Id);
        await platform.ActAsync(order, 0, new { action = "removed" });
    }

    [Fact]
    public async Task Verify_OnAnUntouchedLog_IsOk_AndCountsEveryEvent()
    {
        await ActivityAsync();
        var result = await _app.Operator.GetOkAsync("/api/v1/audit/verify");
        Assert.True(result["ok"]!.GetValue<bool>());
        var all = await _app.Operator.GetOkAsync("/api/v1/audit?limit=200");
        Assert.Equal(all["data"]!.AsArray().Count, result["events"]!.GetValue<int>());
        Assert.True(result["events"]!.GetValue<int>() >= 6);
    }

    [Fact]
    public async Task Verify_AfterARowIsAlteredInTheDatabase_NamesTheBrokenEvent()
    {
        await ActivityAsync();
        Assert.Equal(1, await _app.ExecuteSqlAsync("UPDATE audit_events SET data_json = '{\"action\":\"disabled\"}' WHERE type = 'order.item_actioned'"));
        var seq = Convert.ToInt64(await _app.ScalarSqlAsync("SELECT seq FROM audit_events WHERE type = 'order.item_actioned'"));
        var result = await _app.Operator.GetOkAsync("/api/v1/audit/verify");
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal(seq, result["broken_at_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task Verify_AfterARowIsDeleted_IsBroken()
    {
        await ActivityAsync();
        await _app.ExecuteSqlAsync("DELETE FROM audit_events WHERE seq = 2");
        var result = await _app.Operator.GetOkAsync("/api/v1/audit/verify");
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal(3, result["broken_at_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task AuditLog_IsReadableByOperatorAndOversightOnly()
    {
        var oversight = await _app.CreateOrganizationAsync("oversight");
        var authority = await _app.AuthorityAsync();
        var platform = await _app.PlatformAsync();
        Assert.NotEmpty((await oversight.GetOkAsync("/api/v1/audit"))["data"]!.AsArray());
        Assert.True((await oversight.GetOkAsync("/api/v1/audit/verify"))["ok"]!.GetValue<bool>());
        await Problem.AssertAsync(await authority.GetAsync("/api/v1/audit"), 403);
        await Problem.AssertAsync(await platform.GetAsync("/api/v1/audit/verify"), 403);
    }
}
