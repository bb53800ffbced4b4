using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Core.SecondFactors;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Takedown.Core.Users;
using Takedown.Tests;

namespace Takedown.Web.Tests.Users;

/// <summary>`takedown admin reset-second-factor`: the operator's way back in for a person who lost every factor.</summary>
public sealed class SecondFactorCliTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "takedown-factors", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ResetSecondFactor_RemovesTheAppAndCodes_AndIsAudited_AndAnUnknownAddressIsNotFound()
    {
        Assert.Equal(0, (await ServiceProcess.RunCliAsync(null, "admin", "bootstrap", "--data", _data)).Item1);
        var (code, stdout, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "add-user", "--data", _data,
            "--email", "ops@example.org", "--password", "a long enough password", "--role", "admin", "--organization", "Operator");
        Assert.True(code == 0, stderr);

        var db = new SqliteDatabase(Path.Combine(_data, "takedown.db"));
        var master = await MasterKeyLoader.LoadAsync(db, new SecretsOptions(), _data, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
        var factors = new SecondFactorsService(db, TimeProvider.System, master);
        var user = (await new UsersService(db, TimeProvider.System).FindAsync(Guid.Parse(stdout.Trim()), CancellationToken.None))!;
        var begun = await factors.BeginTotpAsync(user, CancellationToken.None);
        var confirmed = await factors.ConfirmTotpAsync(user, TestTotp.CodeAt(TestTotp.FromBase32(begun.Value.Secret), DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30), CancellationToken.None);
        Assert.Equal(10, confirmed.Value.Length);

        (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "reset-second-factor", "--data", _data, "--email", "OPS@example.org");
        Assert.True(code == 0, stderr);
        var status = await factors.StatusAsync(user, CancellationToken.None);
        Assert.False(status.HasAny);
        Assert.Equal(0, status.RecoveryCodesLeft);
        await using (var c = await db.OpenAsync(CancellationToken.None))
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_events WHERE type = 'second_factor.reset' AND subject_id = @id", new { id = user.Id.ToString() }));

        (code, _, stderr) = await ServiceProcess.RunCliAsync(null, "admin", "reset-second-factor", "--data", _data, "--email", "nobody@example.org");
        Assert.Equal(3, code);
        Assert.Contains("nobody signs in as", stderr);
    }
}
