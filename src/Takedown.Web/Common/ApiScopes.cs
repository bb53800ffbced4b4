using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Takedown.Core.Organizations;

namespace Takedown.Web.Common;

/// <summary>
/// Endpoint metadata: the scope an API route needs. <see cref="ByMethod"/> asks <c>read</c> for GET and HEAD and
/// <c>write</c> for everything else; a route that approves or manages the organisation names its scope instead.
/// The nearest declaration wins, so a route may narrow what its group declared.
/// </summary>
public sealed record RequiredScope(string? Scope)
{
    public static readonly RequiredScope ByMethod = new((string?)null);

    public string For(string method) =>
        Scope ?? (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? Scopes.Read : Scopes.Write);
}

/// <summary>
/// Every API route declares the scope it needs, once per route group (<see cref="RequireScopes{TBuilder}"/>) and,
/// where a route needs more, on that route (<see cref="RequireScope{TBuilder}"/>). A key without it gets 403
/// naming the scope. A test walks every /api endpoint and fails when one declares none.
/// </summary>
internal static class ApiScopes
{
    public const string Policy = "api-scope";

    /// <summary>An authenticated key holding the scope the route declares (by method unless the route names one).</summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy).WithMetadata(RequiredScope.ByMethod);

    /// <summary>An authenticated key holding <paramref name="scope"/>, whatever the method.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Policy).WithMetadata(new RequiredScope(scope));

    public static void AddApiScopes(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement()));
        services.AddSingleton<IAuthorizationHandler, ScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeResultHandler>();
    }

    private sealed class ScopeRequirement : IAuthorizationRequirement;

    private sealed class MissingScope(IAuthorizationHandler handler, string scope)
        : AuthorizationFailureReason(handler, $"This route needs the '{scope}' scope.")
    {
        public string Scope { get; } = scope;
    }

    private sealed class ScopeHandler : AuthorizationHandler<ScopeRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
        {
            if (context.Resource is not HttpContext http) return Task.CompletedTask;
            var needed = (http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() ?? RequiredScope.ByMethod).For(http.Request.Method);
            if (context.User.HasClaim(CallerClaims.Scope, needed)) context.Succeed(requirement);
            else context.Fail(new MissingScope(this, needed));
            return Task.CompletedTask;
        }
    }

    /// <summary>Answers a missing scope with a problem naming it; every other outcome goes the default way.</summary>
    private sealed class ScopeResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.OfType<MissingScope>().FirstOrDefault() is { } missing)
            {
                var detail = missing.Scope == Scopes.Approve
                    ? "This route needs the 'approve' scope, which only a person's key holds (a service key never approves)."
                    : $"This route needs the '{missing.Scope}' scope, which this key does not hold.";
                await TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Missing scope",
                    extensions: new Dictionary<string, object?> { ["required_scope"] = missing.Scope }).ExecuteAsync(context);
                return;
            }
            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
