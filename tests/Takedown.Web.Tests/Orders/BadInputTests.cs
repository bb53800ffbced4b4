using System.Text;
using System.Text.Json;

namespace Takedown.Web.Tests.Orders;

/// <summary>Bad input gets a 4xx problem naming the field, and writes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
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

    private Dictionary<string, object?> Valid() => ApiClient.OrderBody(_platform.Id, ["https://forum.example/ok"]);

    private async Task<int> AuditCountAsync() => (await _app.Operator.GetOkAsync("/api/v1/audit/verify"))["events"]!.GetValue<int>();

    private async Task AssertRefusedAsync(object body, int status, string field)
    {
        var before = await AuditCountAsync();
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/orders", body), status, field);
        Assert.Equal(before, await AuditCountAsync());
        Assert.Empty((await _authority.GetOkAsync("/api/v1/orders"))["data"]!.AsArray());
    }

    public static TheoryData<string, string> MissingFields => new()
    {
        { "kind", "kind" }, { "platform_id", "platform_id" }, { "reference", "reference" }, { "items", "items" },
        { "reasons", "reasons" }, { "terrorist_content_types", "terrorist_content_types" }, { "legal_basis", "legal_basis" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public async Task CreateOrder_WithoutARequiredField_NamesIt(string remove, string field)
    {
        var body = Valid();
        body.Remove(remove);
        await AssertRefusedAsync(body, 400, field);
    }

    [Fact]
    public async Task CreateOrder_WithAnUnknownField_NamesIt()
    {
        var body = Valid();
        body["urgency"] = "high";
        await AssertRefusedAsync(body, 400, "urgency");
    }

    [Fact]
    public async Task CreateOrder_WithAnUnknownFieldInAnItem_NamesIt()
    {
        var body = Valid();
        body["items"] = new[] { new Dictionary<string, string> { ["url"] = "https://a.example/1", ["colour"] = "red" } };
        await AssertRefusedAsync(body, 400, "items[0].colour");
    }

    [Theory]
    [InlineData("kind", "takedown_notice")]
    [InlineData("language", "French")]
    public async Task CreateOrder_WithAWrongEnum_NamesIt(string field, string value)
    {
        var body = Valid();
        body[field] = value;
        await AssertRefusedAsync(body, 400, field);
    }

    [Fact]
    public async Task CreateOrder_WithAnUnknownContentType_NamesTheEntry()
    {
        var body = Valid();
        body["terrorist_content_types"] = new[] { "incitement", "propaganda" };
        await AssertRefusedAsync(body, 400, "terrorist_content_types[1]");
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://files.example/x")]
    [InlineData("/relative/path")]
    [InlineData("javascript:alert(1)")]
    public async Task CreateOrder_WithABadUrl_NamesTheItem(string url)
    {
        var body = Valid();
        body["items"] = new[] { new { url = "https://fine.example/1" }, new { url } };
        await AssertRefusedAsync(body, 400, "items[1].url");
    }

    [Fact]
    public async Task CreateOrder_With501Items_IsRefused()
    {
        var body = Valid();
        body["items"] = Enumerable.Range(0, 501).Select(i => new { url = $"https://forum.example/t/{i}" }).ToArray();
        await AssertRefusedAsync(body, 400, "items");
    }

    [Fact]
    public async Task CreateOrder_With500Items_IsAccepted()
    {
        var body = Valid();
        body["items"] = Enumerable.Range(0, 500).Select(i => new { url = $"https://forum.example/t/{i}" }).ToArray();
        var order = await _authority.PostOkAsync("/api/v1/orders", body);
        Assert.Equal(500, order["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateOrder_WithSecrecyBeyondTwelveWeeks_IsRefused()
    {
        var body = Valid();
        body["confidential_until"] = TestApp.Start.AddDays(85);
        await AssertRefusedAsync(body, 400, "confidential_until");
    }

    [Fact]
    public async Task CreateOrder_ToAnOrganisationThatIsNotAPlatform_IsRefused()
    {
        var body = Valid();
        body["platform_id"] = _authority.Id;
        await AssertRefusedAsync(body, 400, "platform_id");
    }

    [Fact]
    public async Task CreateOrder_WithMalformedJson_IsRefused()
    {
        var before = await AuditCountAsync();
        var response = await _authority.SendRawAsync(HttpMethod.Post, "/api/v1/orders", "{\"kind\": \"removal_order\", \"items\": [");
        await Problem.AssertAsync(response, 400);
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task CreateOrder_WithAWrongType_NamesTheField()
    {
        var json = JsonSerializer.Serialize(Valid()).Replace("\"reasons\":\"", "\"reasons\":123,\"x\":\"");
        var response = await _authority.SendRawAsync(HttpMethod.Post, "/api/v1/orders", json);
        await Problem.AssertAsync(response, 400, "reasons");
    }

    [Fact]
    public async Task CreateOrder_WithAnInvalidPlatformId_NamesIt()
    {
        var json = JsonSerializer.Serialize(Valid()).Replace(_platform.Id.ToString(), "not-a-guid");
        await Problem.AssertAsync(await _authority.SendRawAsync(HttpMethod.Post, "/api/v1/orders", json), 400, "platform_id");
    }

    [Fact]
    public async Task CreateOrder_WithAnOversizedBody_Is413()
    {
        var huge = "{\"reasons\": \"" + new string('a', 5 * 1024 * 1024) + "\"}";
        var response = await _authority.SendRawAsync(HttpMethod.Post, "/api/v1/orders", huge);
        await Problem.AssertAsync(response, 413, "body");
    }

    [Fact]
    public async Task CreateOrder_WithoutJsonContentType_IsRefused()
    {
        var response = await _authority.SendRawAsync(HttpMethod.Post, "/api/v1/orders", JsonSerializer.Serialize(Valid()), "text/plain");
        await Problem.AssertAsync(response, 415);
    }

    [Fact]
    public async Task CreateOrder_WithAReferenceAlreadyUsed_IsAConflict()
    {
        var body = Valid();
        await _authority.PostOkAsync("/api/v1/orders", body);
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/orders", body), 409, "reference");
    }

    [Fact]
    public async Task Action_WithActedAtInTheFuture_IsRefused()
    {
        var order = await _authority.IssueOrderAsync(_platform.Id);
        var path = $"/api/v1/orders/{order["id"]}/items/{order["items"]![0]!["id"]}/action";
        await Problem.AssertAsync(await _platform.PostAsync(path, new { action = "removed", acted_at = TestApp.Start.AddMinutes(5) }), 400, "acted_at");
        await Problem.AssertAsync(await _platform.PostAsync(path, new { action = "removed", acted_at = TestApp.Start.AddMinutes(-5) }), 400, "acted_at");
        await Problem.AssertAsync(await _platform.PostAsync(path, new { action = "deleted" }), 400, "action");
        await Problem.AssertAsync(await _platform.PostAsync(path, new { action = "impossible", reason = "busy", explanation = "x" }), 400, "reason");
        await Problem.AssertAsync(await _platform.PostAsync(path, new { action = "impossible", reason = "force_majeure" }), 400, "explanation");
        var after = await _authority.GetOkAsync($"/api/v1/orders/{order["id"]}");
        Assert.Equal("pending", after["items"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_WithAnUnknownKey_Is401()
    {
        var response = await _app.WithKey("tdk_" + new string('x', 43)).GetAsync("/api/v1/orders");
        await Problem.AssertAsync(response, 401);
        var anonymous = await _app.Anonymous().GetAsync("/api/v1/orders");
        await Problem.AssertAsync(anonymous, 401);
        var wrongScheme = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders");
        wrongScheme.Headers.TryAddWithoutValidation("Authorization", "Basic Zm9vOmJhcg==");
        await Problem.AssertAsync(await _app.Anonymous().SendAsync(wrongScheme), 401);
    }

    [Fact]
    public async Task Request_WithARevokedKey_Is401_AndOtherKeysKeepWorking()
    {
        var second = await _authority.PostOkAsync($"/api/v1/organizations/{_authority.Id}/keys", new { name = "night shift" });
        var secondClient = _app.WithKey(second["api_key"]!.GetValue<string>());
        await secondClient.GetOkAsync("/api/v1/orders");
        await _authority.SendAsync(HttpMethod.Delete, $"/api/v1/organizations/{_authority.Id}/keys/{second["id"]}");
        var problem = await Problem.AssertAsync(await secondClient.GetAsync("/api/v1/orders"), 401);
        Assert.Equal("API key revoked", problem["title"]!.GetValue<string>());
        await _authority.GetOkAsync("/api/v1/orders");
    }

    [Fact]
    public async Task CreateOrganization_ByANonOperator_Is403_AndBadKindIsNamed()
    {
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/organizations", new { kind = "platform", name = "x" }), 403);
        await Problem.AssertAsync(await _app.Operator.PostAsync("/api/v1/organizations", new { kind = "government", name = "x" }), 400, "kind");
        await Problem.AssertAsync(await _app.Operator.PostAsync("/api/v1/organizations", new { kind = "platform", name = "x", country = "France" }), 400, "country");
    }

    [Fact]
    public async Task Query_WithABadLimitOrStatus_NamesIt()
    {
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/orders?limit=abc"), 400, "limit");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/orders?status=lost"), 400, "status");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/orders?after=zzz"), 400, "after");
    }

    [Fact]
    public async Task Profile_WithBadFields_NamesThem()
    {
        var response = await _platform.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{_platform.Id}/profile", new
        {
            contact_point = new { name = "Desk", email = "not-an-email" },
            languages = new[] { "fr", "English" },
            referral_deadline_hours = 0,
        });
        var problem = await Problem.AssertAsync(response, 400, "contact_point.email");
        Assert.NotNull(problem["errors"]!["languages[1]"]);
        Assert.NotNull(problem["errors"]!["referral_deadline_hours"]);
    }

    [Fact]
    public async Task UnknownRoute_IsAProblem404()
    {
        var response = await _authority.GetAsync("/api/v1/nothing-here");
        await Problem.AssertAsync(response, 404);
        _ = Encoding.UTF8;
    }
}
