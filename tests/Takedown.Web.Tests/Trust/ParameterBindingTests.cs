using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Web.Common;

namespace Takedown.Web.Tests.Trust;

/// <summary>
/// Handlers take their JSON body (<see cref="JsonBody{T}"/>) and page (<see cref="PageRequest"/>) as parameters that
/// bind themselves; a body or a limit that is not right must be answered before any handler runs, on every route that
/// takes one, and not only on the routes another test happens to try.
/// </summary>
public sealed class ParameterBindingTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null, TestApp.GenerousLimits);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private List<(string Method, string Path)> Routes(Func<RouteEndpoint, bool> which) =>
        _app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true && which(e))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (m, PathOf(e.RoutePattern))))
            .ToList();

    /// <summary>A concrete path for a pattern: a fresh id for every {x:guid}, a name nobody has for the rest.</summary>
    private static string PathOf(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { ParameterPolicies.Count: > 0 } => Guid.NewGuid().ToString(),
            _ => "NO_SUCH_NAME",
        }))));

    private async Task<long> AuditCountAsync() => Convert.ToInt64(await _app.ScalarSqlAsync("SELECT COUNT(*) FROM audit_events"));

    [Fact]
    public async Task EveryJsonBodyRoute_RefusesAnUnknownField_AndAnotherContentType_BeforeItsHandler()
    {
        var routes = Routes(e => e.Metadata.GetMetadata<JsonAccepts>() is not null);
        Assert.True(routes.Count > 40, $"only {routes.Count} routes take a JSON body");
        var before = await AuditCountAsync();
        foreach (var (method, path) in routes)
        {
            var unknown = await _app.Operator.SendRawAsync(new HttpMethod(method), path, "{\"no_such_field\": 1}");
            await Problem.AssertAsync(unknown, 400, "no_such_field");
            await Problem.AssertAsync(await _app.Operator.SendRawAsync(new HttpMethod(method), path, "{}", "text/plain"), 415);
            await Problem.AssertAsync(await _app.Operator.SendRawAsync(new HttpMethod(method), path, "{", "application/json"), 400, "body");
        }
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task EveryPagedList_RefusesABadLimit_NamingIt()
    {
        var routes = Routes(e => e.Metadata.GetMetadata<MethodInfo>()!.GetParameters().Any(p => p.ParameterType == typeof(PageRequest)));
        Assert.True(routes.Count >= 10, $"only {routes.Count} routes take a page");
        foreach (var (_, path) in routes)
            foreach (var limit in new[] { "0", "201", "abc", "-1" })
                await Problem.AssertAsync(await _app.Operator.GetAsync($"{path}?limit={limit}"), 400, "limit");
    }
}
