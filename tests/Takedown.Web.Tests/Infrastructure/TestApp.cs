using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Takedown.Core.Organizations;
using Takedown.Web;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>
/// A fresh service, database and fake clock for one test: the API in process, over a real SQLite file
/// (or PostgreSQL database). The store starts as a copy of one migrated once per run
/// (<see cref="TestDatabase.CreateMigratedAsync"/>); the master key, signing keys and organisations are the test's own.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsStore = true;

    private string[] _args = [];

    private TestApp(WebApplication app, FakeTimeProvider clock, string dataDir, ApiClient op, TestDatabase database, bool ownsStore = true)
    {
        _ownsStore = ownsStore;
        Database = database;
        App = app;
        Clock = clock;
        DataDir = dataDir;
        Operator = op;
    }

    public WebApplication App { get; }

    /// <summary>The store this test runs on (SQLite, or PostgreSQL when the suite runs against it).</summary>
    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; }

    public string DataDir { get; }

    public ApiClient Operator { get; }

    /// <summary>Runs SQL straight against the store, behind the service's back (tamper tests).</summary>
    public async Task<int> ExecuteSqlAsync(string sql)
    {
        var db = App.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarSqlAsync(string sql)
    {
        var db = App.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>Per-key limits no test reaches by accident (tests make many calls with one key); a test of the limits passes its own after these.</summary>
    public static readonly string[] GenerousLimits =
        ["--RateLimits:PerKeyPerMinute:Reads", "10000000", "--RateLimits:PerKeyPerMinute:Writes", "10000000"];

    public static async Task<TestApp> StartAsync(Action<WebApplicationBuilder>? configure = null, params string[] args)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "takedown-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var clock = new FakeTimeProvider(Start);
        var database = await TestDatabase.CreateMigratedAsync(dataDir);
        WebApplication app;
        try
        {
            app = await RunAsync(dataDir, database, clock, args, configure);
        }
        catch
        {
            // A start-up refused (tests of bad settings) leaves no schema or folder behind.
            await database.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
            throw;
        }
        var boot = await app.Services.GetRequiredService<OrganizationsService>().BootstrapAsync(CancellationToken.None);
        var client = app.GetTestClient();
        return new TestApp(app, clock, dataDir, new ApiClient(client, boot.Value.ApiKey, boot.Value.Id), database) { _args = args };
    }

    /// <summary>
    /// Another node of the same deployment: a second app in this process on the same store, data directory
    /// (master key), settings and clock, with nothing shared in memory. Disposing it leaves the store to this app.
    /// </summary>
    public async Task<TestApp> StartNodeAsync(Action<WebApplicationBuilder>? configure = null)
    {
        var app = await RunAsync(DataDir, Database, Clock, _args, configure);
        return new TestApp(app, Clock, DataDir, new ApiClient(app.GetTestClient(), Operator.Key, Operator.Id), Database, ownsStore: false);
    }

    private static async Task<WebApplication> RunAsync(string dataDir, TestDatabase database, FakeTimeProvider clock, string[] args, Action<WebApplicationBuilder>? configure)
    {
        var builder = TakedownApp.CreateBuilder(["--data", dataDir, .. database.Args, .. GenerousLimits, .. args]);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(clock);
        configure?.Invoke(builder);
        var app = TakedownApp.Build(builder);
        await app.StartAsync();
        return app;
    }

    /// <summary>An anonymous client (no key).</summary>
    public HttpClient Anonymous() => App.GetTestClient();

    public ApiClient WithKey(string key) => new(App.GetTestClient(), key, Guid.Empty);

    public async Task<ApiClient> CreateOrganizationAsync(string kind, string? name = null, string country = "FR")
    {
        var created = await Operator.PostOkAsync("/api/v1/organizations", new { kind, name = name ?? $"{kind}-{Guid.NewGuid():N}"[..20], country });
        return new ApiClient(App.GetTestClient(), created["api_key"]!.GetValue<string>(), Guid.Parse(created["id"]!.GetValue<string>()));
    }

    public Task<ApiClient> AuthorityAsync(string? name = null) => CreateOrganizationAsync("authority", name);

    public Task<ApiClient> PlatformAsync(string? name = null) => CreateOrganizationAsync("platform", name, "IE");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (!_ownsStore) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Database.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>An HTTP client acting as one organisation's key, with intent methods for the tests.</summary>
public sealed class ApiClient(HttpClient http, string key, Guid organizationId)
{
    public HttpClient Http { get; } = http;

    public string Key { get; } = key;

    public Guid Id { get; } = organizationId;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null) =>
        SendRawAsync(method, path, body is null ? null : JsonSerializer.Serialize(body));

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? json, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    /// <summary>Posts files as multipart form parts named <paramref name="field"/> (declared application/octet-stream: the service sniffs the bytes).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string path, string field, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, field, name);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public async Task<JsonNode> PostOkAsync(string path, object? body = null) => await ReadOkAsync(await PostAsync(path, body));

    public async Task<JsonNode> GetOkAsync(string path) => await ReadOkAsync(await GetAsync(path));

    public static async Task<JsonNode> ReadOkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> IssueOrderAsync(Guid platformId, params string[] urls) =>
        await PostOkAsync("/api/v1/orders", OrderBody(platformId, urls));

    public async Task<JsonNode> IssueReferralAsync(Guid platformId, params string[] urls) =>
        await PostOkAsync("/api/v1/orders", OrderBody(platformId, urls, kind: "referral"));

    public static Dictionary<string, object?> OrderBody(Guid platformId, string[] urls, string kind = "removal_order") => new()
    {
        ["kind"] = kind,
        ["platform_id"] = platformId,
        ["reference"] = "REF-" + Guid.NewGuid().ToString("N")[..12],
        ["items"] = (urls.Length == 0 ? ["https://video.example/watch/" + Guid.NewGuid().ToString("N")] : urls).Select(u => new { url = u }).ToArray(),
        ["reasons"] = "Synthetic test order: incites to commit a terrorist offence.",
        ["terrorist_content_types"] = kind == "removal_order" ? new[] { "incitement" } : Array.Empty<string>(),
        ["legal_basis"] = "Regulation (EU) 2021/784, Art. 3",
        ["language"] = "fr",
    };

    public Task<JsonNode> ActAsync(JsonNode order, int item, object body) =>
        PostOkAsync($"/api/v1/orders/{order["id"]}/items/{order["items"]![item]!["id"]}/action", body);
}

internal static class Problem
{
    /// <summary>Asserts a problem+json response with this status, and returns its body.</summary>
    public static async Task<JsonNode> AssertAsync(HttpResponseMessage response, int status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Xunit.Assert.Equal(status, body["status"]!.GetValue<int>());
        if (field is not null)
        {
            var errors = body["errors"]?.AsObject();
            Xunit.Assert.True(errors is not null && errors.ContainsKey(field), $"expected an error naming '{field}', got: {text}");
        }
        return body;
    }
}
