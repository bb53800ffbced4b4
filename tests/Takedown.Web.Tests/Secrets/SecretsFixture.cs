using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Takedown.Core.Organizations;
using Takedown.Core.Secrets;

namespace Takedown.Web.Tests.Secrets;

/// <summary>
/// A service in process on a data directory and store that outlive it, so a test can stop it, change what
/// lies on disk or in the database behind its back, and start it again on the same data.
/// </summary>
internal sealed class RestartableNode(string dataDir, TestDatabase database) : IAsyncDisposable
{
    public WebApplication? App { get; private set; }

    public string DataDir { get; } = dataDir;

    public TestDatabase Database { get; } = database;

    public string MasterKeyFile => Path.Combine(DataDir, SecretsOptions.DefaultFileName);

    /// <summary>Builds and starts the service; TakedownApp.Build throws here when start-up is refused.</summary>
    public async Task<WebApplication> StartAsync(params string[] args)
    {
        var builder = TakedownApp.CreateBuilder(["--data", DataDir, .. Database.Args, .. args]);
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestApp.Start));
        var app = TakedownApp.Build(builder);
        await app.StartAsync();
        App = app;
        return app;
    }

    public async Task StopAsync()
    {
        if (App is null) return;
        await App.StopAsync();
        await App.DisposeAsync();
        App = null;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async Task<ApiClient> OperatorAsync()
    {
        var boot = await App!.Services.GetRequiredService<OrganizationsService>().BootstrapAsync(CancellationToken.None);
        return new ApiClient(App.GetTestClient(), boot.Value.ApiKey, boot.Value.Id);
    }

    public async Task<object?> ScalarAsync(string sql, WebApplication? app = null)
    {
        var db = (app ?? App)!.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        var db = App!.Services.GetRequiredService<Takedown.Core.Storage.IDatabase>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Database.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    public static async Task<RestartableNode> CreateAsync() =>
        new(Path.Combine(Path.GetTempPath(), "takedown-tests", Guid.NewGuid().ToString("N")), await TestDatabase.CreateAsync());
}

/// <summary>Intent methods for the secrets tests: data requests with productions, archives, the CLI's verdicts.</summary>
internal static class Productions
{
    public static Dictionary<string, object?> RequestBody(Guid platformId) => new()
    {
        ["kind"] = "disclosure",
        ["platform_id"] = platformId,
        ["case_reference"] = "CASE-" + Guid.NewGuid().ToString("N")[..8],
        ["agency"] = "OCLCTIC",
        ["officer"] = "Cdt. Synthetic",
        ["official_email"] = "officer@interieur.example",
        ["phone"] = "+33 1 00 00 00 00",
        ["legal_basis"] = "Code de procédure pénale, art. 60-1",
        ["process_type"] = "european_production_order",
        ["targets"] = new[] { new { id = "1234567", url = "https://video.example/u/recruiter", handle = "@recruiter" } },
        ["data_categories"] = new[] { "subscriber" },
        ["date_from"] = TestApp.Start.AddDays(-30),
        ["date_to"] = TestApp.Start,
    };

    /// <summary>The authority asks, the platform produces one file; returns (request id, production).</summary>
    public static async Task<(string RequestId, JsonNode Production)> ProduceAsync(ApiClient authority, ApiClient platform, string fileName, byte[] bytes)
    {
        var request = await authority.PostOkAsync("/api/v1/data-requests", RequestBody(platform.Id));
        var production = await ApiClient.ReadOkAsync(await platform.UploadAsync($"/api/v1/data-requests/{request["id"]}/productions", "files", (fileName, bytes)));
        return (request["id"]!.GetValue<string>(), production);
    }

    public static async Task<string> DownloadAsync(ApiClient authority, string requestId, JsonNode production, string folder)
    {
        var response = await authority.GetAsync($"/api/v1/data-requests/{requestId}/productions/{production["id"]}/archive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"production-{production["id"]}-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    public static Task<(int Code, string Out, string Err)> VerifyAsync(params string[] args) =>
        ServiceProcess.RunCliAsync(null, ["verify-production", .. args]);

    /// <summary>Seals a webhook secret the way versions before the master key did, with their own key file.</summary>
    public static string LegacySeal(byte[] key, string secret)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(secret);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16)) aes.Encrypt(nonce, plain, cipher, tag);
        return "v1." + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public static MasterKey ReadMasterKey(string file) => new(Convert.FromBase64String(File.ReadAllText(file).Trim()));
}
