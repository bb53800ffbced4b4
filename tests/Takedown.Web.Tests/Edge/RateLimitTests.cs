using Microsoft.Extensions.Options;

namespace Takedown.Web.Tests.Edge;

/// <summary>Per-key API limits: a key past its reads or writes a minute gets 429 with Retry-After; other keys and the other kind go on.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(null, "--RateLimits:PerKeyPerMinute:Reads", "3", "--RateLimits:PerKeyPerMinute:Writes", "2");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Reads_PastTheLimit_Get429WithRetryAfterAndProblem_WhileOtherKeysAndWritesGoOn()
    {
        var platform = await _app.PlatformAsync();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/api/v1/orders")).StatusCode);

        var refused = await platform.GetAsync("/api/v1/orders");
        var problem = await Problem.AssertAsync(refused, 429);
        Assert.Contains("3 reads", problem["detail"]!.GetValue<string>());
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 20); // one read comes back every 20 s at 3 a minute
        Assert.Equal(retryAfter, problem["retry_after_seconds"]!.GetValue<int>());

        // HEAD is a read too: no way around the limit by changing the method.
        var head = new HttpRequestMessage(HttpMethod.Head, "/api/v1/orders");
        head.Headers.Authorization = new("Bearer", platform.Key);
        Assert.Equal((HttpStatusCode)429, (await platform.Http.SendAsync(head)).StatusCode);

        // Writes have their own bucket; another key has its own.
        Assert.NotEqual((HttpStatusCode)429, (await platform.PostAsync("/api/v1/banks", new { name = "RL_BANK", visibility = "private" })).StatusCode);
        var other = await _app.PlatformAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/orders")).StatusCode);
    }

    [Fact]
    public async Task Writes_PastTheLimit_Get429_EvenWhenTheyFail_AndASecondKeyOfTheSameOrganisationHasItsOwn()
    {
        var authority = await _app.AuthorityAsync();
        // Bad writes count as much as good ones: a key cannot probe for free.
        await Problem.AssertAsync(await authority.PostAsync("/api/v1/orders", new { kind = "notice" }), 400);
        await Problem.AssertAsync(await authority.PostAsync("/api/v1/orders", new { kind = "notice" }), 400);
        var refused = await authority.PostAsync("/api/v1/orders", new { kind = "notice" });
        await Problem.AssertAsync(refused, 429);
        Assert.True(refused.Headers.RetryAfter?.Delta?.TotalSeconds is >= 1 and <= 30, refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await authority.GetAsync("/api/v1/orders")).StatusCode);
    }

    [Fact]
    public async Task RequestsWithoutAValidKey_AreNotCountedAgainstTheKey()
    {
        var platform = await _app.PlatformAsync();
        var stranger = _app.WithKey(platform.Key + "x");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/v1/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/api/v1/orders")).StatusCode);
    }
}

/// <summary>The edge's settings are checked at start: nonsense stops the service before it serves anything.</summary>
public sealed class EdgeOptionsTests
{
    [Theory]
    [InlineData("RateLimits:PerKeyPerMinute:Reads", "0")]
    [InlineData("RateLimits:PerKeyPerMinute:Writes", "-5")]
    [InlineData("Hashing:MaxConcurrent", "0")]
    [InlineData("Hashing:QueueLimit", "-1")]
    [InlineData("Hashing:QueueTimeoutSeconds", "0")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0")]
    public async Task Nonsense_StopsStartUp_NamingTheSetting(string setting, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(null, $"--{setting}={value}"));
        var name = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting;
        Assert.Contains(name, failure.Message);
    }
}
