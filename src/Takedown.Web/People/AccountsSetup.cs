using Microsoft.AspNetCore.Authentication.Cookies;
using Takedown.Core.Users;
using Takedown.Web.Common;

namespace Takedown.Web.People;

/// <summary>People's accounts, invitations, sessions and sign-in throttling: options bound and validated at start-up.</summary>
internal static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InvitationOptions>().Bind(configuration.GetSection("Invitations"))
            .Validate(o => o.ValidHours is >= 1 and <= 720, "Invitations:ValidHours must be between 1 and 720").ValidateOnStart().AsSingletonValue();
        services.AddOptions<WebSessionOptions>().Bind(configuration.GetSection("Sessions"))
            .Validate(o => o.IdleHours is > 0 and <= 168, "Sessions:IdleHours must be more than 0 and at most 168")
            .Validate(o => o.AbsoluteHours >= o.IdleHours && o.AbsoluteHours <= 720, "Sessions:AbsoluteHours must be at least Sessions:IdleHours and at most 720")
            .ValidateOnStart().AsSingletonValue();
        services.AddOptions<SignInOptions>().Bind(configuration.GetSection("SignIn"))
            .Validate(o => o.FreeFailures >= 0 && o.LockoutFailures > o.FreeFailures && o.LockoutFailures <= 1000,
                "SignIn:LockoutFailures must be more than SignIn:FreeFailures (at least 0) and at most 1000")
            .Validate(o => o.AddressFreeFailures >= 0 && o.AddressLockoutFailures > o.AddressFreeFailures && o.AddressLockoutFailures <= 100000,
                "SignIn:AddressLockoutFailures must be more than SignIn:AddressFreeFailures (at least 0) and at most 100000")
            .Validate(o => o.LockoutMinutes is >= 1 and <= 1440, "SignIn:LockoutMinutes must be between 1 and 1440")
            .Validate(o => o.BaseDelaySeconds >= 0 && o.MaxDelaySeconds >= o.BaseDelaySeconds && o.MaxDelaySeconds <= 3600,
                "SignIn:BaseDelaySeconds and SignIn:MaxDelaySeconds must be 0 or more, the maximum at least the base and at most 3600")
            .ValidateOnStart().AsSingletonValue();
        services.AddSingleton<UsersService>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SignInThrottle>();
        // The cookie lives no longer than the session's absolute end; the idle end is the store's to enforce.
        services.AddOptions<CookieAuthenticationOptions>(PersonAuthentication.Scheme).Configure<WebSessionOptions>((o, s) =>
        {
            o.ExpireTimeSpan = TimeSpan.FromHours(s.AbsoluteHours);
            o.SlidingExpiration = false;
        });
        return services;
    }
}
