using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Takedown.Core.Common;
using Takedown.Core.Transparency;
using Takedown.Web.Accountability;

namespace Takedown.Web.Pages.Reports;

/// <summary>
/// The caller's transparency report (TCO Art. 7 for a platform, Art. 8 for an authority) for a period, with the same
/// figures as GET /api/v1/reports/transparency, charts drawn on the server, and the API's CSV as a download.
/// </summary>
public sealed class IndexModel(TransparencyReportsService reports, TimeProvider clock) : TakedownPageModel
{
    /// <summary>First day of the period (YYYY-MM-DD, included); default a year before <see cref="To"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    /// <summary>End of the period (YYYY-MM-DD, not included); default tomorrow, so today counts.</summary>
    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public TransparencyReport? Report { get; private set; }

    /// <summary>Every month of the period (YYYY-MM), for the charts and the monthly table.</summary>
    public IReadOnlyList<string> Months { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await ComputeAsync(ct);
        if (result is null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>The API's CSV for the same period, as a file.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var report = await ComputeAsync(ct);
        if (report is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var name = $"transparency-{report.Kind}-{From}-{To}.csv";
        return File(Encoding.UTF8.GetBytes(TransparencyReportsService.ToCsv(report)), "text/csv; charset=utf-8", name);
    }

    private async Task<TransparencyReport?> ComputeAsync(CancellationToken ct)
    {
        var today = new DateTimeOffset(Time.Now(clock).UtcDateTime.Date, TimeSpan.Zero);
        To ??= Day(today.AddDays(1));
        var v = new Validator();
        var end = Dates.Parse(v, "to", To);
        From ??= end is { } e ? Day(e.AddYears(-1)) : Day(today.AddYears(-1));
        var start = Dates.Parse(v, "from", From);
        if (v.IsValid && end!.Value - start!.Value > TimeSpan.FromDays(366 * 10)) v.Add("to", "The period is at most ten years.");
        if (!v.IsValid)
        {
            ShowError(v.ToError());
            return null;
        }
        var result = await reports.ComputeAsync(Me.Caller, start, end, ct);
        if (!result.IsSuccess)
        {
            ShowError(result.Error!);
            return null;
        }
        Report = result.Value;
        Months = MonthsOf(start!.Value, end!.Value);
        return Report;
    }

    public static IReadOnlyList<string> MonthsOf(DateTimeOffset from, DateTimeOffset to)
    {
        var months = new List<string>();
        var m = new DateTime(from.UtcDateTime.Year, from.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        while (m < to.UtcDateTime)
        {
            months.Add(m.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            m = m.AddMonths(1);
        }
        return months;
    }

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string CsvHref => $"/reports?handler=csv&from={Uri.EscapeDataString(From ?? "")}&to={Uri.EscapeDataString(To ?? "")}";

    /// <summary>A figure's name in the page's language: <paramref name="prefix"/>.key when translated, else the key itself.</summary>
    public string Label(string prefix, string key)
    {
        LocalizedString s = T[prefix + key];
        return s.ResourceNotFound ? key.Replace('_', ' ') : s.Value;
    }

    public FiguresTable Table(string id, string caption, string prefix, IReadOnlyDictionary<string, int> rows) =>
        new(id, caption, rows.Select(r => new FigureRow(r.Key, Label(prefix, r.Key), r.Value)).ToList());

    public TimeToActionFigures? MonthFigures(string month) => Report?.TimeToAction.ByMonth.GetValueOrDefault(month);

    public static string Seconds(long? s) => s is null ? "—" : Duration(TimeSpan.FromSeconds(s.Value));

    public static string Share(double? share) => share is null ? "—" : share.Value.ToString("P0", CultureInfo.CurrentCulture);

    public string ActionedChart() => SvgChart.Bars("chart-actioned", T["Items removed or disabled per month"],
        T["Bar chart: for each month of the period, the number of items removed or disabled after an order or a referral. The table below gives the same figures."],
        Months, [new ChartSeries(T["Removed or disabled"], "s0", Months.Select(m => (double?)(MonthFigures(m)?.Actions ?? 0)).ToList())],
        v => v.ToString("0", CultureInfo.CurrentCulture), fixedMax: EvenCeiling(Months.Max(m => MonthFigures(m)?.Actions ?? 0)));

    /// <summary>A count axis whose half-way gridline is a whole number too.</summary>
    private static double EvenCeiling(int max) => Math.Max(2, max + max % 2);

    public string TimeChart()
    {
        static string fmt(double v) => Duration(TimeSpan.FromSeconds(Math.Round(v)));
        return SvgChart.Bars("chart-time", T["Time to action per month: median and 90th percentile"],
            T["Grouped bar chart: for each month, the median and the 90th percentile of the time from receipt to removal or disabling. The table below gives the same figures."],
            Months,
            [
                new ChartSeries(T["Median"], "s0", Months.Select(m => (double?)MonthFigures(m)?.MedianSeconds).ToList()),
                new ChartSeries(T["90th percentile"], "s1", Months.Select(m => (double?)MonthFigures(m)?.P90Seconds).ToList()),
            ], fmt, fixedMax: Math.Max(60, Months.Max(m => Math.Max(MonthFigures(m)?.MedianSeconds ?? 0, MonthFigures(m)?.P90Seconds ?? 0))));
    }

    public string ShareChart() => SvgChart.Bars("chart-share", T["Share removed or disabled within the deadline, per month"],
        T["Bar chart: for each month, the share of removals and disablings done within their deadline, from 0 to 100 %. The table below gives the same figures."],
        Months, [new ChartSeries(T["Within the deadline"], "s2", Months.Select(m => MonthFigures(m)?.ShareWithinDeadline).ToList())],
        v => v.ToString("P0", CultureInfo.CurrentCulture), fixedMax: 1);
}
