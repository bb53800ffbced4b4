using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Takedown.Core.Common;
using Takedown.Core.Organizations;

namespace Takedown.Web.Common;

/// <summary>Authenticates "Authorization: Bearer tdk_…" against the stored key hashes.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, OrganizationsService organizations)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string FailureKey = "takedown.auth_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Fail(new Error(ErrorKind.Unauthorized, "Invalid credentials", "Send the API key as 'Authorization: Bearer <key>'."));
        var result = await organizations.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (!result.IsSuccess) return Fail(result.Error!);
        var caller = result.Value.Caller;
        var identity = new ClaimsIdentity(
        [
            new Claim(CallerClaims.Organization, caller.OrganizationId.ToString()),
            new Claim(CallerClaims.Kind, caller.Kind),
            new Claim(CallerClaims.Key, caller.KeyId.ToString()),
            new Claim(ClaimTypes.Name, caller.ActorName),
        ], SchemeName);
        if (caller.PersonId is { } person) identity.AddClaim(new Claim(CallerClaims.Person, person.ToString()));
        foreach (var scope in result.Value.Scopes) identity.AddClaim(new Claim(CallerClaims.Scope, scope));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(Error error)
    {
        Context.Items[FailureKey] = error;
        return AuthenticateResult.Fail(error.Detail ?? error.Title);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = Context.Items[FailureKey] as Error
                    ?? new Error(ErrorKind.Unauthorized, "Authentication required", "Send an API key as 'Authorization: Bearer <key>'.");
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.From(error).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.From(Error.Forbidden("Your organisation may not use this route.")).ExecuteAsync(Context);
}

internal static class CallerClaims
{
    public const string Organization = "takedown:org";
    public const string Kind = "takedown:kind";
    public const string Key = "takedown:key";

    /// <summary>The person behind a person's key or a session; absent for a service key.</summary>
    public const string Person = "takedown:person";

    /// <summary>One claim per scope the key holds now (see <see cref="Scopes"/>).</summary>
    public const string Scope = "takedown:scope";

    public static Caller ToCaller(this ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(Organization)!),
        user.FindFirstValue(Kind)!,
        Guid.Parse(user.FindFirstValue(Key)!),
        user.FindFirstValue(ClaimTypes.Name) ?? "",
        user.FindFirstValue(Person) is { } person ? Guid.Parse(person) : null);
}
