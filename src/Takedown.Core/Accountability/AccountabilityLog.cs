using Microsoft.Extensions.Logging;

namespace Takedown.Core.Accountability;

internal static partial class AccountabilityLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Complaint {ComplaintId} recorded")]
    public static partial void ComplaintRecorded(ILogger logger, Guid complaintId);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Complaint {ComplaintId} decided: {Outcome}")]
    public static partial void ComplaintDecided(ILogger logger, Guid complaintId, string outcome);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information,
        Message = "Item {ItemId} reinstated ({Because}): {Entries} own bank entries, {OwnerReviews} owner reviews opened, {Listings} listings flagged")]
    public static partial void Reinstated(ILogger logger, Guid itemId, string because, int entries, int ownerReviews, int listings);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Scrutiny {ScrutinyId} requested")]
    public static partial void ScrutinyRequested(ILogger logger, Guid scrutinyId);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information, Message = "Scrutiny {ScrutinyId} decided: {Outcome}")]
    public static partial void ScrutinyDecided(ILogger logger, Guid scrutinyId, string outcome);

    [LoggerMessage(EventId = 10101, Level = LogLevel.Information, Message = "Court reinstatement {ReinstatementId} contested by the issuing authority")]
    public static partial void CourtReinstatementContested(ILogger logger, Guid reinstatementId);
}
