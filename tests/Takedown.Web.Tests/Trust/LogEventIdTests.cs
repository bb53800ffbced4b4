using System.Reflection;
using Microsoft.Extensions.Logging;
using Takedown.Core.Common;
using CoreLogEvents = Takedown.Core.Common.LogEvents;
using WebLogEvents = Takedown.Web.Common.LogEvents;

namespace Takedown.Web.Tests.Trust;

/// <summary>
/// Every source-generated log message has an id of its own, inside its feature's declared range, so operators can
/// alert on an id and a new message cannot take one already in use.
/// </summary>
public sealed class LogEventIdTests
{
    private sealed record Message(string Assembly, string Method, int EventId);

    private static readonly Assembly Core = typeof(CoreLogEvents).Assembly;
    private static readonly Assembly Web = typeof(WebLogEvents).Assembly;

    private static IReadOnlyList<Message> MessagesOf(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new Message(assembly.GetName().Name!, $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}", x.Attribute!.EventId))
            .ToList();

    private static IReadOnlyList<Message> AllMessages() => [.. MessagesOf(Core), .. MessagesOf(Web)];

    private static IReadOnlyList<LogEventRange> AllRanges() => [.. CoreLogEvents.Ranges, .. WebLogEvents.Ranges];

    [Fact]
    public void BothAssemblies_HaveLogMessagesToCheck()
    {
        // Guards the other tests against passing on nothing (e.g. if the attribute stopped being kept in metadata).
        Assert.True(MessagesOf(Core).Count > 30, $"only {MessagesOf(Core).Count} log messages found in Takedown.Core");
        Assert.True(MessagesOf(Web).Count > 5, $"only {MessagesOf(Web).Count} log messages found in Takedown.Web");
    }

    [Fact]
    public void NoTwoLogMessages_ShareAnEventId_WithinOrAcrossAssemblies()
    {
        var duplicates = AllMessages().GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Assembly} {m.Method}"))}").ToList();
        Assert.True(duplicates.Count == 0, "event ids used by more than one log message: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EveryLogMessage_HasAnEventIdInsideADeclaredRange()
    {
        // Core's messages fall in Core's table; Web's in its own table or in the range of the Core feature it logs for.
        var outside = MessagesOf(Core).Where(m => RangeOf(m.EventId, CoreLogEvents.Ranges) is null)
            .Concat(MessagesOf(Web).Where(m => RangeOf(m.EventId, AllRanges()) is null))
            .Select(m => $"{m.EventId} ({m.Assembly} {m.Method})").ToList();
        Assert.True(outside.Count == 0, "log event ids outside every declared range: " + string.Join("; ", outside));
    }

    [Fact]
    public void DeclaredRanges_AreWellFormed_AndDoNotOverlap()
    {
        var ranges = AllRanges();
        Assert.All(ranges, r => Assert.True(r.First > 0 && r.First <= r.Last, $"range {r} is empty or not positive"));
        Assert.Equal(ranges.Count, ranges.Select(r => r.Feature).Distinct().Count());
        var overlaps = ranges.SelectMany((a, i) => ranges.Skip(i + 1).Where(b => a.First <= b.Last && b.First <= a.Last).Select(b => $"{a} and {b}")).ToList();
        Assert.True(overlaps.Count == 0, "overlapping log event id ranges: " + string.Join("; ", overlaps));
    }

    private static LogEventRange? RangeOf(int id, IReadOnlyList<LogEventRange> ranges) =>
        ranges.Where(r => r.First <= id && id <= r.Last).Select(r => (LogEventRange?)r).FirstOrDefault();
}
