namespace Takedown.Web.Tests.Cli;

/// <summary>`takedown serve` with a setting out of range stops before serving, naming the key, without a stack trace.</summary>
public sealed class ServeSettingsTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-serve", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("--Orders:SweepIntervalSeconds=0", "Orders:SweepIntervalSeconds")]
    [InlineData("--Hashing:MaxUploadBytes=0", "Hashing:MaxUploadBytes")]
    public async Task Serve_WithASettingOutOfRange_ExitsInvalid_NamingTheKey(string setting, string key)
    {
        var (code, _, err) = await ServiceProcess.RunCliAsync(null,
            ["serve", "--data", _data, "--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}", .. _database.Args, setting]);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {key} must be", err.Trim());
        Assert.DoesNotContain("   at ", err);
    }
}
