using System.Globalization;
using System.Net;
using System.Text;

namespace Takedown.Web.Pages.Reports;

/// <summary>One series of a bar chart: its name (legend), a CSS class for its colour, and one value per label (null: no data).</summary>
internal sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<double?> Values);

/// <summary>
/// Bar charts drawn on the server as inline SVG: no script, no library, nothing fetched. Each chart names itself with
/// &lt;title&gt; and &lt;desc&gt; (role="img"), each bar carries its own &lt;title&gt;, and the page gives the same figures in a table.
/// </summary>
internal static class SvgChart
{
    private const int Height = 260, Left = 56, Right = 12, Top = 28, Bottom = 56, MinWidth = 560;

    public static string Bars(string id, string title, string description, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series,
        Func<double, string> format, double? fixedMax = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var groupWidth = Math.Max(24, 12 + 14 * series.Count);
        var width = Math.Max(MinWidth, Left + Right + labels.Count * groupWidth);
        var plotWidth = width - Left - Right;
        var slot = labels.Count == 0 ? plotWidth : plotWidth / (double)labels.Count;
        var barWidth = Math.Max(2, (slot - 6) / Math.Max(1, series.Count));
        var max = fixedMax ?? Math.Max(1e-9, series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max());
        if (max <= 0) max = 1;
        var plotHeight = Height - Top - Bottom;
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(inv, $"<title id=\"{id}-title\">{Esc(title)}</title><desc id=\"{id}-desc\">{Esc(description)}</desc>");
        // Gridlines at 0, 50 % and 100 % of the scale, labelled.
        foreach (var f in new[] { 0.0, 0.5, 1.0 })
        {
            var y = Top + plotHeight * (1 - f);
            svg.Append(inv, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{width - Right}\" y2=\"{y:0.#}\" class=\"{(f == 0 ? "axis" : "grid")}\"/>");
            svg.Append(inv, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"label\" text-anchor=\"end\">{Esc(format(max * f))}</text>");
        }
        var rotate = labels.Count > 12;
        for (var i = 0; i < labels.Count; i++)
        {
            var x0 = Left + i * slot + 3;
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i];
                if (value is null) continue;
                var h = plotHeight * Math.Min(1, value.Value / max);
                var x = x0 + s * barWidth;
                var y = Top + plotHeight - h;
                var name = series.Count > 1 ? series[s].Name + ", " : "";
                svg.Append(inv, $"<rect class=\"bar {series[s].CssClass}\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{Math.Max(1, barWidth - 1):0.#}\" height=\"{h:0.#}\"><title>{Esc(name + labels[i])}: {Esc(format(value.Value))}</title></rect>");
            }
            var cx = x0 + (slot - 6) / 2;
            var ly = Top + plotHeight + 16;
            svg.Append(rotate
                ? string.Create(inv, $"<text x=\"{cx:0.#}\" y=\"{ly:0.#}\" class=\"label\" text-anchor=\"end\" transform=\"rotate(-45 {cx:0.#} {ly:0.#})\">{Esc(labels[i])}</text>")
                : string.Create(inv, $"<text x=\"{cx:0.#}\" y=\"{ly:0.#}\" class=\"label\" text-anchor=\"middle\">{Esc(labels[i])}</text>"));
        }
        if (series.Count > 1)
        {
            var lx = Left;
            foreach (var s in series)
            {
                svg.Append(inv, $"<rect class=\"bar {s.CssClass}\" x=\"{lx}\" y=\"6\" width=\"12\" height=\"12\"/><text x=\"{lx + 16}\" y=\"16\" class=\"label\">{Esc(s.Name)}</text>");
                lx += 24 + 7 * s.Name.Length;
            }
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}

/// <summary>A table of named figures (one dictionary of a report section).</summary>
public sealed record FiguresTable(string Id, string Caption, IReadOnlyList<FigureRow> Rows);

public sealed record FigureRow(string Key, string Label, int Value);
