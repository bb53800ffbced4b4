using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Takedown.Core.DataRequests;
using Takedown.Web.Audit;
using Takedown.Web.Tests.Pages;
using Takedown.Core.Users;
using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Audit;

/// <summary>
/// The end of the audit chain: signed checkpoints every N events and every 10 minutes, and a verification
/// that names events cut off after a checkpoint, edited columns, forged checkpoints and a stopped writer.
/// </summary>
public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private const int Every = 5;
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null, "--Audit:CheckpointEvery", Every.ToString());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task ActivityAsync()
    {
        var authority = await _app.AuthorityAsync();
        var platform = await _app.PlatformAsync();
        var order = await authority.IssueOrderAsync(platform.Id);
        await platform.ActAsync(order, 0, new { action = "removed" });
    }

    private async Task<long> HeadAsync() => Convert.ToInt64(await _app.ScalarSqlAsync("SELECT MAX(seq) FROM audit_events"));

    private async Task<JsonNode> VerifyAsync() => await _app.Operator.GetOkAsync("/api/v1/audit/verify");

    private async Task<JsonNode?> CheckpointAsync()
    {
        var response = await _app.Operator.GetAsync("/api/v1/audit/checkpoint");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ApiClient.ReadOkAsync(response);
    }

    /// <summary>Moves the fake clock one writer poll at a time until <paramref name="done"/> holds (the writer looks every 5 s).</summary>
    private async Task PollUntilAsync(Func<JsonNode?, bool> done) =>
        await Eventually.TrueAsync(async () =>
        {
            if (done(await CheckpointAsync())) return true;
            _app.Clock.Advance(TimeSpan.FromSeconds(5));
            return false;
        });

    /// <summary>The signed bytes, spelled out here as docs/security.md documents them (not taken from the service's code).</summary>
    private static byte[] DocumentedPayload(JsonNode c) => Encoding.UTF8.GetBytes(
        $"takedown-audit-checkpoint/1\nseq={c["seq"]}\nhead_hash={c.S("head_hash")}\nat={c.S("at")}\nkey_id={c.S("key_id")}\nalgorithm={c.S("algorithm")}\n");

    private async Task<string> PublishedKeyAsync(string keyId)
    {
        var published = await _app.Anonymous().GetStringAsync("/.well-known/takedown-signing-key");
        return PublishedKeys.Find(JsonNode.Parse(published)!, keyId) ?? throw new Xunit.Sdk.XunitException($"{keyId} is not published: {published}");
    }

    [Fact]
    public async Task Checkpoint_AfterNEvents_IsWrittenWithoutWaitingTenMinutes_AndVerifiesAgainstThePublishedKey()
    {
        var before = (await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint"))["seq"]!.GetValue<long>();
        await ActivityAsync();
        Assert.True(await HeadAsync() >= before + Every);
        await PollUntilAsync(c => c!["seq"]!.GetValue<long>() >= before + Every);

        var checkpoint = (await CheckpointAsync())!;
        Assert.True(_app.Clock.GetUtcNow() - TestApp.Start < TimeSpan.FromMinutes(10));
        Assert.Equal("takedown-audit-checkpoint/1", checkpoint.S("format"));
        Assert.Equal("Ed25519", checkpoint.S("algorithm"));
        var seq = checkpoint["seq"]!.GetValue<long>();
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray();
        Assert.Equal(events.Single(e => e!["seq"]!.GetValue<long>() == seq)!.S("hash"), checkpoint.S("head_hash"));

        var key = await PublishedKeyAsync(checkpoint.S("key_id"));
        Assert.True(SigningKeys.Verify(key, DocumentedPayload(checkpoint), checkpoint.S("signature")));
        Assert.True((await VerifyAsync())["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ForgedCheckpoint_WithAnEditedHeadHash_DoesNotVerify_AndAStoredForgeryFailsTheChain()
    {
        await ActivityAsync();
        var checkpoint = await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        var key = await PublishedKeyAsync(checkpoint.S("key_id"));
        var forged = checkpoint.DeepClone();
        forged["head_hash"] = new string('a', 64);
        Assert.False(SigningKeys.Verify(key, DocumentedPayload(forged), forged.S("signature")));

        Assert.Equal(1, await _app.ExecuteSqlAsync($"UPDATE audit_checkpoints SET head_hash = '{new string('a', 64)}' WHERE seq = {checkpoint["seq"]}"));
        var result = await VerifyAsync();
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("checkpoint_signature", result.S("problem"));
        Assert.Contains("signature", result.S("reason"));
    }

    [Fact]
    public async Task FewerThanNEvents_AreSignedWithinTenMinutes()
    {
        await ActivityAsync();
        var first = await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        Assert.Equal(await HeadAsync(), first["seq"]!.GetValue<long>());
        await _app.AuthorityAsync();
        var head = await HeadAsync();
        Assert.InRange(head - first["seq"]!.GetValue<long>(), 1, Every - 1);

        for (var minute = 1; minute <= 9; minute++) _app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(first["seq"]!.GetValue<long>(), (await CheckpointAsync())!["seq"]!.GetValue<long>());

        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await PollUntilAsync(c => c!["seq"]!.GetValue<long>() == head);
        var second = (await CheckpointAsync())!;
        Assert.True(DateTimeOffset.Parse(second.S("at")) - DateTimeOffset.Parse(first.S("at")) >= TimeSpan.FromMinutes(10));
        Assert.True(DateTimeOffset.Parse(second.S("at")) - TestApp.Start < TimeSpan.FromMinutes(11));
        Assert.True((await VerifyAsync())["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Truncation_OfTheLastEventsAfterACheckpoint_NamesTheMissingEvents()
    {
        await ActivityAsync();
        var checkpoint = await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        var seq = checkpoint["seq"]!.GetValue<long>();
        Assert.True((await VerifyAsync())["ok"]!.GetValue<bool>());

        Assert.Equal(3, await _app.ExecuteSqlAsync($"DELETE FROM audit_events WHERE seq > {seq - 3}"));
        var result = await VerifyAsync();
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("missing_events", result.S("problem"));
        Assert.Equal(seq - 2, result["broken_at_seq"]!.GetValue<long>());
        Assert.Contains($"events {seq - 2} to {seq} are missing", result.S("reason"));
    }

    [Fact]
    public async Task Truncation_WithTheServerStopped_IsNamedAfterTheRestart()
    {
        await ActivityAsync();
        await _app.AuthorityAsync();
        var head = await HeadAsync();
        // Stopping the service signs the head: the checkpoint it leaves behind covers every event.
        await _app.App.StopAsync();

        var store = Takedown.Core.Storage.DatabaseFactory.Create(_app.DataDir, _app.Database.ConnectionString);
        await using (var c = await store.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(head, Convert.ToInt64(await ScalarAsync(c, "SELECT MAX(seq) FROM audit_checkpoints")));
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"DELETE FROM audit_events WHERE seq > {head - 4}";
            Assert.Equal(4, await cmd.ExecuteNonQueryAsync());
        }
        if (store is IAsyncDisposable d) await d.DisposeAsync();

        await using var restarted = await RestartAsync(TimeSpan.FromMinutes(30));
        var result = await restarted.Operator.GetOkAsync("/api/v1/audit/verify");
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("missing_events", result.S("problem"));
        Assert.Contains($"events {head - 3} to {head} are missing", result.S("reason"));
    }

    [Fact]
    public async Task EditedPlatformVisible_IsCaught()
    {
        await ActivityAsync();
        var seq = Convert.ToInt64(await _app.ScalarSqlAsync("SELECT seq FROM audit_events WHERE type = 'order.item_actioned'"));
        Assert.Equal(1, await _app.ExecuteSqlAsync($"UPDATE audit_events SET platform_visible = 0 WHERE seq = {seq}"));
        var result = await VerifyAsync();
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("edited", result.S("problem"));
        Assert.Equal(seq, result["broken_at_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task ThePersonActing_IsRecordedAndShown_AndEditingItIsCaught()
    {
        var authority = await _app.AuthorityAsync();
        await PageClient.SignInAsync(_app, authority.Id, Roles.Analyst);
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray();
        var signedIn = events.Single(e => e!.S("type") == "user.signed_in")!;
        Assert.Equal(signedIn.S("subject_id"), signedIn.S("actor_person_id"));
        Assert.Null(events.First(e => e!.S("type") == "organization.created")!["actor_person_id"]);

        var seq = signedIn["seq"]!.GetValue<long>();
        Assert.Equal(1, await _app.ExecuteSqlAsync($"UPDATE audit_events SET actor_person_id = '{Guid.NewGuid()}' WHERE seq = {seq}"));
        var result = await VerifyAsync();
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("edited", result.S("problem"));
        Assert.Equal(seq, result["broken_at_seq"]!.GetValue<long>());
    }

    [Fact]
    public async Task StoppedCheckpointWriter_OrDeletedCheckpoints_LeaveEventsUncovered_AndVerificationSaysSo()
    {
        await ActivityAsync();
        var writer = _app.App.Services.GetServices<IHostedService>().OfType<CheckpointWriter>().Single();
        await writer.StopAsync(CancellationToken.None);
        var covered = (await CheckpointAsync())!["seq"]!.GetValue<long>();
        Assert.Equal(await HeadAsync(), covered);

        await _app.AuthorityAsync();
        var head = await HeadAsync();
        _app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.True((await VerifyAsync())["ok"]!.GetValue<bool>());

        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var overdue = await VerifyAsync();
        Assert.False(overdue["ok"]!.GetValue<bool>());
        Assert.Equal("checkpoint_overdue", overdue.S("problem"));
        Assert.Contains($"events {covered + 1} to {head}", overdue.S("reason"));

        await _app.ExecuteSqlAsync("DELETE FROM audit_checkpoints");
        var none = await VerifyAsync();
        Assert.False(none["ok"]!.GetValue<bool>());
        Assert.Equal("checkpoint_overdue", none.S("problem"));
        Assert.Contains($"events 1 to {head}", none.S("reason"));
    }

    [Fact]
    public async Task EventsHashedTheOldWay_StillVerify_NewEventsUseTheFullForm_AndNoEventGoesBackToTheOldForm()
    {
        await ActivityAsync();
        var old = await HeadAsync();
        await RewriteAsFormOneAsync(old);
        await ActivityAsync();
        var result = await VerifyAsync();
        Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
        var events = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray();
        Assert.All(events.Where(e => e!["seq"]!.GetValue<long>() <= old), e => Assert.Equal(1, e!["hash_version"]!.GetValue<int>()));
        Assert.All(events.Where(e => e!["seq"]!.GetValue<long>() > old), e => Assert.Equal(2, e!["hash_version"]!.GetValue<int>()));

        // Form 1 never held a person: one written into an old event now is an edit.
        Assert.Equal(1, await _app.ExecuteSqlAsync($"UPDATE audit_events SET actor_person_id = '{Guid.NewGuid()}' WHERE seq = {old}"));
        var framed = await VerifyAsync();
        Assert.Equal("edited", framed.S("problem"));
        Assert.Equal(old, framed["broken_at_seq"]!.GetValue<long>());
        await _app.ExecuteSqlAsync($"UPDATE audit_events SET actor_person_id = NULL WHERE seq = {old}");

        // A new event relabelled as form 1 (to take platform_visible out of its hash) no longer matches its hash.
        Assert.Equal(1, await _app.ExecuteSqlAsync($"UPDATE audit_events SET hash_version = 1 WHERE seq = {old + 2}"));
        var downgraded = await VerifyAsync();
        Assert.False(downgraded["ok"]!.GetValue<bool>());
        Assert.Equal(old + 2, downgraded["broken_at_seq"]!.GetValue<long>());
    }

    /// <summary>Makes events 1..<paramref name="upTo"/> look as a database from before migration 0015 holds them: form-1 hashes, no person, no checkpoints.</summary>
    private async Task RewriteAsFormOneAsync(long upTo)
    {
        var db = _app.App.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        var rows = (await Dapper.SqlMapper.QueryAsync<(long seq, string id, string at, string type, string? org, string? key, string? order, string? item, string? subject, string data)>(c,
            "SELECT seq, id, at, type, actor_org_id, actor_key_id, order_id, item_id, subject_id, data_json FROM audit_events WHERE seq <= @upTo ORDER BY seq", new { upTo })).ToList();
        var prev = new string('0', 64);
        foreach (var r in rows)
        {
            // Form 1 as the code before migration 0015 wrote it: the fields joined by newlines, nulls empty.
            var text = string.Join('\n', r.seq, r.id, r.at, r.type, r.org ?? "", r.key ?? "", r.order ?? "", r.item ?? "", r.subject ?? "", r.data, prev);
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE audit_events SET hash_version = 1, actor_person_id = NULL, prev_hash = @prev, hash = @hash WHERE seq = @seq", new { prev, hash, r.seq });
            prev = hash;
        }
        await Dapper.SqlMapper.ExecuteAsync(c, "DELETE FROM audit_checkpoints");
    }

    [Fact]
    public async Task EveryColumn_IsInTheHash_InTheFormTheDocsGive()
    {
        await ActivityAsync();
        var db = _app.App.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        var rows = (await Dapper.SqlMapper.QueryAsync(c,
            "SELECT hash_version, seq, id, at, type, actor_org_id, actor_key_id, actor_person_id, order_id, item_id, subject_id, platform_visible, data_json, prev_hash, hash FROM audit_events ORDER BY seq")).ToList();
        Assert.NotEmpty(rows);
        var prev = new string('0', 64);
        foreach (IDictionary<string, object?> r in rows)
        {
            var text = new StringBuilder();
            foreach (var column in new[] { "hash_version", "seq", "id", "at", "type", "actor_org_id", "actor_key_id", "actor_person_id", "order_id", "item_id", "subject_id", "platform_visible", "data_json", "prev_hash" })
            {
                var value = r[column] is null or DBNull ? null : Convert.ToString(r[column], System.Globalization.CultureInfo.InvariantCulture);
                text.Append(value is null ? "-\n" : $"{Encoding.UTF8.GetByteCount(value)}:{value}\n");
            }
            Assert.Equal(prev, (string)r["prev_hash"]!);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))), (string)r["hash"]!);
            prev = (string)r["hash"]!;
        }
    }

    [Fact]
    public async Task KeptCopy_CheckedByAnAuthority_NamesEventsCutOff_AfterTheStoredCheckpointsWereDeletedToo()
    {
        await ActivityAsync();
        var authority = await _app.AuthorityAsync();
        await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        var kept = await authority.GetOkAsync("/api/v1/audit/checkpoint");
        var seq = kept["seq"]!.GetValue<long>();
        Assert.True((await authority.PostOkAsync("/api/v1/audit/verify", kept))["ok"]!.GetValue<bool>());

        await _app.ExecuteSqlAsync("DELETE FROM audit_checkpoints");
        Assert.Equal(3, await _app.ExecuteSqlAsync($"DELETE FROM audit_events WHERE seq > {seq - 3}"));
        await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        Assert.True((await VerifyAsync())["ok"]!.GetValue<bool>());

        var result = await authority.PostOkAsync("/api/v1/audit/verify", kept);
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("missing_events", result.S("problem"));
        Assert.Contains($"events {seq - 2} to {seq} are missing", result.S("reason"));

        var forged = kept.DeepClone();
        forged["seq"] = seq - 3;
        var refused = await authority.PostOkAsync("/api/v1/audit/verify", forged);
        Assert.False(refused["ok"]!.GetValue<bool>());
        Assert.Equal("checkpoint_signature", refused.S("problem"));

        var bad = kept.DeepClone();
        bad["head_hash"] = "not a hash";
        await Problem.AssertAsync(await authority.PostAsync("/api/v1/audit/verify", bad), 400, "head_hash");
        await Problem.AssertAsync(await authority.SendRawAsync(HttpMethod.Post, "/api/v1/audit/verify", "[1]"), 400, "body");
    }

    [Fact]
    public async Task Checkpoint_IsReadableByEveryOrganisation_ButOnlyTheOperatorAsksForOne()
    {
        await ActivityAsync();
        var platform = await _app.PlatformAsync();
        await Problem.AssertAsync(await platform.PostAsync("/api/v1/audit/checkpoint"), 403);
        var written = await _app.Operator.PostOkAsync("/api/v1/audit/checkpoint");
        Assert.Equal(written.ToJsonString(), (await platform.GetOkAsync("/api/v1/audit/checkpoint")).ToJsonString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/v1/audit/checkpoint")).StatusCode);
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>A second service on the same data directory and database, its clock <paramref name="later"/> on.</summary>
    private async Task<Restarted> RestartAsync(TimeSpan later)
    {
        var builder = TakedownApp.CreateBuilder(["--data", _app.DataDir, .. _app.Database.Args, "--Audit:CheckpointEvery", Every.ToString()]);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(_app.Clock.GetUtcNow() + later));
        var app = TakedownApp.Build(builder);
        await app.StartAsync();
        return new Restarted(app, new ApiClient(app.GetTestClient(), _app.Operator.Key, _app.Operator.Id));
    }

    private sealed record Restarted(WebApplication App, ApiClient Operator) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}

/// <summary>Finds a key in /.well-known/takedown-signing-key, whether it lists one key or several (current and retired).</summary>
internal static class PublishedKeys
{
    public static string? Find(JsonNode? node, string keyId)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["key_id"]?.GetValue<string>() == keyId && o["public_key"] is JsonValue v) return v.GetValue<string>();
                foreach (var (_, child) in o)
                    if (Find(child, keyId) is { } found) return found;
                return null;
            case JsonArray a:
                foreach (var child in a)
                    if (Find(child, keyId) is { } found) return found;
                return null;
            default:
                return null;
        }
    }
}

/// <summary>Unusable checkpoint settings stop the service at start-up, naming the key.</summary>
public sealed class AuditOptionsTests
{
    [Theory]
    [InlineData("--Audit:CheckpointEvery=0", "Audit:CheckpointEvery")]
    [InlineData("--Audit:CheckpointMinutes=0", "Audit:CheckpointMinutes")]
    [InlineData("--Audit:GraceMinutes=-1", "Audit:GraceMinutes")]
    [InlineData("--Audit:PollSeconds=601", "Audit:PollSeconds")]
    public async Task BadSetting_RefusesToStart(string setting, string named)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(null, setting));
        Assert.Contains(named, ex.ToString());
    }
}
