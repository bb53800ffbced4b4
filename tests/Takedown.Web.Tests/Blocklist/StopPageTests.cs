namespace Takedown.Web.Tests.Blocklist;

/// <summary>The stop page: language choice, configured texts and counter-speech, no tracking, nothing external.</summary>
public sealed class StopPageTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(null,
        "--Blocklist:StopPage:fr:LegalBasis=Article 6-1 de la loi n° 2004-575 et décret n° 2015-125.",
        "--Blocklist:StopPage:fr:CounterSpeech:0:Title=Stop Djihadisme",
        "--Blocklist:StopPage:fr:CounterSpeech:0:Url=https://counter.example/fr",
        "--Blocklist:StopPage:fr:CounterSpeech:0:Description=Écoute & conseils <pour les familles>",
        "--Blocklist:StopPage:en:CounterSpeech:0:Title=Life after hate",
        "--Blocklist:StopPage:en:CounterSpeech:0:Url=https://counter.example/en");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Html, HttpResponseMessage Response)> GetAsync(string path, string? acceptLanguage = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null) request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        var response = await _app.Anonymous().SendAsync(request);
        return (await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task WithoutPreference_IsInEnglish_WithDecisionBasisAppealAndResources()
    {
        var (html, response) = await GetAsync("/stop");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("administrative decision", html);
        Assert.Contains("Legal basis", html);
        Assert.Contains("How to appeal", html);
        Assert.Contains("<a href=\"https://counter.example/en\" rel=\"noreferrer\">Life after hate</a>", html);
        Assert.Contains("href=\"/stop?lang=fr\"", html);
    }

    [Fact]
    public async Task AcceptLanguageFrench_IsInFrench_WithTheConfiguredLegalBasis_Encoded()
    {
        var (html, response) = await GetAsync("/stop", "de-DE, fr-FR;q=0.9, en;q=0.5");
        Assert.Contains("<html lang=\"fr\">", html);
        Assert.Equal("fr", response.Content.Headers.ContentLanguage.Single());
        Assert.Contains("décision administrative", html);
        Assert.Contains("Article 6-1 de la loi n° 2004-575", html);
        Assert.Contains("Écoute &amp; conseils &lt;pour les familles&gt;", html);
        Assert.DoesNotContain("<pour", html);
    }

    [Fact]
    public async Task LangParameter_WinsOverAcceptLanguage()
    {
        Assert.Contains("<html lang=\"en\">", (await GetAsync("/stop?lang=en", "fr")).Html);
        Assert.Contains("<html lang=\"fr\">", (await GetAsync("/stop?lang=fr", "en")).Html);
        Assert.Contains("<html lang=\"en\">", (await GetAsync("/stop?lang=xx", "de")).Html);
    }

    [Fact]
    public async Task Page_SetsNoCookie_RunsNoScript_AndLoadsNothingFromElsewhere()
    {
        var (html, response) = await GetAsync("/stop");
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("<main>", html);
        Assert.Contains("<h1>", html);
    }
}

/// <summary>Unusable blocklist settings stop the service at start-up, naming the key.</summary>
public sealed class BlocklistOptionsTests
{
    [Theory]
    [InlineData("--Blocklist:ZoneName=-bad-", "Blocklist:ZoneName")]
    [InlineData("--Blocklist:StopHost=a..b", "Blocklist:StopHost")]
    [InlineData("--Blocklist:ReviewDays=0", "Blocklist:ReviewDays")]
    [InlineData("--Blocklist:StopPage:de:Reason=x", "Blocklist:StopPage:de")]
    [InlineData("--Blocklist:StopPage:en:CounterSpeech:0:Url=javascript:alert(1)", "CounterSpeech:0:Url")]
    public async Task BadSetting_RefusesToStart(string setting, string named)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(null, setting));
        Assert.Contains(named, ex.ToString());
    }
}
