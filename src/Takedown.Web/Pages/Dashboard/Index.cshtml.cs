using Takedown.Core.Common;
using System.Globalization;
using System.Text;
using Takedown.Core.Transparency;

namespace Takedown.Web.Pages.Dashboard;

/// <summary>Orders by status and time to action, for the authority (per platform) or the platform (per authority).</summary>
public sealed class IndexModel(OrderStatisticsService statistics) : TakedownPageModel
{
    public OrderStatisticsView Stats { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Stats = await statistics.ComputeAsync(Me.Caller, ct);

    public static string Share(double? share) => share is null ? "—" : share.Value.ToString("P0", CultureInfo.CurrentCulture);

    public static string Span(TimeSpan? t) => t is null ? "—" : Duration(t.Value);

    /// <summary>The time-to-action histogram as an SVG bar chart, drawn on the server (no script, readable by screen readers).</summary>
    public string Chart(TimeToAction t, string title, IReadOnlyList<string> labels)
    {
        const int width = 560, height = 220, left = 36, bottom = 40, top = 16;
        var max = Math.Max(1, t.Histogram.Max());
        var barWidth = (width - left - 8) / t.Histogram.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">{Esc(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" class=\"axis\"/>");
        for (var i = 0; i < t.Histogram.Count; i++)
        {
            var h = (height - bottom - top) * t.Histogram[i] / (double)max;
            var x = left + i * barWidth + 4;
            var y = height - bottom - h;
            var within = i < 4 ? "within" : "beyond";
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar {within}\" x=\"{x}\" y=\"{y:0.#}\" width=\"{barWidth - 8}\" height=\"{h:0.#}\"><title>{Esc(labels[i])}: {t.Histogram[i]}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (barWidth - 8) / 2}\" y=\"{y - 4:0.#}\" class=\"value\" text-anchor=\"middle\">{t.Histogram[i]}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (barWidth - 8) / 2}\" y=\"{height - bottom + 16}\" class=\"label\" text-anchor=\"middle\">{Esc(labels[i])}</text>");
        }
        var hourX = left + 4 * barWidth;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{hourX}\" y1=\"{top}\" x2=\"{hourX}\" y2=\"{height - bottom + 24}\" class=\"deadline\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{hourX + 4}\" y=\"{top + 10}\" class=\"label\">{Esc(T["1 h deadline"])}</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Esc(string s) => System.Net.WebUtility.HtmlEncode(s);
}
