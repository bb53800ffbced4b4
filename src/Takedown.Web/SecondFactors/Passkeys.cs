using System.Security.Cryptography;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Takedown.Core.Common;
using Takedown.Core.SecondFactors;
using Takedown.Core.Users;

namespace Takedown.Web.SecondFactors;

/// <summary>
/// WebAuthn ceremonies through the Fido2 library. The options sent to the browser travel back in a form field
/// protected by the data-protection key ring, bound to the person and the ceremony, and valid five minutes;
/// the verified credential is kept by <see cref="SecondFactorsService"/>.
/// </summary>
public sealed class Passkeys(IDataProtectionProvider protection, IOptions<PasskeysOptions> options)
{
    private static readonly TimeSpan StateFor = TimeSpan.FromMinutes(5);

    public sealed record Ceremony(string OptionsJson, string State);

    public Ceremony BeginRegistration(HttpContext http, UserView user, IEnumerable<StoredPasskey> existing)
    {
        var created = Fido(http).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = user.Id.ToByteArray(), Name = user.Email, DisplayName = user.Email },
            ExcludeCredentials = existing.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Discouraged,
                UserVerification = UserVerificationRequirement.Preferred,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = created.ToJson();
        return new Ceremony(json, Protector(user, "register").Protect(json, StateFor));
    }

    public async Task<Result<RegisteredPublicKeyCredential>> FinishRegistrationAsync(HttpContext http, UserView user, string? state, string? response, CancellationToken ct)
    {
        if (Unprotect(user, "register", state) is not { } json) return Expired;
        try
        {
            var raw = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(response ?? "");
            if (raw is null) return Refused;
            return await Fido(http).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = raw,
                OriginalOptions = CredentialCreateOptions.FromJson(json),
                IsCredentialIdUniqueToUserCallback = (_, _) => Task.FromResult(true),
            }, ct);
        }
        catch (Exception ex) when (ex is Fido2VerificationException or JsonException or FormatException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            return Refused;
        }
    }

    public Ceremony BeginAssertion(HttpContext http, UserView user, IEnumerable<StoredPasskey> passkeys)
    {
        var assertion = Fido(http).GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = passkeys.Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToList(),
            UserVerification = UserVerificationRequirement.Preferred,
        });
        var json = assertion.ToJson();
        return new Ceremony(json, Protector(user, "assert").Protect(json, StateFor));
    }

    /// <summary>Checks an assertion against the person's own passkeys; answers which one signed and its new counter.</summary>
    public async Task<Result<(Guid PasskeyId, uint SignCount)>> FinishAssertionAsync(HttpContext http, UserView user, IReadOnlyList<StoredPasskey> passkeys,
        string? state, string? response, CancellationToken ct)
    {
        if (Unprotect(user, "assert", state) is not { } json) return Expired;
        try
        {
            var raw = JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(response ?? "");
            if (raw is null) return Refused;
            var rawId = SecondFactorsService.FromBase64Url(raw.Id);
            var passkey = passkeys.FirstOrDefault(p => p.CredentialId.AsSpan().SequenceEqual(rawId));
            if (passkey is null) return Refused;
            var userHandle = user.Id.ToByteArray();
            var verified = await Fido(http).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = raw,
                OriginalOptions = AssertionOptions.FromJson(json),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(args.UserHandle.AsSpan().SequenceEqual(userHandle)),
            }, ct);
            return (passkey.Id, verified.SignCount);
        }
        catch (Exception ex) when (ex is Fido2VerificationException or JsonException or FormatException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            return Refused;
        }
    }

    private static readonly Error Expired = Error.Invalid("passkey", "the request expired; try again");
    private static readonly Error Refused = Error.Invalid("passkey", "was not accepted");

    private ITimeLimitedDataProtector Protector(UserView user, string ceremony) =>
        protection.CreateProtector("Takedown.Passkeys", ceremony, user.Id.ToString()).ToTimeLimitedDataProtector();

    private string? Unprotect(UserView user, string ceremony, string? state)
    {
        if (string.IsNullOrEmpty(state)) return null;
        try { return Protector(user, ceremony).Unprotect(state); }
        catch (CryptographicException) { return null; }
    }

    private Fido2 Fido(HttpContext http)
    {
        var o = options.Value;
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        return new Fido2(new Fido2Configuration
        {
            RPID = string.IsNullOrWhiteSpace(o.RelyingPartyId) ? http.Request.Host.Host : o.RelyingPartyId,
            RPName = "Takedown",
            Origins = o.Origins.Length > 0 ? o.Origins.ToHashSet(StringComparer.Ordinal) : [origin],
        });
    }
}
