using System.Text;

namespace Takedown.Web.Tests.Matching;

/// <summary>Text signals through the API: edited, wrapped and disguised copies match; unrelated text does not.</summary>
public sealed class TextSignalTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("TextForum");
        await _platform.CreateBankAsync("KNOWN_TEXTS");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<JsonNode> AddTextAsync(string text, string behaviour = "glorification") =>
        _platform.PostOkAsync("/api/v1/banks/KNOWN_TEXTS/entries", new { signal_type = "text", text, labels = new { behaviour } });

    private async Task<JsonArray> MatchTextAsync(string text) =>
        (await _platform.PostOkAsync("/api/v1/match", new { text }))["matches"]!.AsArray();

    public static TheoryData<string> Languages => new() { "en", "fr", "id", "ar" };

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task EditedWrappedAndDisguisedCopies_Match_UnrelatedTextDoesNot(string language)
    {
        var known = SampleTexts.Known(language);
        var entry = await AddTextAsync(known);
        var id = entry["id"]!.GetValue<string>();
        Assert.Equal("text", entry["signal_type"]!.GetValue<string>());
        Assert.DoesNotContain(known.Split(' ')[2], entry["signal"]!.GetValue<string>()); // a signature, not the text

        Assert.Equal(0, Assert.Single(await MatchTextAsync(known))!["distance"]!.GetValue<int>());
        foreach (var copy in new[]
                 {
                     SampleTexts.EditWords(known, 0.10, seed: 1),
                     SampleTexts.Wrap(language, known),
                     SampleTexts.Disguise(known),
                     SampleTexts.Disguise(SampleTexts.EditWords(known, 0.10, seed: 2)),
                 })
        {
            var match = Assert.Single(await MatchTextAsync(copy))!;
            Assert.Equal(id, match["entry_id"]!.GetValue<string>());
            Assert.InRange(match["distance"]!.GetValue<int>(), 0, 50);
        }
        Assert.Empty(await MatchTextAsync(SampleTexts.Unrelated(language)));
    }

    [Fact]
    public async Task TxtUpload_AddsAndMatches()
    {
        var known = SampleTexts.Known("en");
        var add = await _platform.UploadAsync("/api/v1/banks/KNOWN_TEXTS/entries", Encoding.UTF8.GetBytes(known), "statement.txt", ("signal_type", "text"));
        Assert.Equal(201, (int)add.StatusCode);
        var response = await _platform.UploadAsync("/api/v1/match", Encoding.UTF8.GetBytes(SampleTexts.Wrap("en", known)), "post.txt");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Single(body["matches"]!.AsArray());
        Assert.StartsWith(body["hashes"]!["text"]!.GetValue<string>().Split(':')[0], body["hashes"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignatureFromAnotherSystem_CanBeAdded_AndFeedCarriesIt()
    {
        var entry = await AddTextAsync(SampleTexts.Known("fr"));
        var signal = entry["signal"]!.GetValue<string>();
        await _platform.CreateBankAsync("MIRROR");
        var copy = await _platform.PostOkAsync("/api/v1/banks/MIRROR/entries", new { signal_type = "text", signal });
        Assert.Equal(signal, copy["signal"]!.GetValue<string>());
        var feed = await _platform.GetOkAsync("/api/v1/banks/KNOWN_TEXTS/entries");
        Assert.Equal(signal, Assert.Single(feed["data"]!.AsArray())!["entry"]!["signal"]!.GetValue<string>());
        Assert.Equal(2, (await MatchTextAsync(SampleTexts.Known("fr"))).Count);
    }

    [Fact]
    public async Task FalsePositiveOpinionOfTheOwner_StopsATextMatching_UntilWithdrawn()
    {
        var known = SampleTexts.Known("id");
        var entry = await AddTextAsync(known);
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/banks/KNOWN_TEXTS/entries/{entry["id"]}/opinion", new { opinion = "false_positive" }));
        Assert.Empty(await MatchTextAsync(known));
        await ApiClient.ReadOkAsync(await _platform.SendAsync(HttpMethod.Put, $"/api/v1/banks/KNOWN_TEXTS/entries/{entry["id"]}/opinion", new { opinion = "agree" }));
        Assert.Single(await MatchTextAsync(known));
    }

    [Fact]
    public async Task TooShortText_AndBadSignature_AreProblems()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/KNOWN_TEXTS/entries", new { signal_type = "text", text = "a few words" }), 400, "text");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/KNOWN_TEXTS/entries", new { signal_type = "text", signal = "12:abc" }), 400, "signal");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match", new { signal_type = "pdq", text = "hello there" }), 400, "text");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match", new { text = " ... " }), 400, "text");
    }
}
