using System.Net.Http.Headers;
using System.Security.Cryptography;
using Takedown.Web.Demo;

namespace Takedown.Web.Tests.Evidence;

public sealed class EvidenceApiTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;
    private JsonNode _order = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, "--Evidence:MaxBytes=100000");
        _authority = await _app.AuthorityAsync("PHAROS");
        _platform = await _app.PlatformAsync("VideoShare");
        _order = await _authority.IssueOrderAsync(_platform.Id, "https://video.example/watch/1");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string ItemPath => $"/api/v1/orders/{_order["id"]}/items/{_order["items"]![0]!["id"]}/evidence";

    private static Task<HttpResponseMessage> UploadAsync(ApiClient client, string path, byte[] bytes, string fileName = "capture.png", string contentType = "image/png")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Key);
        return client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Evidence_UploadedByTheAuthority_IsStoredBySha256_AndReadableByThePlatform()
    {
        var png = SyntheticImage.Png();
        var response = await UploadAsync(_authority, ItemPath, png);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var evidence = await ApiClient.ReadOkAsync(response);
        var sha = Convert.ToHexStringLower(SHA256.HashData(png));
        Assert.Equal(sha, evidence["sha256"]!.GetValue<string>());
        Assert.Equal("image/png", evidence["media_type"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(_app.DataDir, "evidence", sha[..2], sha[2..4], sha)));

        var list = await _platform.GetOkAsync(ItemPath);
        Assert.Single(list.AsArray());
        var read = await _platform.GetAsync($"{ItemPath}/{evidence["id"]}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("image/png", read.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", read.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(png, await read.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Evidence_EveryRead_IsAudited()
    {
        var evidence = await ApiClient.ReadOkAsync(await UploadAsync(_authority, ItemPath, SyntheticImage.Png()));
        await _platform.GetAsync($"{ItemPath}/{evidence["id"]}");
        await _authority.GetAsync($"{ItemPath}/{evidence["id"]}");
        var events = await _authority.GetOkAsync($"/api/v1/orders/{_order["id"]}/events");
        var reads = events.AsArray().Where(e => e!["type"]!.GetValue<string>() == "evidence.read").ToList();
        Assert.Equal(2, reads.Count);
        Assert.Contains(reads, r => r!["actor_org_id"]!.GetValue<Guid>() == _platform.Id);
        Assert.Equal(1, events.AsArray().Count(e => e!["type"]!.GetValue<string>() == "evidence.added"));
    }

    [Fact]
    public async Task Evidence_IsInvisibleToAnyoneElse()
    {
        var evidence = await ApiClient.ReadOkAsync(await UploadAsync(_authority, ItemPath, SyntheticImage.Png()));
        var otherPlatform = await _app.PlatformAsync();
        var otherAuthority = await _app.AuthorityAsync();
        foreach (var outsider in new[] { otherPlatform, otherAuthority })
        {
            await Problem.AssertAsync(await outsider.GetAsync($"{ItemPath}/{evidence["id"]}"), 404);
            await Problem.AssertAsync(await outsider.GetAsync(ItemPath), 404);
            await Problem.AssertAsync(await UploadAsync(outsider, ItemPath, SyntheticImage.Png()), 404);
        }
    }

    [Fact]
    public async Task Evidence_FromThePlatform_IsRefused()
    {
        await Problem.AssertAsync(await UploadAsync(_platform, ItemPath, SyntheticImage.Png()), 403);
    }

    [Theory]
    [InlineData("<html><script>alert(1)</script></html>", "image/png")]
    [InlineData("MZ\u0090\u0000 not really an exe", "application/pdf")]
    [InlineData("PK\u0003\u0004 a zip", "image/jpeg")]
    public async Task Evidence_WhoseBytesAreNotAnImageOrPdf_IsRefusedWhateverItClaims(string content, string claimed)
    {
        var response = await UploadAsync(_authority, ItemPath, System.Text.Encoding.UTF8.GetBytes(content), "fake.png", claimed);
        await Problem.AssertAsync(response, 400, "file");
        Assert.Empty((await _authority.GetOkAsync(ItemPath)).AsArray());
        // Refused bytes are not kept on disk either.
        var evidenceDir = Path.Combine(_app.DataDir, "evidence");
        var kept = Directory.Exists(evidenceDir) ? Directory.GetFiles(evidenceDir, "*", SearchOption.AllDirectories) : [];
        Assert.Empty(kept);
    }

    [Fact]
    public async Task Evidence_APdf_IsAccepted()
    {
        var pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
        var evidence = await ApiClient.ReadOkAsync(await UploadAsync(_authority, ItemPath, pdf, "archive.pdf", "application/octet-stream"));
        Assert.Equal("application/pdf", evidence["media_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Evidence_OverTheSizeLimit_IsRefusedWith413_AndNothingIsStored()
    {
        var big = new byte[150_000];
        SyntheticImage.Png().CopyTo(big, 0);
        await Problem.AssertAsync(await UploadAsync(_authority, ItemPath, big), 413, "file");
        Assert.Empty((await _authority.GetOkAsync(ItemPath)).AsArray());
    }

    [Fact]
    public async Task Evidence_WithoutAFile_NamesTheField()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ItemPath) { Content = new MultipartFormDataContent { { new StringContent("x"), "other" } } };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _authority.Key);
        await Problem.AssertAsync(await _authority.Http.SendAsync(request), 400, "file");
        await Problem.AssertAsync(await _authority.PostAsync(ItemPath, new { file = "x" }), 400, "file");
    }
}
