using SkiaSharp;

namespace Takedown.Web.Tests.Matching;

public sealed class HostileUploadTests : IAsyncLifetime
{
    private const long MaxUpload = 256 * 1024;
    private TestApp _app = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, "--Hashing:MaxUploadBytes", MaxUpload.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _platform = await _app.PlatformAsync("SmallForum");
        await _platform.CreateBankAsync("HOSTILE");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string> Hostile() => new()
    {
        { "truncated.jpg", "truncated" },
        { "empty.jpg", "empty" },
        { "huge.png", "too large" },
        { "text.jpg", "not an image" },
    };

    private static byte[] File(string name)
    {
        switch (name)
        {
            case "truncated.jpg":
                using (var scene = TestImages.Scene(400, 300, 80))
                {
                    var jpeg = TestImages.Encode(scene, SKEncodedImageFormat.Jpeg, 90);
                    return jpeg[..(jpeg.Length / 2)];
                }
            case "empty.jpg": return [];
            case "huge.png": return TestImages.HugePngHeader();
            default: return "Hello, this is plain text pretending to be a JPEG.\n"u8.ToArray();
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileFile_AddedToABank_GetsA400NamingTheFile_AndWritesNothing(string name, string reason)
    {
        var auditBefore = (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray().Count;
        var problem = await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/HOSTILE/entries", File(name), name), 400, "file");
        Assert.Contains(reason, problem["detail"]!.GetValue<string>());
        Assert.Empty((await _platform.GetOkAsync("/api/v1/banks/HOSTILE/entries"))["data"]!.AsArray());
        Assert.Equal(auditBefore, (await _app.Operator.GetOkAsync("/api/v1/audit?limit=200"))["data"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileFile_SentToMatch_IsAnsweredWithoutACrash(string name, string reason)
    {
        var response = await _platform.UploadAsync("/api/v1/match", File(name), name);
        if (name == "empty.jpg")
        {
            await Problem.AssertAsync(response, 400, "file");
            return;
        }
        // Not an image: nothing to hash perceptually, but the exact digests are still looked up.
        var body = await ApiClient.ReadOkAsync(response);
        Assert.Null(body["hashes"]!["pdq"]);
        Assert.Contains(reason, body["hashes"]!["pdq_error"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizedUpload_Gets413_AndWritesNothing()
    {
        var big = new byte[MaxUpload + 1];
        new Random(1).NextBytes(big);
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/HOSTILE/entries", big, "big.jpg"), 413, "file");
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/match", big, "big.jpg"), 413, "file");
        Assert.Empty((await _platform.GetOkAsync("/api/v1/banks/HOSTILE/entries"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Upload_WithoutAFilePart_OrWithAnUnknownField_IsRefused()
    {
        var form = new MultipartFormDataContent { { new StringContent("pdq"), "signal_type" } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/banks/HOSTILE/entries") { Content = form };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _platform.Key);
        await Problem.AssertAsync(await _platform.Http.SendAsync(request), 400, "file");
        await Problem.AssertAsync(await _platform.UploadAsync("/api/v1/banks/HOSTILE/entries", TestImages.ScenePng(3), "a.png", ("colour", "red")), 400, "colour");
    }
}
