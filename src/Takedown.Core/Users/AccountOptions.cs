namespace Takedown.Core.Users;

/// <summary>Invitation links (section "Invitations"): valid for 72 hours unless configured otherwise (1 to 720).</summary>
public sealed class InvitationOptions
{
    public int ValidHours { get; set; } = 72;
}

/// <summary>Web sessions (section "Sessions"): end after 8 hours without a request and 24 hours after sign-in.</summary>
public sealed class WebSessionOptions
{
    public double IdleHours { get; set; } = 8;
    public double AbsoluteHours { get; set; } = 24;
}

/// <summary>
/// Sign-in throttling (section "SignIn"). Per account (known or not): after <see cref="FreeFailures"/> failures
/// each attempt waits a growing delay (<see cref="BaseDelaySeconds"/> doubling, at most <see cref="MaxDelaySeconds"/>),
/// and <see cref="LockoutFailures"/> failures lock it for <see cref="LockoutMinutes"/>. Per client address the
/// same with the Address* counts, higher because many people may share one address. Failures older than
/// <see cref="LockoutMinutes"/> are forgotten.
/// </summary>
public sealed class SignInOptions
{
    public int FreeFailures { get; set; } = 3;
    public int LockoutFailures { get; set; } = 10;
    public int AddressFreeFailures { get; set; } = 20;
    public int AddressLockoutFailures { get; set; } = 100;
    public int LockoutMinutes { get; set; } = 15;
    public double BaseDelaySeconds { get; set; } = 1;
    public double MaxDelaySeconds { get; set; } = 30;
}
