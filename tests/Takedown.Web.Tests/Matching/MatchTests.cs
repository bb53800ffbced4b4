using SkiaSharp;

namespace Takedown.Web.Tests.Matching;

public sealed class MatchTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("SmallForum");
        await _platform.CreateBankAsync("KNOWN_PROPAGANDA");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PdqSignal_MatchesWithinDistance31ByDefault_AndNotBeyond()
    {
        var hex = BankIntents.RandomHash(60);
        var entry = await _platform.AddPdqAsync("KNOWN_PROPAGANDA", hex);
        var near = (await _platform.MatchPdqAsync(BankIntents.Flip(hex, 31)))["matches"]!.AsArray();
        var match = Assert.Single(near)!;
        Assert.Equal(31, match["distance"]!.GetValue<int>());
        Assert.Equal(entry["id"]!.GetValue<string>(), match["entry_id"]!.GetValue<string>());
        Assert.Equal("KNOWN_PROPAGANDA", match["bank"]!.GetValue<string>());
        Assert.Equal("glorification", match["labels"]!["behaviour"]!.GetValue<string>());
        Assert.Empty((await _platform.MatchPdqAsync(BankIntents.Flip(hex, 32)))["matches"]!.AsArray());
    }

    [Fact]
    public async Task Radius_IsConfigurablePerRequest_UpTo63()
    {
        var hex = BankIntents.RandomHash(61);
        await _platform.AddPdqAsync("KNOWN_PROPAGANDA", hex);
        Assert.Single((await _platform.MatchPdqAsync(BankIntents.Flip(hex, 50), radius: 63))["matches"]!.AsArray());
        Assert.Empty((await _platform.MatchPdqAsync(BankIntents.Flip(hex, 10), radius: 5))["matches"]!.AsArray());
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match", new { signal_type = "pdq", signal = hex, radius = 64 }), 400, "radius");
    }

    [Fact]
    public async Task ExactSignals_MatchOnlyTheSameDigest()
    {
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("synthetic"u8));
        await _platform.PostOkAsync("/api/v1/banks/KNOWN_PROPAGANDA/entries", new { signal_type = "md5", signal = md5 });
        var hit = await _platform.PostOkAsync("/api/v1/match", new { signal_type = "md5", signal = md5.ToUpperInvariant() });
        Assert.Equal(0, Assert.Single(hit["matches"]!.AsArray())!["distance"]!.GetValue<int>());
        Assert.Empty((await _platform.PostOkAsync("/api/v1/match", new { signal_type = "md5", signal = new string('0', 32) }))["matches"]!.AsArray());
    }

    [Fact]
    public async Task Batch_AnswersEachSignalInOrder()
    {
        var hex = BankIntents.RandomHash(62);
        await _platform.AddPdqAsync("KNOWN_PROPAGANDA", hex);
        var body = await _platform.PostOkAsync("/api/v1/match/batch", new
        {
            signals = new[]
            {
                new { signal_type = "pdq", signal = BankIntents.RandomHash(63) },
                new { signal_type = "pdq", signal = BankIntents.Flip(hex, 3) },
            },
        });
        var results = body["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Empty(results[0]!["matches"]!.AsArray());
        Assert.Equal(3, Assert.Single(results[1]!["matches"]!.AsArray())!["distance"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_OfMoreThan1000Signals_OrWithABadSignal_IsRefusedNamingIt()
    {
        var many = Enumerable.Range(0, 1001).Select(i => new { signal_type = "pdq", signal = BankIntents.RandomHash(i) }).ToArray();
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match/batch", new { signals = many }), 400, "signals");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/match/batch",
            new { signals = new[] { new { signal_type = "pdq", signal = "zz" } } }), 400, "signals[0].signal");
    }

    [Fact]
    public async Task EntryAdded_IsMatchableInTheNextRequest_WithoutARestart()
    {
        var hex = BankIntents.RandomHash(64);
        Assert.Empty((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        await _platform.AddPdqAsync("KNOWN_PROPAGANDA", hex);
        Assert.Single((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
    }

    [Fact]
    public async Task UploadedImage_MatchesItsRotatedCopy_ThroughTheDihedralHashes()
    {
        using var scene = TestImages.Scene(640, 480, seed: 70);
        using var rotated = TestImages.Rotate90(scene);
        var entry = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/banks/KNOWN_PROPAGANDA/entries", TestImages.Encode(scene)));

        var response = await _platform.UploadAsync("/api/v1/match", TestImages.Encode(rotated, SKEncodedImageFormat.Jpeg, 90), "copy.jpg");
        var body = await ApiClient.ReadOkAsync(response);
        var match = Assert.Single(body["matches"]!.AsArray())!;
        Assert.Equal(entry["id"]!.GetValue<string>(), match["entry_id"]!.GetValue<string>());
        Assert.True(match["distance"]!.GetValue<int>() <= 31, $"distance {match["distance"]}");
        Assert.NotEqual(entry["signal"]!.GetValue<string>(), body["hashes"]!["pdq"]!.GetValue<string>());
        Assert.True(BankIntents.Distance(entry["signal"]!.GetValue<string>(), body["hashes"]!["pdq"]!.GetValue<string>()) > 31,
            "the rotated copy's own hash is far away: only a dihedral variant finds it");
    }

    [Fact]
    public async Task UploadedUnrelatedImage_DoesNotMatch()
    {
        await _platform.UploadAsync("/api/v1/banks/KNOWN_PROPAGANDA/entries", TestImages.ScenePng(seed: 71));
        var body = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/match", TestImages.ScenePng(seed: 72)));
        Assert.Empty(body["matches"]!.AsArray());
    }

    [Fact]
    public async Task UploadedFile_MatchesAnExactSha256Entry_EvenWhenItIsNotAnImage()
    {
        var bytes = "not an image, a synthetic document"u8.ToArray();
        await _platform.PostOkAsync("/api/v1/banks/KNOWN_PROPAGANDA/entries",
            new { signal_type = "sha256", signal = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) });
        var body = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/match", bytes, "doc.txt"));
        Assert.Equal("sha256", Assert.Single(body["matches"]!.AsArray())!["signal_type"]!.GetValue<string>());
        Assert.Null(body["hashes"]!["pdq"]);
    }
}
