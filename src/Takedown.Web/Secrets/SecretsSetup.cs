using Takedown.Core.Delivery;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Takedown.Web.Cluster;
using Takedown.Web.Common;
using Takedown.Web.Storage;

namespace Takedown.Web.Secrets;

internal static class SecretsSetup
{
    /// <summary>
    /// The master key (env TAKEDOWN_MASTER_KEY, Secrets:MasterKey, Secrets:MasterKeyFile, or master.key in the data directory),
    /// checked against the database when first asked for: a wrong or missing key stops start-up (<see cref="MasterKeyException"/>).
    /// </summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection("Secrets"))
            .Configure(o => { if (string.IsNullOrWhiteSpace(o.MasterKey)) o.MasterKey = configuration["MASTER_KEY"]; })
            .ValidateOnStart().AsSingletonValue();
        services.AddSingleton(sp => MasterKeyLoader.LoadAsync(sp.GetRequiredService<IDatabase>(), sp.GetRequiredService<SecretsOptions>(),
            sp.GetRequiredService<StorageOptions>().Data, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Secrets"), CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton(sp => new SecretBox(sp.GetRequiredService<MasterKey>()));
        return services;
    }

    /// <summary>
    /// Before anything reads a secret: the right master key (or start-up stops), secrets of older versions sealed under it,
    /// and data-protection keys stored in clear by older versions encrypted.
    /// </summary>
    public static void SealSecretsAtRest(this IServiceProvider services)
    {
        var master = services.GetRequiredService<MasterKey>();
        var db = services.GetRequiredService<IDatabase>();
        var clock = services.GetRequiredService<TimeProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Secrets");
        SecretsMigration.RunAsync(db, master, LegacyWebhookKeyFile(services), clock, log, CancellationToken.None).GetAwaiter().GetResult();
        new DatabaseXmlRepository(db, clock).EncryptClearKeys(new MasterKeyXmlEncryptor(master), log);
    }

    /// <summary>Where versions before the master key kept the key sealing webhook secrets (folded into the database at start-up).</summary>
    private static string LegacyWebhookKeyFile(IServiceProvider services) =>
        services.GetRequiredService<WebhooksOptions>().SecretKeyFile ?? Path.Combine(services.GetRequiredService<StorageOptions>().Data, "webhook-secrets.key");
}
