using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Takedown.Web.Tests.Infrastructure;

namespace Takedown.Web.Tests.ApiDescription;

/// <summary>
/// The document at /openapi/v1.json is one that tools can use: every operation has a unique id, a summary, the key it
/// needs and the problems it can answer; it is the checked-in docs/openapi.json (which CI lints and the client is
/// generated from); and every timestamp goes out as RFC 3339 UTC with "Z".
/// </summary>
public sealed class ApiDescriptionTests
{
    /// <summary>Set to 1 to rewrite docs/openapi.json from the running service (then regenerate the client: see ApiClient/README.md).</summary>
    public const string UpdateVariable = "TAKEDOWN_UPDATE_API_DESCRIPTION";

    internal static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Takedown.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, relative);
    }

    private static async Task<JsonObject> DocumentAsync(TestApp app) =>
        JsonNode.Parse(await app.Anonymous().GetStringAsync("/openapi/v1.json"))!.AsObject();

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(m => (p.Key, m.Key, m.Value!.AsObject())));

    [Fact]
    public async Task EveryOperation_HasAUniqueIdASummaryItsKeyAndItsProblems()
    {
        await using var app = await TestApp.StartAsync();
        var doc = await DocumentAsync(app);
        var operations = Operations(doc).ToList();
        Assert.True(operations.Count > 100, $"only {operations.Count} operations");

        var ids = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.DoesNotContain(null, ids);
        Assert.All(ids, id => Assert.Matches("^[a-z][A-Za-z]+$", id!));
        var duplicates = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate operationIds: " + string.Join(", ", duplicates));

        var schemes = doc["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["api_key"]!["scheme"]!.GetValue<string>());
        var responses = doc["components"]!["responses"]!.AsObject();
        var tags = doc["tags"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["description"]?.GetValue<string>());
        foreach (var (path, method, op) in operations)
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()), $"{where} has no summary");
            foreach (var tag in op["tags"]!.AsArray()) Assert.False(string.IsNullOrEmpty(tags[tag!.GetValue<string>()]), $"tag {tag} has no description");
            var answers = op["responses"]!.AsObject();
            foreach (var (status, answer) in answers.Where(a => a.Key[0] is '4' or '5'))
            {
                var name = answer!["$ref"]!.GetValue<string>().Replace("#/components/responses/", "");
                Assert.Equal("#/components/schemas/ProblemDetails",
                    responses[name]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            }
            if (!path.StartsWith("/api/", StringComparison.Ordinal)) continue;
            // Every API route needs a key: the scheme, the scope it needs, and the answers a key can get.
            var requirement = Assert.Single(op["security"]!.AsArray())!.AsObject();
            var scopes = requirement["api_key"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
            Assert.Contains(Assert.Single(scopes), new[] { "read", "write", "admin", "approve" });
            foreach (var status in new[] { "401", "403", "429" }) Assert.True(answers.ContainsKey(status), $"{where} does not document {status}");
            if (path.Contains('{')) Assert.True(answers.ContainsKey("404"), $"{where} has a route parameter but no 404");
            if (op["requestBody"] is not null) Assert.True(answers.ContainsKey("400") && answers.ContainsKey("413"), $"{where} takes a body but documents no 400/413");
        }

        // Pages, the health check and the signing key need no key.
        var health = operations.Single(o => o.Path == "/healthz").Operation;
        Assert.Empty(health["security"]!.AsArray());
        // Generators need named schemas, one per type.
        var schemas = doc["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        Assert.DoesNotContain(schemas, s => s.StartsWith("AnonymousType", StringComparison.Ordinal));
        Assert.Contains("BanksEntryView", schemas);
        Assert.Contains("DeconflictionEntryView", schemas);
        Assert.Equal("string", doc["components"]!["schemas"]!["OrderView"]!["properties"]!["created_at"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_IsTheCheckedInOne()
    {
        await using var app = await TestApp.StartAsync();
        var served = (await DocumentAsync(app)).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var file = RepoFile("docs/openapi.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1") await File.WriteAllTextAsync(file, served);
        var checkedIn = File.Exists(file) ? (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n") : "";
        Assert.True(checkedIn == served,
            $"docs/openapi.json differs from the served /openapi/v1.json: run this test with {UpdateVariable}=1, regenerate the client (tests/Takedown.Web.Tests/ApiClient/README.md) and commit both.");
    }

    [Fact]
    public async Task Timestamps_GoOutAsRfc3339UtcWithZ_AndBothFormsAreRead()
    {
        await using var app = await TestApp.StartAsync();
        app.Clock.Advance(TimeSpan.FromMilliseconds(612.3456));
        var platform = await app.PlatformAsync();
        var authority = await app.AuthorityAsync();
        var order = await authority.IssueOrderAsync(platform.Id);
        var text = await (await authority.GetAsync($"/api/v1/orders/{order["id"]}")).Content.ReadAsStringAsync();

        Assert.DoesNotContain("\\u002B", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+00:00", text, StringComparison.Ordinal);
        var created = Regex.Match(text, "\"created_at\":\"([^\"]*)\"").Groups[1].Value;
        Assert.Equal("2026-03-02T09:00:00.612Z", created); // milliseconds, truncated (never later than the instant)
        Assert.Matches(@"""due_at"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z""", text);

        var options = app.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var z = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-12-02T18:26:34.612Z\"", options);
        var offset = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-12-02T18:26:34.612+00:00\"", options);
        var escaped = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-12-02T19:26:34.612\\u002B01:00\"", options);
        Assert.Equal(z, offset);
        Assert.Equal(z, escaped);
        Assert.Null(JsonSerializer.Deserialize<DateTimeOffset?>("null", options));
        Assert.Equal("\"2026-12-02T18:26:34.612Z\"", JsonSerializer.Serialize<DateTimeOffset?>(escaped, options));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("\"yesterday\"", options));
    }
}
