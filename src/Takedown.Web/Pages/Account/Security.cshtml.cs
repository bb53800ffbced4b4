using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;
using Takedown.Core.SecondFactors;
using Takedown.Core.Users;
using Takedown.Web.People;
using Takedown.Web.SecondFactors;

namespace Takedown.Web.Pages.Account;

/// <summary>
/// A person's second factors: set up an authenticator app or a passkey, remove them, renew recovery codes.
/// Also the enrolment a person is sent to after their password when their role requires a factor and they hold none
/// (then only enrolment is offered, and enrolling opens their session).
/// </summary>
public sealed class SecurityModel(SecondFactorsService factors, UsersService users, Passkeys passkeys) : TakedownPageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? State { get; set; }

    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public Guid PasskeyId { get; set; }

    /// <summary>True while the person is between their password and their first factor (no session yet).</summary>
    public bool Enrolling { get; private set; }

    public SecondFactorStatus Status { get; private set; } = null!;

    public TotpEnrolment? PendingTotp { get; private set; }

    public string? QrSvg { get; private set; }

    public string? PasskeyOptions { get; private set; }

    public string? PasskeyState { get; private set; }

    /// <summary>Recovery codes just made: shown once, on this answer only.</summary>
    public string[]? RecoveryCodes { get; private set; }

    /// <summary>Where to go once the codes are noted (after enrolling at sign-in).</summary>
    public string? ContinueTo { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await SubjectAsync(ct) is { } s ? await ShowAsync(s, ct) : Redirect("/signin");

    public async Task<IActionResult> OnPostBeginTotpAsync(CancellationToken ct)
    {
        if (await SubjectAsync(ct) is not { } s) return Redirect("/signin");
        var begun = await factors.BeginTotpAsync(s.User, ct);
        if (!begun.IsSuccess)
        {
            ShowError(begun.Error!);
            return await ShowAsync(s, ct);
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostConfirmTotpAsync(CancellationToken ct)
    {
        if (await SubjectAsync(ct) is not { } s) return Redirect("/signin");
        var confirmed = await factors.ConfirmTotpAsync(s.User, Code, ct);
        if (!confirmed.IsSuccess)
        {
            if (confirmed.Error!.Kind == ErrorKind.Validation) AddError("code", T["The code is not right. Check the time on your phone and try the next code."]);
            else ShowError(confirmed.Error);
            return await ShowAsync(s, ct);
        }
        return await EnrolledAsync(s, SecondFactorKinds.Totp, confirmed.Value, T["Authenticator app set up."], ct);
    }

    public async Task<IActionResult> OnPostRegisterPasskeyAsync(CancellationToken ct)
    {
        if (await SubjectAsync(ct) is not { } s) return Redirect("/signin");
        var verified = await passkeys.FinishRegistrationAsync(HttpContext, s.User, State, Credential, ct);
        var added = verified.IsSuccess
            ? await factors.AddPasskeyAsync(s.User, verified.Value.Id, verified.Value.PublicKey, verified.Value.SignCount, Name, ct)
            : verified.Error!;
        if (!added.IsSuccess)
        {
            Failure = added.Error!.Kind == ErrorKind.Conflict ? T["This passkey is already registered."] : T["The passkey was not registered. Try again."];
            return await ShowAsync(s, ct);
        }
        return await EnrolledAsync(s, SecondFactorKinds.Passkey, added.Value, T["Passkey registered."], ct);
    }

    public async Task<IActionResult> OnPostRemoveTotpAsync(CancellationToken ct) =>
        await SignedInChangeAsync(user => factors.RemoveTotpAsync(user, ct), T["Authenticator app removed."], ct);

    public async Task<IActionResult> OnPostRemovePasskeyAsync(CancellationToken ct) =>
        await SignedInChangeAsync(user => factors.RemovePasskeyAsync(user, PasskeyId, ct), T["Passkey removed."], ct);

    public async Task<IActionResult> OnPostRenewCodesAsync(CancellationToken ct)
    {
        if (await SubjectAsync(ct) is not { Pending: null } s) return Redirect("/signin");
        var renewed = await factors.RenewRecoveryCodesAsync(s.User, ct);
        if (!renewed.IsSuccess) ShowError(renewed.Error!);
        else RecoveryCodes = renewed.Value;
        return await ShowAsync(s, ct);
    }

    private sealed record Subject(UserView User, SecondFactorStep.Pending? Pending);

    /// <summary>The signed-in person, or the person sent here to enrol after their password.</summary>
    private async Task<Subject?> SubjectAsync(CancellationToken ct)
    {
        if (Person.From(User) is { } me)
            return await users.FindAsync(me.UserId, ct) is { } user ? new Subject(user, null) : null;
        return await SecondFactorStep.PendingAsync(HttpContext, SecondFactorStep.Enrol) is { } pending ? new Subject(pending.User, pending) : null;
    }

    private async Task<IActionResult> EnrolledAsync(Subject s, string kind, string[] codes, string notice, CancellationToken ct)
    {
        if (s.Pending is not null)
        {
            ContinueTo = await SecondFactorStep.CompleteAsync(HttpContext, s.User, kind, s.Pending.ReturnUrl);
        }
        else if (!SecondFactorStep.SessionUsedSecondFactor(User))
        {
            // The session now rests on the factor just proved.
            await SignInSessions.StartAsync(HttpContext, s.User, kind);
        }
        if (codes.Length == 0)
        {
            if (ContinueTo is not null) return LocalRedirect(ContinueTo);
            Notice = notice;
            return RedirectToPage();
        }
        RecoveryCodes = codes;
        ContinueTo ??= "/account/security";
        Notice = null;
        return await ShowAsync(s with { Pending = null }, ct, justEnrolled: true);
    }

    private async Task<IActionResult> SignedInChangeAsync(Func<UserView, Task<Result<bool>>> change, string notice, CancellationToken ct)
    {
        if (await SubjectAsync(ct) is not { Pending: null } s) return Redirect("/signin");
        var done = await change(s.User);
        if (NotFoundUnless(done.Error) is { } notFound) return notFound;
        if (!done.IsSuccess)
        {
            ShowError(done.Error!);
            return await ShowAsync(s, ct);
        }
        Notice = notice;
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(Subject s, CancellationToken ct, bool justEnrolled = false)
    {
        Enrolling = s.Pending is not null;
        Status = await factors.StatusAsync(s.User, ct);
        if (justEnrolled) return Page();
        PendingTotp = Status.HasTotp ? null : await factors.PendingTotpAsync(s.User, ct);
        if (PendingTotp is not null) QrSvg = QrCode.Svg(PendingTotp.Uri);
        var ceremony = passkeys.BeginRegistration(HttpContext, s.User, await factors.PasskeysOfAsync(s.User.Id, ct));
        (PasskeyOptions, PasskeyState) = (ceremony.OptionsJson, ceremony.State);
        return Page();
    }
}
