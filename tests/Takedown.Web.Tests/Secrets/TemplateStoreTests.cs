using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.DataRequests;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;

namespace Takedown.Web.Tests.Secrets;

/// <summary>
/// Every test's store is a copy of one migrated once per run (TestDatabase.CreateMigratedAsync): the
/// schema may come from it, nothing else. Each test makes its own master key, signing key and operator.
/// </summary>
public sealed class TemplateStoreTests
{
    [Fact]
    public async Task TwoTests_StartFromTheSameTemplate_WithTheirOwnSecretsAndOrganisations()
    {
        await using var a = await TestApp.StartAsync();
        await using var b = await TestApp.StartAsync();

        var masterA = a.App.Services.GetRequiredService<MasterKey>().Id;
        var masterB = b.App.Services.GetRequiredService<MasterKey>().Id;
        Assert.NotEqual(masterA, masterB);
        Assert.Equal(masterA, await a.ScalarSqlAsync("SELECT master_key_id FROM sealed_secrets WHERE name = 'master-key-check'"));
        Assert.Equal(masterB, await b.ScalarSqlAsync("SELECT master_key_id FROM sealed_secrets WHERE name = 'master-key-check'"));

        var signingA = await a.App.Services.GetRequiredService<SigningKeys>().PublicAsync(CancellationToken.None);
        var signingB = await b.App.Services.GetRequiredService<SigningKeys>().PublicAsync(CancellationToken.None);
        Assert.NotEqual(signingA.PublicKey, signingB.PublicKey);
        Assert.Equal(1L, Convert.ToInt64(await a.ScalarSqlAsync("SELECT COUNT(*) FROM signing_keys")));

        // Only the operator the test's own bootstrap made; none of another test's.
        Assert.NotEqual(a.Operator.Id, b.Operator.Id);
        Assert.Equal(1L, Convert.ToInt64(await a.ScalarSqlAsync("SELECT COUNT(*) FROM organizations")));
        Assert.Equal(1L, Convert.ToInt64(await b.ScalarSqlAsync("SELECT COUNT(*) FROM organizations")));

        // Every migration is recorded, so start-up found nothing left to apply.
        var dialect = a.App.Services.GetRequiredService<IDatabase>().Dialect;
        Assert.Equal((long)Migrations.For(dialect).Count, Convert.ToInt64(await a.ScalarSqlAsync("SELECT COUNT(*) FROM schema_version")));
    }
}
