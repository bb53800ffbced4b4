using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;
using Takedown.Core.Transparency;
using Takedown.Web.Common;

namespace Takedown.Web.Accountability;

internal static class ReportsEndpoints
{
    public static void MapTransparencyReports(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/reports/transparency", ReportAsync).RequireScopes().WithTags("Reports")
            .WithSummary("Your organisation's transparency report for [from, to): TCO Art. 7 (platform) or Art. 8 (authority), with time to action; &format=csv.");

    private static async Task<Results<Ok<TransparencyReport>, ContentHttpResult, ProblemHttpResult>> ReportAsync(
        string? from, string? to, string? format, ApiCaller caller, TransparencyReportsService reports, CancellationToken ct)
    {
        var v = new Validator();
        var start = Dates.Parse(v, "from", from);
        var end = Dates.Parse(v, "to", to);
        v.OneOf("format", format ?? "json", ["json", "csv"]);
        if (!v.IsValid) return Problems.From(v.ToError());
        var result = await reports.ComputeAsync(caller, start, end, ct);
        if (!result.IsSuccess) return Problems.From(result.Error!);
        return format == "csv"
            ? TypedResults.Text(TransparencyReportsService.ToCsv(result.Value), "text/csv", Encoding.UTF8)
            : TypedResults.Ok(result.Value);
    }
}

/// <summary>Report periods: a date (YYYY-MM-DD, midnight UTC) or a full ISO 8601 time.</summary>
internal static class Dates
{
    public static DateTimeOffset? Parse(Validator v, string field, string? text)
    {
        if (text is null)
        {
            v.Add(field, "is required (YYYY-MM-DD or an ISO 8601 time)");
            return null;
        }
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)) return day;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        v.Add(field, "is not a date (YYYY-MM-DD) or an ISO 8601 time");
        return null;
    }
}
