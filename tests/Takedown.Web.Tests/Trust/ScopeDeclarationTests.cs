using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Web.Common;

namespace Takedown.Web.Tests.Trust;

/// <summary>Every API route declares the scope it needs, so a new route cannot forget to.</summary>
public sealed class ScopeDeclarationTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IReadOnlyList<RouteEndpoint> ApiEndpoints() =>
        _app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true).ToList();

    private static string Describe(RouteEndpoint e) =>
        $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}";

    private string ScopeOf(string method, string pattern)
    {
        var endpoint = ApiEndpoints().Single(e => e.RoutePattern.RawText == pattern && e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Contains(method));
        return endpoint.Metadata.GetMetadata<RequiredScope>()!.For(method);
    }

    [Fact]
    public void EveryApiRoute_RequiresTheScopePolicy_AndDeclaresItsScope()
    {
        var endpoints = ApiEndpoints();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} API endpoints found");
        var undeclared = endpoints
            .Where(e => e.Metadata.GetMetadata<RequiredScope>() is null
                        || !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ApiScopes.Policy)
                        || e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(Describe).ToList();
        Assert.True(undeclared.Count == 0, "API routes without a declared scope: " + string.Join("; ", undeclared));
    }

    [Theory]
    [InlineData("GET", "/api/v1/orders/", "read")]
    [InlineData("POST", "/api/v1/orders/", "write")]
    [InlineData("POST", "/api/v1/blocklist/{id:guid}/approve", "approve")]
    [InlineData("POST", "/api/v1/organizations/{id:guid}/keys", "admin")]
    [InlineData("GET", "/api/v1/organizations/{id:guid}/keys", "admin")]
    [InlineData("DELETE", "/api/v1/organizations/{id:guid}/keys/{keyId:guid}", "admin")]
    [InlineData("GET", "/api/v1/organizations/", "read")]
    [InlineData("POST", "/api/v1/webhooks/", "admin")]
    [InlineData("PUT", "/api/v1/platforms/{id:guid}/profile", "admin")]
    [InlineData("POST", "/api/v1/match/", "read")]
    public void Routes_NeedTheirScope(string method, string pattern, string scope) =>
        Assert.Equal(scope, ScopeOf(method, pattern));
}
