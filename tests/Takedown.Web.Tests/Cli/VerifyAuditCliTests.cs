namespace Takedown.Web.Tests.Cli;

/// <summary>
/// `takedown admin verify-audit --checkpoint FILE`: a checkpoint a party kept outside the database still names
/// the events cut off when whoever holds the database deletes the stored checkpoints as well.
/// </summary>
public sealed class VerifyAuditCliTests : IAsyncLifetime
{
    private readonly string _files = Path.Combine(Path.GetTempPath(), "takedown-kept", Guid.NewGuid().ToString("N"));
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_files);
        _app = await TestApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        try { Directory.Delete(_files, true); } catch (IOException) { }
    }

    private async Task ActivityAsync()
    {
        var authority = await _app.AuthorityAsync();
        var platform = await _app.PlatformAsync();
        var order = await authority.IssueOrderAsync(platform.Id);
        await platform.ActAsync(order, 0, new { action = "removed" });
    }

    private Task<(int Code, string Out, string Err)> VerifyAuditAsync(params string[] extra) =>
        ServiceProcess.RunCliAsync(null, ["admin", "verify-audit", "--data", _app.DataDir, .. _app.Database.Args, .. extra]);

    /// <summary>What a party does: download the latest checkpoint and the published key, and keep both.</summary>
    private async Task<(string Checkpoint, string Key, JsonNode Kept)> KeepCopiesAsync()
    {
        var platform = await _app.PlatformAsync();
        await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        var response = await platform.GetAsync("/api/v1/audit/checkpoint");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checkpoint = Path.Combine(_files, "checkpoint.json");
        await File.WriteAllTextAsync(checkpoint, text);
        var key = Path.Combine(_files, "signing-key.json");
        await File.WriteAllTextAsync(key, await _app.Anonymous().GetStringAsync("/.well-known/takedown-signing-key"));
        return (checkpoint, key, JsonNode.Parse(text)!);
    }

    [Fact]
    public async Task KeptCheckpoint_NamesEventsCutOff_AfterTheStoredCheckpointsWereDeletedToo()
    {
        await ActivityAsync();
        var (checkpoint, key, kept) = await KeepCopiesAsync();
        var seq = kept["seq"]!.GetValue<long>();
        var intact = await VerifyAuditAsync("--checkpoint", checkpoint, "--key", key);
        Assert.True(intact.Code == 0, intact.Err);
        Assert.True(JsonNode.Parse(intact.Out)!["ok"]!.GetValue<bool>());

        // Whoever holds the database removes the checkpoints, cuts off the last events, and lets the service sign the shorter chain.
        await _app.ExecuteSqlAsync("DELETE FROM audit_checkpoints");
        Assert.Equal(3, await _app.ExecuteSqlAsync($"DELETE FROM audit_events WHERE seq > {seq - 3}"));
        await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        Assert.True((await _app.Operator.GetOkAsync("/api/v1/audit/verify"))["ok"]!.GetValue<bool>());

        var (code, stdout, stderr) = await VerifyAuditAsync("--checkpoint", checkpoint, "--key", key);
        Assert.NotEqual(0, code);
        Assert.Contains($"events {seq - 2} to {seq} are missing", stderr);
        Assert.Equal("missing_events", JsonNode.Parse(stdout)!["problem"]!.GetValue<string>());

        // New events past the kept sequence number do not hide it: the chain there is not the one that was signed.
        await ActivityAsync();
        var (again, _, rewritten) = await VerifyAuditAsync("--checkpoint", checkpoint, "--key", key);
        Assert.NotEqual(0, again);
        Assert.Contains($"the chain at seq {seq} is not the one the kept checkpoint", rewritten);
    }

    [Fact]
    public async Task ForgedKeptCheckpoint_OrAnotherKey_IsRefused()
    {
        await ActivityAsync();
        var (checkpoint, key, kept) = await KeepCopiesAsync();
        var forged = kept.DeepClone();
        forged["head_hash"] = new string('b', 64);
        var forgedFile = Path.Combine(_files, "forged.json");
        await File.WriteAllTextAsync(forgedFile, forged.ToJsonString());
        var (code, _, stderr) = await VerifyAuditAsync("--checkpoint", forgedFile, "--key", key);
        Assert.NotEqual(0, code);
        Assert.Contains("does not carry a valid signature", stderr);

        // Without --key the database's own record of the key is used, and says so.
        var (unpinned, _, note) = await VerifyAuditAsync("--checkpoint", forgedFile);
        Assert.NotEqual(0, unpinned);
        Assert.Contains("pin the published key with --key", note);

        var stranger = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (other, _, refused) = await VerifyAuditAsync("--checkpoint", checkpoint, "--key", stranger);
        Assert.NotEqual(0, other);
        Assert.Contains("does not carry a valid signature", refused);
    }

    [Fact]
    public async Task MalformedCheckpointFile_IsInvalid_NamingTheField()
    {
        await ActivityAsync();
        var (_, _, kept) = await KeepCopiesAsync();
        kept["seq"] = "twelve";
        var file = Path.Combine(_files, "bad.json");
        await File.WriteAllTextAsync(file, kept.ToJsonString());
        var (code, _, stderr) = await VerifyAuditAsync("--checkpoint", file);
        Assert.Equal(2, code);
        Assert.Contains("seq", stderr);
    }

    [Fact]
    public async Task DeletedCheckpoints_WithTheServiceStopped_LeaveEventsUncovered_AndTheCommandSaysSo()
    {
        await ActivityAsync();
        await _app.App.StopAsync();
        var stored = await VerifyAuditAsync();
        Assert.True(stored.Code == 0, stored.Err);

        await _app.ExecuteSqlAsync("DELETE FROM audit_checkpoints");
        var (code, _, stderr) = await VerifyAuditAsync();
        Assert.NotEqual(0, code);
        Assert.Contains("covered by no checkpoint", stderr);
    }
}
