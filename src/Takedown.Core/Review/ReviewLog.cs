using Microsoft.Extensions.Logging;

namespace Takedown.Core.Review;

internal static partial class ReviewLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "Review check: {Matches} match(es), decision {Decision}")]
    public static partial void Checked(ILogger logger, int matches, string decision);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Review case {CaseId} {State} ({FalsePositives} false-positive opinion(s))")]
    public static partial void CaseDecided(ILogger logger, Guid caseId, string state, int falsePositives);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Review rule {RuleId} {Change}")]
    public static partial void RuleChanged(ILogger logger, Guid ruleId, string change);
}
