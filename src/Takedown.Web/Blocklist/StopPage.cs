using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Takedown.Core.Blocklist;

namespace Takedown.Web.Blocklist;

/// <summary>
/// The page blocked visitors land on: the decision, its legal basis, how to appeal, and counter-speech
/// resources, in English or French. Server-rendered, no script, no cookie, nothing loaded from elsewhere.
/// </summary>
internal static class StopPage
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}" +
        "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}a{color:#0b4f9c}a:focus{outline:3px solid #f5a623}" +
        "nav{text-align:right}.note{font-size:.9rem;color:#444;margin-top:3rem}";

    public static void MapStopPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stop", (HttpContext http, BlocklistOptions options) =>
        {
            var language = ChooseLanguage(http.Request);
            http.Response.Headers.ContentLanguage = language;
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'";
            http.Response.Headers.Vary = "Accept-Language";
            return TypedResults.Content(Render(language, options), "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>?lang=en|fr wins; then the best of Accept-Language; English otherwise.</summary>
    public static string ChooseLanguage(HttpRequest request)
    {
        var asked = request.Query["lang"].ToString().ToLowerInvariant();
        if (BlocklistOptions.Languages.Contains(asked)) return asked;
        var accepted = request.GetTypedHeaders().AcceptLanguage
            .Where(l => (l.Quality ?? 1) > 0)
            .OrderByDescending(l => l.Quality ?? 1);
        foreach (var l in accepted)
        {
            var primary = l.Value.ToString().Split('-')[0].ToLowerInvariant();
            if (BlocklistOptions.Languages.Contains(primary)) return primary;
        }
        return "en";
    }

    public static string Render(string language, BlocklistOptions options)
    {
        var t = StopPageTexts.For(language);
        options.StopPage.TryGetValue(language, out var custom);
        var other = language == "fr" ? "en" : "fr";
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"").Append(language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n")
          .Append("<title>").Append(E(t.Title)).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
          .Append("<nav><a href=\"/stop?lang=").Append(other).Append("\" hreflang=\"").Append(other).Append("\" lang=\"").Append(other).Append("\">")
          .Append(E(t.OtherLanguage)).Append("</a></nav>\n<main>\n")
          .Append("<h1>").Append(E(t.Heading)).Append("</h1>\n")
          .Append("<p>").Append(E(t.Decision)).Append("</p>\n")
          .Append("<p>").Append(E(custom?.Reason ?? t.Reason)).Append("</p>\n")
          .Append("<h2>").Append(E(t.LegalBasisHeading)).Append("</h2>\n<p>").Append(E(custom?.LegalBasis ?? t.LegalBasis)).Append("</p>\n")
          .Append("<h2>").Append(E(t.AppealHeading)).Append("</h2>\n<p>").Append(E(custom?.AppealText ?? t.AppealText)).Append("</p>\n");
        var resources = custom?.CounterSpeech ?? [];
        if (resources.Count > 0)
        {
            sb.Append("<h2>").Append(E(t.CounterSpeechHeading)).Append("</h2>\n<p>").Append(E(t.CounterSpeechIntro)).Append("</p>\n<ul>\n");
            foreach (var r in resources)
            {
                sb.Append("<li><a href=\"").Append(E(r.Url ?? "")).Append("\" rel=\"noreferrer\">").Append(E(r.Title ?? "")).Append("</a>");
                if (!string.IsNullOrWhiteSpace(r.Description)) sb.Append(" — ").Append(E(r.Description));
                sb.Append("</li>\n");
            }
            sb.Append("</ul>\n");
        }
        sb.Append("</main>\n<footer><p class=\"note\">").Append(E(t.NoTracking)).Append("</p></footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    // Escapes markup but keeps accented letters readable in the source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string s) => Encoder.Encode(s);
}
