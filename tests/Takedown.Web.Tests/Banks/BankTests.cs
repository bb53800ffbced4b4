namespace Takedown.Web.Tests.Banks;

public sealed class BankTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _platform = await _app.PlatformAsync("SmallForum");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Bank_WhenCreated_IsPrivateToItsOwnerByDefault()
    {
        var response = await _platform.PostAsync("/api/v1/banks", new { name = "PROPAGANDA_2026" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var bank = await ApiClient.ReadOkAsync(response);
        Assert.Equal("private", bank["visibility"]!.GetValue<string>());
        Assert.Equal(_platform.Id, bank["owner"]!.GetValue<Guid>());
        Assert.EndsWith("/api/v1/banks/PROPAGANDA_2026", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("lower_case")]
    [InlineData("TWO__UNDERSCORES")]
    [InlineData("_LEADING")]
    [InlineData("HAS SPACE")]
    [InlineData("9STARTS_WITH_DIGIT")]
    public async Task BankName_ThatIsNotUpperSnakeCase_IsRefusedNamingTheField(string name)
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks", new { name }), 400, "name");
    }

    [Fact]
    public async Task BankName_AlreadyTaken_IsAConflict()
    {
        await _platform.CreateBankAsync("TAKEN_NAME");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks", new { name = "TAKEN_NAME" }), 409, "name");
    }

    [Fact]
    public async Task SharedBank_WithoutMembers_IsRefused()
    {
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks", new { name = "NO_MEMBERS", visibility = "shared" }), 400, "members");
    }

    [Fact]
    public async Task Entry_AddedBySignal_CarriesLabelsSourceAndWhoAddedItWhen()
    {
        await _platform.CreateBankAsync("LABELLED");
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        var hex = BankIntents.RandomHash(1).ToUpperInvariant();
        var entry = await _platform.AddPdqAsync("LABELLED", hex, quality: 87, behaviour: "radicalisation_recruitment_instruction");
        Assert.Equal(hex.ToLowerInvariant(), entry["signal"]!.GetValue<string>());
        Assert.Equal("pdq", entry["signal_type"]!.GetValue<string>());
        Assert.Equal(87, entry["quality"]!.GetValue<int>());
        Assert.Equal("Synthetic Entity", entry["labels"]!["entity"]!.GetValue<string>());
        Assert.Equal("radicalisation_recruitment_instruction", entry["labels"]!["behaviour"]!.GetValue<string>());
        Assert.Equal("test", entry["source"]!.GetValue<string>());
        Assert.Equal(_platform.Id, entry["added_by"]!.GetValue<Guid>());
        Assert.Equal(TestApp.Start.AddMinutes(3), entry["added_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal("enabled", entry["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExactSignals_Md5AndSha256_AreAccepted()
    {
        await _platform.CreateBankAsync("EXACT");
        var md5 = await _platform.PostOkAsync("/api/v1/banks/EXACT/entries", new { signal_type = "md5", signal = new string('a', 32) });
        var sha = await _platform.PostOkAsync("/api/v1/banks/EXACT/entries", new { signal_type = "sha256", signal = new string('b', 64) });
        Assert.Equal("md5", md5["signal_type"]!.GetValue<string>());
        Assert.Equal("sha256", sha["signal_type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("pdq", "abc", "signal")]
    [InlineData("md5", "0123456789abcdef0123456789abcdeg", "signal")]
    [InlineData("phash", "00", "signal_type")]
    public async Task Entry_WithAMalformedSignal_IsRefusedNamingTheField(string type, string signal, string field)
    {
        await _platform.CreateBankAsync("MALFORMED");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/MALFORMED/entries", new { signal_type = type, signal }), 400, field);
    }

    [Fact]
    public async Task PdqEntry_BelowQuality50_IsRefusedWithTheReason()
    {
        await _platform.CreateBankAsync("LOW_QUALITY");
        var problem = await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/LOW_QUALITY/entries",
            new { signal_type = "pdq", signal = BankIntents.RandomHash(2), quality = 49 }), 400, "quality");
        Assert.Contains("below quality 50", problem["errors"]!["quality"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Entry_WithAnUnknownBehaviour_IsRefused()
    {
        await _platform.CreateBankAsync("BAD_LABEL");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/BAD_LABEL/entries",
            new { signal_type = "pdq", signal = BankIntents.RandomHash(3), labels = new { behaviour = "spam" } }), 400, "labels.behaviour");
    }

    [Fact]
    public async Task SameSignalTwiceInOneBank_IsAConflict()
    {
        await _platform.CreateBankAsync("DUPLICATES");
        var hex = BankIntents.RandomHash(4);
        await _platform.AddPdqAsync("DUPLICATES", hex);
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/DUPLICATES/entries", new { signal_type = "pdq", signal = hex }), 409, "signal");
    }

    [Fact]
    public async Task Entry_LinkedToAnOrderItem_OfSomeoneElsesOrder_IsRefused()
    {
        var authority = await _app.AuthorityAsync();
        var otherPlatform = await _app.PlatformAsync();
        var order = await authority.IssueOrderAsync(otherPlatform.Id);
        await _platform.CreateBankAsync("LINKED");
        await Problem.AssertAsync(await _platform.PostAsync("/api/v1/banks/LINKED/entries",
            new { signal_type = "md5", signal = new string('c', 32), order_item_id = order["items"]![0]!["id"]!.GetValue<Guid>() }), 400, "order_item_id");
    }

    [Fact]
    public async Task Entry_DisabledThenEnabled_IsNeverDeletedAndEveryStepIsAudited()
    {
        await _platform.CreateBankAsync("REVERSIBLE");
        var hex = BankIntents.RandomHash(5);
        var entry = await _platform.AddPdqAsync("REVERSIBLE", hex);
        var id = entry["id"]!.GetValue<Guid>();

        var disabled = await _platform.PostOkAsync($"/api/v1/banks/REVERSIBLE/entries/{id}/disable");
        Assert.Equal("disabled", disabled["status"]!.GetValue<string>());
        Assert.Empty((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());
        Assert.Equal("disabled", (await _platform.GetOkAsync($"/api/v1/banks/REVERSIBLE/entries/{id}"))["status"]!.GetValue<string>());

        var enabled = await _platform.PostOkAsync($"/api/v1/banks/REVERSIBLE/entries/{id}/enable");
        Assert.Equal("enabled", enabled["status"]!.GetValue<string>());
        Assert.Single((await _platform.MatchPdqAsync(hex))["matches"]!.AsArray());

        var audit = await _app.Operator.GetOkAsync("/api/v1/audit?limit=200");
        var types = audit["data"]!.AsArray().Where(e => e!["subject_id"]?.GetValue<Guid>() == id).Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["bank.entry_added", "bank.entry_disabled", "bank.entry_enabled"], types);
    }

    [Fact]
    public async Task Entry_AddedByUploadingAFile_IsHashedWithQualityAndTheFileIsNotKept()
    {
        await _platform.CreateBankAsync("UPLOADS");
        var png = TestImages.ScenePng(seed: 11);
        var response = await _platform.UploadAsync("/api/v1/banks/UPLOADS/entries", png, "scene.png", ("behaviour", "glorification"), ("entity", "Synthetic"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var entry = await ApiClient.ReadOkAsync(response);
        Assert.Equal("pdq", entry["signal_type"]!.GetValue<string>());
        Assert.Equal(64, entry["signal"]!.GetValue<string>().Length);
        Assert.True(entry["quality"]!.GetValue<int>() >= 50);
        Assert.Equal("glorification", entry["labels"]!["behaviour"]!.GetValue<string>());
        // The data-protection key ring (keys/, written by a background service shortly after start-up) is not an upload.
        Assert.DoesNotContain(Directory.EnumerateFiles(_app.DataDir, "*", SearchOption.AllDirectories),
            f => !Path.GetFileName(f).StartsWith("takedown.db", StringComparison.Ordinal)
                 && Path.GetFileName(Path.GetDirectoryName(f)) != "keys");

        var sha = await ApiClient.ReadOkAsync(await _platform.UploadAsync("/api/v1/banks/UPLOADS/entries", png, "scene.png", ("signal_type", "sha256")));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), sha["signal"]!.GetValue<string>());
    }

    [Fact]
    public async Task FlatImageUpload_HasLowQualityAndIsRefusedWithTheReason()
    {
        await _platform.CreateBankAsync("FLAT");
        using var flat = new SkiaSharp.SKBitmap(200, 200);
        flat.Erase(new SkiaSharp.SKColor(120, 120, 120));
        var problem = await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/FLAT/entries", TestImages.Encode(flat)), 400, "file");
        Assert.Contains("quality", problem["detail"]!.GetValue<string>());
    }
}
