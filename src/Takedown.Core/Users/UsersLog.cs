using Microsoft.Extensions.Logging;

namespace Takedown.Core.Users;

/// <summary>Log messages of people and their sessions (event ids 10400-10449). Never an e-mail address, a password, a token or a client address.</summary>
internal static partial class UsersLog
{
    [LoggerMessage(EventId = 10401, Level = LogLevel.Information, Message = "Session started for person {PersonId}")]
    public static partial void SessionStarted(ILogger logger, Guid personId);

    [LoggerMessage(EventId = 10402, Level = LogLevel.Information, Message = "Session ended ({Reason})")]
    public static partial void SessionEnded(ILogger logger, string reason);

    [LoggerMessage(EventId = 10403, Level = LogLevel.Information, Message = "Sign-in refused ({Scope} throttled for {Seconds} s)")]
    public static partial void SignInThrottled(ILogger logger, string scope, int seconds);

    [LoggerMessage(EventId = 10404, Level = LogLevel.Warning, Message = "Sign-in locked out for {Minutes} min after {Failures} failures ({Scope})")]
    public static partial void LockedOut(ILogger logger, string scope, int failures, int minutes);

    [LoggerMessage(EventId = 10405, Level = LogLevel.Information, Message = "Sign-in failed ({Failures} recent failure(s) for the account)")]
    public static partial void SignInFailed(ILogger logger, long failures);
}
