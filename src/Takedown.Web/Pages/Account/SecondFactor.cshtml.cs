using Microsoft.AspNetCore.Mvc;
using Takedown.Core.SecondFactors;
using Takedown.Web.SecondFactors;

namespace Takedown.Web.Pages.Account;

/// <summary>The second step of signing in: a code from the authenticator app, a passkey, or a recovery code.</summary>
public sealed class SecondFactorModel(SecondFactorsService factors) : TakedownPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? State { get; set; }

    [BindProperty]
    public string? Assertion { get; set; }

    public bool HasTotp { get; private set; }

    public string? PasskeyOptions { get; private set; }

    public string? PasskeyState { get; private set; }

    public bool IsLocked { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await SecondFactorStep.PendingAsync(HttpContext, SecondFactorStep.Verify) is { } pending ? await ShowAsync(pending, ct) : Redirect("/signin");

    public async Task<IActionResult> OnPostCodeAsync(CancellationToken ct)
    {
        if (await SecondFactorStep.PendingAsync(HttpContext, SecondFactorStep.Verify) is not { } pending) return Redirect("/signin");
        var used = await factors.VerifyCodeAsync(pending.User, Code, ct);
        if (used.IsSuccess) return LocalRedirect(await SecondFactorStep.CompleteAsync(HttpContext, pending.User, used.Value, pending.ReturnUrl));
        Failure = used.Error!.Kind == Core.Common.ErrorKind.Forbidden ? T["Too many wrong attempts. Try again in 15 minutes, or ask an admin of your organisation."] : T["The code is not right."];
        return await ShowAsync(pending, ct);
    }

    public async Task<IActionResult> OnPostPasskeyAsync([FromServices] Passkeys passkeys, CancellationToken ct)
    {
        if (await SecondFactorStep.PendingAsync(HttpContext, SecondFactorStep.Verify) is not { } pending) return Redirect("/signin");
        if (await factors.LockedAsync(pending.User, ct) is null)
        {
            var checkedPasskey = await passkeys.FinishAssertionAsync(HttpContext, pending.User, await factors.PasskeysOfAsync(pending.User.Id, ct), State, Assertion, ct);
            if (checkedPasskey.IsSuccess)
            {
                var used = await factors.PasskeyUsedAsync(pending.User, checkedPasskey.Value.PasskeyId, checkedPasskey.Value.SignCount, ct);
                if (used.IsSuccess) return LocalRedirect(await SecondFactorStep.CompleteAsync(HttpContext, pending.User, used.Value, pending.ReturnUrl));
            }
            else if ((await factors.RecordFailureAsync(pending.User, SecondFactorKinds.Passkey, ct)).Kind != Core.Common.ErrorKind.Forbidden)
            {
                Failure = T["The passkey was not accepted."];
                return await ShowAsync(pending, ct);
            }
        }
        Failure = T["Too many wrong attempts. Try again in 15 minutes, or ask an admin of your organisation."];
        return await ShowAsync(pending, ct);
    }

    private async Task<IActionResult> ShowAsync(SecondFactorStep.Pending pending, CancellationToken ct)
    {
        var status = await factors.StatusAsync(pending.User, ct);
        HasTotp = status.HasTotp;
        IsLocked = status.LockedUntil is not null;
        if (IsLocked) Failure ??= T["Too many wrong attempts. Try again in 15 minutes, or ask an admin of your organisation."];
        if (status.Passkeys.Count > 0)
        {
            var ceremony = HttpContext.RequestServices.GetRequiredService<Passkeys>().BeginAssertion(HttpContext, pending.User, await factors.PasskeysOfAsync(pending.User.Id, ct));
            (PasskeyOptions, PasskeyState) = (ceremony.OptionsJson, ceremony.State);
        }
        return Page();
    }
}
