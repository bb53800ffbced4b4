using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Cli.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;

namespace Takedown.Cli.Admin;

/// <summary>Admin commands that need the master key: it is found as the service finds it, and checked against the database.</summary>
internal static class SecretsCommands
{
    public static Option<string> MasterKeyFileOption() => new("--master-key-file")
    {
        Description = "The master key file, when it is not master.key in --data (env TAKEDOWN_Secrets__MasterKeyFile; TAKEDOWN_MASTER_KEY gives the key itself)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAKEDOWN_Secrets__MasterKeyFile") ?? "",
    };

    /// <summary>The master key as the service finds it (TAKEDOWN_MASTER_KEY, the key file), checked against the database; throws <see cref="MasterKeyException"/>.</summary>
    public static Task<MasterKey> LoadMasterKeyAsync(IDatabase db, string dataDir, string? masterKeyFile, CancellationToken ct) =>
        MasterKeyLoader.LoadAsync(db, new SecretsOptions { MasterKey = Environment.GetEnvironmentVariable("TAKEDOWN_MASTER_KEY"), MasterKeyFile = masterKeyFile },
            dataDir, TimeProvider.System, NullLogger.Instance, ct);

    /// <summary>`admin rotate-signing-key`: a new current key signs from now on; the old one is retired and kept to verify what it signed.</summary>
    public static Command RotateSigningKey(Option<string> data, Option<string> database)
    {
        var masterKeyFile = MasterKeyFileOption();
        var command = new Command("rotate-signing-key", "Make a new key for signing productions and retire the current one (kept, sealed, to verify older productions).") { data, database, masterKeyFile };
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = parse.GetValue(data)!;
            var db = DatabaseFactory.Create(dataDir, parse.GetValue(database));
            await db.MigrateAsync(ct);
            MasterKey master;
            try
            {
                master = await LoadMasterKeyAsync(db, dataDir, parse.GetValue(masterKeyFile), ct);
                // A clear key left by an older version is sealed first, so it is retired sealed.
                await SecretsMigration.RunAsync(db, master, Environment.GetEnvironmentVariable("TAKEDOWN_Webhooks__SecretKeyFile") ?? Path.Combine(dataDir, "webhook-secrets.key"),
                    TimeProvider.System, NullLogger.Instance, ct);
            }
            catch (MasterKeyException ex)
            {
                return CliOutput.Error(ex.Message, ExitCodes.Failure);
            }
            var (current, retired) = await new SigningKeys(db, TimeProvider.System, master).RotateAsync(ct);
            Console.Error.WriteLine(retired is null
                ? "No signing key existed; made the first one."
                : $"Retired {retired}: it no longer signs, and is still published to verify the productions it signed.");
            Console.Error.WriteLine("Running nodes sign with the new key from their next production on (each signing reads the current key id); no restart is needed.");
            Console.Error.WriteLine($"Fingerprint (SHA-256 of the public key): {SigningKeys.Fingerprint(current.PublicKey)}");
            Console.Out.WriteLine(current.KeyId);
            return ExitCodes.Ok;
        });
        return command;
    }
}
