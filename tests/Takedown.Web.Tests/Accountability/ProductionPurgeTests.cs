using System.Net.Http.Headers;
using System.Text;
using Takedown.Web.Tests.Blocklist;

namespace Takedown.Web.Tests.Accountability;

/// <summary>The preservation sweep also purges data-request productions once their retention (6 months after production) has passed.</summary>
public sealed class ProductionPurgeTests : IAsyncLifetime
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

    private static readonly DateTimeOffset ProducedAt = TestApp.Start.AddHours(2);

    private async Task<HttpResponseMessage> UploadAsync(ApiClient who, string path, string field, params (string Name, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, field, name);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", who.Key);
        return await who.Http.SendAsync(request);
    }

    /// <summary>A disclosure request answered with one production at <see cref="ProducedAt"/>; returns the ids and the file's path in the blob store.</summary>
    private async Task<(string Request, string Production, string File)> ProducedAsync(string text)
    {
        var r = await _authority.PostOkAsync("/api/v1/data-requests", new Dictionary<string, object?>
        {
            ["kind"] = "disclosure", ["platform_id"] = _platform.Id, ["case_reference"] = "CASE-" + Guid.NewGuid().ToString("N")[..8],
            ["agency"] = "OCLCTIC", ["officer"] = "Cdt. Synthetic", ["official_email"] = "officer@interieur.example", ["phone"] = "+33 1 00 00 00 00",
            ["legal_basis"] = "Code de procédure pénale, art. 60-1", ["process_type"] = "european_production_order",
            ["targets"] = new[] { new { id = "1234567", url = "https://video.example/u/recruiter" } }, ["data_categories"] = new[] { "subscriber" },
            ["date_from"] = TestApp.Start.AddDays(-30), ["date_to"] = TestApp.Start,
        });
        _app.Clock.AdjustTime(ProducedAt);
        var bytes = Encoding.UTF8.GetBytes(text);
        var production = await ApiClient.ReadOkAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r.Id()}/productions", "files", ("subscriber.csv", bytes)));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var file = Path.Combine(_app.DataDir, "blobs", sha[..2], sha[2..4], sha);
        Assert.True(File.Exists(file));
        return (r.Id(), production.Id(), file);
    }

    private async Task<JsonNode> SweepAsync() => await _app.Operator.PostOkAsync("/api/v1/preservation/sweep");

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await _app.ScalarSqlAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Production_IsKeptSixMonths_ThenTheSweepPurgesItsFiles_WithOneAuditEvent()
    {
        var (request, production, file) = await ProducedAsync("account_id,ip\n1234567,192.0.2.10\n");
        var retention = await _authority.GetOkAsync($"/api/v1/data-requests/{request}/retention");
        Assert.Equal(ProducedAt.AddMonths(6), retention["productions"]![0]!["retain_until"]!.GetValue<DateTimeOffset>());
        Assert.Null(retention["legal_hold"]);

        _app.Clock.AdjustTime(ProducedAt.AddMonths(6).AddSeconds(-1));
        Assert.Equal(0, (await SweepAsync())["productions_purged"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        Assert.Equal(HttpStatusCode.OK, (await _authority.GetAsync($"/api/v1/data-requests/{request}/productions/{production}/archive")).StatusCode);

        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var sweep = await SweepAsync();
        Assert.Equal(1, sweep["productions_purged"]!.GetValue<int>());
        Assert.Equal(0, sweep["productions_held"]!.GetValue<int>());
        Assert.False(File.Exists(file));
        Assert.Equal(0L, await CountAsync($"SELECT COUNT(*) FROM data_request_files WHERE production_id = '{production}'"));
        var after = await _platform.GetOkAsync($"/api/v1/data-requests/{request}/retention");
        Assert.Equal(_app.Clock.GetUtcNow(), after["productions"]![0]!["purged_at"]!.GetValue<DateTimeOffset>());
        await Problem.AssertAsync(await _authority.GetAsync($"/api/v1/data-requests/{request}/productions/{production}/archive"), 409);
        Assert.Equal(1L, await CountAsync($"SELECT COUNT(*) FROM audit_events WHERE type = 'data_request.production_purged' AND subject_id = '{production}'"));

        // Swept once: a second sweep finds nothing more.
        Assert.Equal(0, (await SweepAsync())["productions_purged"]!.GetValue<int>());
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'data_request.production_purged'"));
    }

    [Fact]
    public async Task Production_UnderALegalHold_IsKept_UntilTheHoldIsReleased()
    {
        var (request, production, file) = await ProducedAsync("account_id,ip\n7654321,198.51.100.7\n");
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/data-requests/{request}/legal-hold", new { reason = "Mine." }), 403);
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/data-requests/{request}/legal-hold", new { }), 400, "reason");
        await Problem.AssertAsync(await (await _app.AuthorityAsync()).PostAsync($"/api/v1/data-requests/{request}/legal-hold", new { reason = "Not mine." }), 404);
        var held = await _authority.PostOkAsync($"/api/v1/data-requests/{request}/legal-hold", new { reason = "Criminal proceedings 2026/77." });
        Assert.Equal("Criminal proceedings 2026/77.", held.S("legal_hold"));
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/data-requests/{request}/legal-hold", new { reason = "Again." }), 409, "reason");

        _app.Clock.AdjustTime(ProducedAt.AddMonths(8));
        var sweep = await SweepAsync();
        Assert.Equal(0, sweep["productions_purged"]!.GetValue<int>());
        Assert.Equal(1, sweep["productions_held"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        Assert.Equal(HttpStatusCode.OK, (await _authority.GetAsync($"/api/v1/data-requests/{request}/productions/{production}/archive")).StatusCode);

        await _authority.PostOkAsync($"/api/v1/data-requests/{request}/legal-hold/release", new { reason = "Proceedings closed." });
        Assert.Equal(1, (await SweepAsync())["productions_purged"]!.GetValue<int>());
        Assert.False(File.Exists(file));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'data_request.legal_hold_set'"));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM audit_events WHERE type = 'data_request.legal_hold_released'"));
    }

    [Fact]
    public async Task BytesStillNamedElsewhere_StayOnDisk()
    {
        const string text = "account_id,ip\n5555555,203.0.113.9\n";
        var (first, _, file) = await ProducedAsync(text);
        // The same bytes, produced again a month later for another request: the first purge leaves them.
        _app.Clock.AdjustTime(ProducedAt.AddMonths(1));
        var r2 = await _authority.PostOkAsync("/api/v1/data-requests", new Dictionary<string, object?>
        {
            ["kind"] = "disclosure", ["platform_id"] = _platform.Id, ["case_reference"] = "CASE-2", ["agency"] = "OCLCTIC", ["officer"] = "Cdt. Synthetic",
            ["official_email"] = "officer@interieur.example", ["phone"] = "+33 1 00 00 00 00", ["legal_basis"] = "Code de procédure pénale, art. 60-1",
            ["process_type"] = "european_production_order", ["targets"] = new[] { new { id = "5555555" } }, ["data_categories"] = new[] { "subscriber" },
        });
        var second = await ApiClient.ReadOkAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r2.Id()}/productions", "files", ("again.csv", Encoding.UTF8.GetBytes(text))));

        _app.Clock.AdjustTime(ProducedAt.AddMonths(6).AddDays(1));
        Assert.Equal(1, (await SweepAsync())["productions_purged"]!.GetValue<int>());
        Assert.True(File.Exists(file));
        Assert.Equal(HttpStatusCode.OK, (await _authority.GetAsync($"/api/v1/data-requests/{r2.Id()}/productions/{second.Id()}/archive")).StatusCode);
        Assert.NotNull((await _authority.GetOkAsync($"/api/v1/data-requests/{first}/retention"))["productions"]![0]!["purged_at"]);

        _app.Clock.AdjustTime(ProducedAt.AddMonths(7).AddDays(1));
        Assert.Equal(1, (await SweepAsync())["productions_purged"]!.GetValue<int>());
        Assert.False(File.Exists(file));
    }
}
