using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Takedown.Core.DataRequests;

namespace Takedown.Web.Tests.DataRequests;

public sealed class DataRequestsTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _platform = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(null, "--DataRequests:MaxFileBytes=100000");
        _authority = await _app.AuthorityAsync("OCLCTIC");
        _platform = await _app.PlatformAsync("VideoHost");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Dictionary<string, object?> Body(string kind) => new()
    {
        ["kind"] = kind,
        ["platform_id"] = _platform.Id,
        ["case_reference"] = "CASE-" + Guid.NewGuid().ToString("N")[..8],
        ["agency"] = "OCLCTIC",
        ["officer"] = "Cdt. Synthetic",
        ["official_email"] = "officer@interieur.example",
        ["phone"] = "+33 1 00 00 00 00",
        ["legal_basis"] = "Code de procédure pénale, art. 60-1",
        ["process_type"] = kind == "preservation" ? "european_preservation_order" : "european_production_order",
        ["targets"] = new[] { new { id = "1234567", url = "https://video.example/u/recruiter", handle = "@recruiter" } },
        ["data_categories"] = new[] { "subscriber", "identification" },
        ["date_from"] = TestApp.Start.AddDays(-30),
        ["date_to"] = TestApp.Start,
        ["danger_description"] = kind == "emergency_disclosure" ? "A named person is threatened with an attack tomorrow; the IP would locate the author." : null,
    };

    private async Task<JsonNode> CreateAsync(string kind) => await _authority.PostOkAsync("/api/v1/data-requests", Body(kind));

    private static MultipartFormDataContent Files(string field, params (string Name, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, field, name);
        }
        return content;
    }

    private async Task<HttpResponseMessage> UploadAsync(ApiClient who, string path, MultipartFormDataContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", who.Key);
        return await who.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("emergency_disclosure", 8 * 60)]
    [InlineData("disclosure", 10 * 24 * 60)]
    [InlineData("preservation", 24 * 60)]
    public async Task Create_SetsDueAtByKind(string kind, int minutes)
    {
        var response = await _authority.PostAsync("/api/v1/data-requests", Body(kind));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var r = await ApiClient.ReadOkAsync(response);
        Assert.Equal("open", r["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start, r["received_at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(TestApp.Start.AddMinutes(minutes), r["due_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Preservation_IsAcknowledgedAsPreserved_ExtendedOnceBeforeExpiry_AndRefusedAfter()
    {
        var r = await CreateAsync("preservation");
        Assert.Equal(TestApp.Start.AddDays(60), r["preserve_until"]!.GetValue<DateTimeOffset>());
        var acked = await _platform.PostOkAsync($"/api/v1/data-requests/{r["id"]}/acknowledge");
        Assert.Equal("preserved", acked["status"]!.GetValue<string>());

        _app.Clock.Advance(TimeSpan.FromDays(50));
        var extended = await _authority.PostOkAsync($"/api/v1/data-requests/{r["id"]}/extend");
        Assert.Equal(TestApp.Start.AddDays(90), extended["preserve_until"]!.GetValue<DateTimeOffset>());
        await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/data-requests/{r["id"]}/extend"), 409);

        var other = await CreateAsync("preservation");
        _app.Clock.Advance(TimeSpan.FromDays(61));
        var late = await Problem.AssertAsync(await _authority.PostAsync($"/api/v1/data-requests/{other["id"]}/extend"), 409);
        Assert.Contains("expired", late["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preservation_OfAnotherProcessType_Keeps90DaysAndExtendsBy90()
    {
        var body = Body("preservation");
        body["process_type"] = "court_order";
        var r = await _authority.PostOkAsync("/api/v1/data-requests", body);
        Assert.Equal(TestApp.Start.AddDays(90), r["preserve_until"]!.GetValue<DateTimeOffset>());
        var extended = await _authority.PostOkAsync($"/api/v1/data-requests/{r["id"]}/extend");
        Assert.Equal(TestApp.Start.AddDays(180), extended["preserve_until"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Disclosure_LinkedToAnEarlierPreservation_RecordsTheLink_AndAForeignLinkIsRefused()
    {
        var p = await CreateAsync("preservation");
        var body = Body("disclosure");
        body["preservation_request_id"] = p["id"]!.GetValue<string>();
        var d = await _authority.PostOkAsync("/api/v1/data-requests", body);
        Assert.Equal(p["id"]!.GetValue<string>(), d["preservation_request_id"]!.GetValue<string>());

        body["preservation_request_id"] = Guid.NewGuid();
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/data-requests", body), 400, "preservation_request_id");
    }

    [Fact]
    public async Task Disclosure_Objected_IsFinal()
    {
        var r = await CreateAsync("disclosure");
        var objected = await _platform.PostOkAsync($"/api/v1/data-requests/{r["id"]}/object", new { reasons = "The account is not on our service." });
        Assert.Equal("objected", objected["status"]!.GetValue<string>());
        await Problem.AssertAsync(await _platform.PostAsync($"/api/v1/data-requests/{r["id"]}/narrow", new { reasons = "x" }), 409);
        await Problem.AssertAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("a.csv", "x"u8.ToArray()))), 409);
    }

    [Fact]
    public async Task Clarification_RequestedByThePlatform_AndAnswered_RestartsTheDeadline()
    {
        var r = await CreateAsync("disclosure");
        await _platform.PostOkAsync($"/api/v1/data-requests/{r["id"]}/request-clarification", new { reasons = "Which of the two accounts?" });
        _app.Clock.Advance(TimeSpan.FromDays(2));
        var clarified = await _authority.PostOkAsync($"/api/v1/data-requests/{r["id"]}/clarify", new { reasons = "The first one." });
        Assert.Equal("open", clarified["status"]!.GetValue<string>());
        Assert.Equal(TestApp.Start.AddDays(12), clarified["due_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Emergency_NotAcknowledgedAfter15Minutes_IsEscalatedOnce()
    {
        var r = await CreateAsync("emergency_disclosure");
        _app.Clock.Advance(TimeSpan.FromMinutes(14));
        await Task.Delay(50);
        Assert.Null((await _authority.GetOkAsync($"/api/v1/data-requests/{r["id"]}"))["escalated_at"]);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.TrueAsync(async () => (await _authority.GetOkAsync($"/api/v1/data-requests/{r["id"]}"))["escalated_at"] is not null);
        var audit = await _app.Operator.GetOkAsync("/api/v1/audit?limit=200");
        Assert.Equal(1, audit["data"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "data_request.escalated"));
        // The platform was paged at creation, and both sides are told of the escalation.
        var platformFeed = (await _platform.GetOkAsync("/api/v1/events"))["data"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["data_request.created", "data_request.emergency", "data_request.escalated"], platformFeed);
        var authorityFeed = (await _authority.GetOkAsync("/api/v1/events"))["data"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Contains("data_request.escalated", authorityFeed);
        Assert.Equal(1, audit["data"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "data_request.emergency"));
    }

    [Fact]
    public async Task Production_HasASignedManifest_ThatVerifiesOffline_AndFailsAfterOneByteChanges()
    {
        var r = await CreateAsync("disclosure");
        var csv = Encoding.UTF8.GetBytes("account_id,ip,first_seen\n1234567,192.0.2.10,2026-02-01T10:00:00Z\n");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% synthetic subscriber record\n%%EOF\n");
        var response = await UploadAsync(_platform, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("subscriber.csv", csv), ("record.pdf", pdf)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var production = await ApiClient.ReadOkAsync(response);
        var files = production["manifest"]!["files"]!.AsArray();
        Assert.Equal(2, files.Count);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(csv)), files[0]!["sha256"]!.GetValue<string>());
        Assert.Equal(csv.Length, files[0]!["size"]!.GetValue<long>());
        Assert.Equal("application/pdf", files[1]!["content_type"]!.GetValue<string>());
        Assert.Equal("produced", (await _authority.GetOkAsync($"/api/v1/data-requests/{r["id"]}"))["status"]!.GetValue<string>());

        var key = await _app.Anonymous().GetStringAsync("/.well-known/takedown-signing-key");
        var publicKey = JsonNode.Parse(key)!["public_key"]!.GetValue<string>();
        var archive = await _authority.GetAsync($"/api/v1/data-requests/{r["id"]}/productions/{production["id"]}/archive");
        Assert.Equal("application/zip", archive.Content.Headers.ContentType!.MediaType);
        var zipPath = Path.Combine(_app.DataDir, "download.zip");
        await File.WriteAllBytesAsync(zipPath, await archive.Content.ReadAsByteArrayAsync());
        var ok = ProductionVerifier.Verify(zipPath, publicKey);
        Assert.True(ok.Ok, string.Join("; ", ok.Problems));

        var cli = await ServiceProcess.RunCliAsync(null, "verify-production", zipPath, "--public-key", publicKey);
        Assert.True(cli.Code == 0, cli.Err);

        var dir = Path.Combine(_app.DataDir, "unpacked");
        ZipFile.ExtractToDirectory(zipPath, dir);
        var target = Path.Combine(dir, "files", "subscriber.csv");
        var bytes = await File.ReadAllBytesAsync(target);
        bytes[10] ^= 0x01;
        await File.WriteAllBytesAsync(target, bytes);
        var bad = ProductionVerifier.Verify(dir, publicKey);
        Assert.False(bad.Ok);
        Assert.Contains(bad.Problems, p => p.Contains("subscriber.csv"));
        var cliBad = await ServiceProcess.RunCliAsync(null, "verify-production", dir, "--public-key", publicKey);
        Assert.NotEqual(0, cliBad.Code);
        Assert.Contains("subscriber.csv", cliBad.Err);

        var manifest = Path.Combine(dir, "manifest.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("subscriber.csv", "subscriber2.csv"));
        Assert.Contains(ProductionVerifier.Verify(dir, publicKey).Problems, p => p.Contains("signature"));
    }

    [Fact]
    public async Task Production_ReadsAreAudited()
    {
        var r = await CreateAsync("disclosure");
        var production = await ApiClient.ReadOkAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("a.txt", "hello"u8.ToArray()))));
        await _authority.GetAsync($"/api/v1/data-requests/{r["id"]}/productions/{production["id"]}/archive");
        await _authority.GetOkAsync($"/api/v1/data-requests/{r["id"]}/productions/{production["id"]}");
        var audit = await _app.Operator.GetOkAsync("/api/v1/audit?limit=200");
        Assert.Equal(2, audit["data"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() == "data_request.production_downloaded"));
    }

    [Fact]
    public async Task Preservation_CannotBeAnsweredWithAProduction()
    {
        var r = await CreateAsync("preservation");
        await Problem.AssertAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("a.txt", "x"u8.ToArray()))), 409);
    }

    [Fact]
    public async Task Production_WithAnEmptyOrOversizedFile_IsRefused_AndWritesNothing()
    {
        var r = await CreateAsync("disclosure");
        var path = $"/api/v1/data-requests/{r["id"]}/productions";
        await Problem.AssertAsync(await UploadAsync(_platform, path, Files("files", ("empty.csv", []))), 400, "files");
        await Problem.AssertAsync(await UploadAsync(_platform, path, Files("files", ("big.bin", new byte[100_001]))), 413, "files");
        await Problem.AssertAsync(await UploadAsync(_platform, path, Files("wrong", ("a.txt", "x"u8.ToArray()))), 400, "wrong");
        await Problem.AssertAsync(await _platform.PostAsync(path, new { files = "x" }), 400, "files");
        var after = await _authority.GetOkAsync($"/api/v1/data-requests/{r["id"]}");
        Assert.Equal("open", after["status"]!.GetValue<string>());
        Assert.Empty(after["productions"]!.AsArray());
    }

    [Fact]
    public async Task Attachment_MustBeAPdfByItsBytes()
    {
        var r = await CreateAsync("disclosure");
        var path = $"/api/v1/data-requests/{r["id"]}/attachments";
        await Problem.AssertAsync(await UploadAsync(_authority, path, Files("file", ("order.pdf", "not really a pdf"u8.ToArray()))), 400, "file");
        var ok = await ApiClient.ReadOkAsync(await UploadAsync(_authority, path, Files("file", ("order.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\nsynthetic\n%%EOF")))));
        Assert.Equal("order.pdf", ok["attachments"]![0]!["name"]!.GetValue<string>());
        await Problem.AssertAsync(await UploadAsync(_platform, path, Files("file", ("x.pdf", Encoding.ASCII.GetBytes("%PDF-1.7")))), 403);
    }

    public static TheoryData<string, object?, string> BadFields => new()
    {
        { "danger_description", null, "danger_description" },
        { "date_to", TestApp.Start.AddDays(-31), "date_to" },
        { "kind", "subpoena", "kind" },
        { "process_type", "letter", "process_type" },
        { "official_email", "not-an-email", "official_email" },
        { "targets", Array.Empty<object>(), "targets" },
        { "data_categories", new[] { "everything" }, "data_categories[0]" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Create_WithABadField_NamesIt(string field, object? value, string expected)
    {
        var body = Body("emergency_disclosure");
        body[field] = value;
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/data-requests", body), 400, expected);
        Assert.Empty((await _authority.GetOkAsync("/api/v1/data-requests")).AsArray());
    }

    [Fact]
    public async Task Target_WithNothingToIdentifyIt_IsRefused()
    {
        var body = Body("disclosure");
        body["targets"] = new[] { new { id = (string?)null, url = (string?)null, handle = (string?)null } };
        await Problem.AssertAsync(await _authority.PostAsync("/api/v1/data-requests", body), 400, "targets[0]");
    }

    [Fact]
    public async Task OtherOrganisations_Get404_AndOversightSeesMetadataWithoutFiles()
    {
        var r = await CreateAsync("disclosure");
        var production = await ApiClient.ReadOkAsync(await UploadAsync(_platform, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("a.txt", "x"u8.ToArray()))));
        var strangers = new[] { await _app.AuthorityAsync(), await _app.PlatformAsync(), await _app.CreateOrganizationAsync("isp") };
        foreach (var s in strangers)
        {
            await Problem.AssertAsync(await s.GetAsync($"/api/v1/data-requests/{r["id"]}"), 404);
            await Problem.AssertAsync(await s.PostAsync($"/api/v1/data-requests/{r["id"]}/acknowledge"), 404);
            await Problem.AssertAsync(await s.PostAsync($"/api/v1/data-requests/{r["id"]}/extend"), 404);
            await Problem.AssertAsync(await s.GetAsync($"/api/v1/data-requests/{r["id"]}/productions/{production["id"]}/archive"), 404);
            await Problem.AssertAsync(await UploadAsync(s, $"/api/v1/data-requests/{r["id"]}/productions", Files("files", ("a.txt", "x"u8.ToArray()))), 404);
            Assert.Empty((await s.GetOkAsync("/api/v1/data-requests")).AsArray());
        }
        var oversight = await _app.CreateOrganizationAsync("oversight");
        var seen = await oversight.GetOkAsync($"/api/v1/data-requests/{r["id"]}");
        Assert.Equal("produced", seen["status"]!.GetValue<string>());
        Assert.Null(seen["details"]);
        await Problem.AssertAsync(await oversight.GetAsync($"/api/v1/data-requests/{r["id"]}/productions/{production["id"]}/archive"), 404);
    }
}
