using System.CommandLine;
using Takedown.Cli.Common;
using Takedown.Core.DataRequests;

namespace Takedown.Cli.DataRequests;

internal static class VerifyProductionCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("archive-or-dir") { Description = "The production archive (.zip) or the folder it was unpacked into" };
        var key = new Option<string>("--public-key") { Description = "The service's Ed25519 public key (base64, from /.well-known/takedown-signing-key); default: the key shipped in the production" };
        var command = new Command("verify-production", "Check a production offline: the manifest signature and every file's SHA-256 and size.") { path, key };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target)) return CliOutput.Error($"{target}: no such file or folder", ExitCodes.Invalid);
            ProductionCheck check;
            try { check = ProductionVerifier.Verify(target, parse.GetValue(key)); }
            catch (InvalidDataException ex) { return CliOutput.Error($"{target}: not a readable zip archive ({ex.Message})", ExitCodes.Invalid); }
            if (check.Ok)
            {
                Console.Out.WriteLine($"ok: signature verifies and all {check.Files} file(s) match the manifest");
                if (parse.GetValue(key) is null)
                    Console.Error.WriteLine("note: checked against the key shipped in the production; compare it with the service's published key (--public-key) to rule out a re-signed production");
                return ExitCodes.Ok;
            }
            foreach (var p in check.Problems) Console.Error.WriteLine($"error: {p}");
            return ExitCodes.Failure;
        });
        return command;
    }
}
