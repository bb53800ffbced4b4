using Takedown.Core.Common;
using System.CommandLine;
using Takedown.Cli.Common;
using Takedown.Core.Organizations;
using Takedown.Core.SecondFactors;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;

namespace Takedown.Cli.Admin;

/// <summary>`admin reset-second-factor`: the operator's way back in for a person who lost every factor (an organisation's last admin, say).</summary>
internal static class SecondFactorCommands
{
    public static Command ResetSecondFactor(Option<string> data, Option<string> database)
    {
        var email = new Option<string>("--email") { Description = "The person's e-mail address (their sign-in name)", Required = true };
        var masterKeyFile = SecretsCommands.MasterKeyFileOption();
        var command = new Command("reset-second-factor",
            "Remove every second factor of a person (authenticator app, passkeys, recovery codes) and lift a lockout; they enrol again at their next sign-in.")
            { email, data, database, masterKeyFile };
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = parse.GetValue(data)!;
            var db = DatabaseFactory.Create(dataDir, parse.GetValue(database));
            await db.MigrateAsync(ct);
            MasterKey master;
            try
            {
                master = await SecretsCommands.LoadMasterKeyAsync(db, dataDir, parse.GetValue(masterKeyFile), ct);
            }
            catch (MasterKeyException ex)
            {
                return CliOutput.Error(ex.Message, ExitCodes.Failure);
            }
            var reset = await new SecondFactorsService(db, TimeProvider.System, master).ResetByEmailAsync(Caller.System, parse.GetValue(email), ct);
            if (!reset.IsSuccess)
                return CliOutput.Error(reset.Error!.Kind == Core.Common.ErrorKind.NotFound ? $"nobody signs in as '{parse.GetValue(email)}'" : reset.Error.Detail ?? reset.Error.Title,
                    reset.Error.Kind == Core.Common.ErrorKind.NotFound ? ExitCodes.NotFound : ExitCodes.Invalid);
            Console.Error.WriteLine($"The second factors of {parse.GetValue(email)!.Trim().ToLowerInvariant()} are removed; they set up a new one at their next sign-in.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
