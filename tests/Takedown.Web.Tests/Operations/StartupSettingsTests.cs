using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Takedown.Core.Evidence;
using Takedown.Core.Hashing;
using Takedown.Core.Secrets;

namespace Takedown.Web.Tests.Operations;

/// <summary>
/// Each feature binds and checks its own section at start-up: a bad value stops the service before it serves anything,
/// naming the key, and good values reach the services that use them. (Blocklist, Audit, Edge, Sessions, Banks and the
/// master key have their own tests beside their features.)
/// </summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Orders:SweepIntervalSeconds", "0")]
    [InlineData("Preservation:SweepIntervalHours", "169")]
    [InlineData("Hashing:MaxUploadBytes", "0")]
    [InlineData("Hashing:MaxImagePixels", "1000000001")]
    [InlineData("Hashing:MinTextOverlap", "0")]
    [InlineData("Evidence:MaxBytes", "0")]
    [InlineData("DataRequests:EmergencyHours", "0")]
    [InlineData("DataRequests:PreservationByProcessType:european_preservation_order:Days", "0")]
    [InlineData("Webhooks:TimeoutSeconds", "61")]
    [InlineData("Webhooks:LeaseSeconds", "5")]
    [InlineData("Cluster:CatchUpSeconds", "0")]
    [InlineData("Api:MaxJsonBodyBytes", "10")]
    [InlineData("Invitations:ValidHours", "0")]
    [InlineData("SignIn:LockoutMinutes", "0")]
    [InlineData("Passkeys:Origins:0", "takedown.example")]
    public async Task BadValue_StopsStartUp_NamingTheKey(string key, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(null, $"--{key}={value}"));
        Assert.Contains(key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key, failure.Message);
    }

    [Fact]
    public async Task Database_ThatIsNotAConnectionString_StopsStartUp_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(null, "--database=takedown.db"));
        Assert.Contains("--database must be a PostgreSQL connection string", failure.Message);
    }

    [Fact]
    public async Task Settings_ReachTheServicesThatUseThem_OverDefaultsDerivedFromTheDataDirectory()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = await TestApp.StartAsync(null, "--Hashing:MaxUploadBytes=104857600", "--Evidence:MaxBytes=100000", "--MASTER_KEY=" + key);
        var services = app.App.Services;
        Assert.Equal(104857600, services.GetRequiredService<HashingOptions>().MaxUploadBytes);
        // The request body limit leaves room for the largest upload plus its framing.
        Assert.Equal(101L * 1024 * 1024, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
        var evidence = services.GetRequiredService<EvidenceOptions>();
        Assert.Equal(100000, evidence.MaxBytes);
        Assert.Equal(Path.Combine(app.DataDir, "evidence"), evidence.Directory);
        Assert.Equal(100000 + 64 * 1024, services.GetRequiredService<IOptions<FormOptions>>().Value.MultipartBodyLengthLimit);
        // TAKEDOWN_MASTER_KEY arrives as MASTER_KEY when Secrets:MasterKey is not set.
        Assert.Equal(key, services.GetRequiredService<SecretsOptions>().MasterKey);
    }
}
