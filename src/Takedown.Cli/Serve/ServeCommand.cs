using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Takedown.Cli.Common;
using Takedown.Web;
using Takedown.Web.Demo;

namespace Takedown.Cli.Serve;

internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Addresses to listen on (default {TakedownApp.DefaultUrls}; env TAKEDOWN_URLS)" };
        var data = new Option<string>("--data") { Description = "Data directory holding the SQLite file (default ./data; env TAKEDOWN_DATA)" };
        var database = new Option<string>("--database") { Description = "PostgreSQL connection string, for several nodes on one database (env TAKEDOWN_DATABASE); default: SQLite in --data" };
        var demo = new Option<bool>("--demo") { Description = "Into an empty database, seed a demo authority, two platforms, their people and orders, and print how to sign in" };
        var command = new Command("serve", "Run the service (web interface at /, API at /api/v1, docs at /docs).") { urls, data, database, demo };
        // Any other --Section:Key=value is passed through to configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var args = parse.Tokens.Select(t => t.Value).SkipWhile(v => v == "serve").Where(v => v != "--demo").ToArray();
            Microsoft.AspNetCore.Builder.WebApplication app;
            try { app = TakedownApp.Build(TakedownApp.CreateBuilder(args)); }
            catch (Takedown.Core.Secrets.MasterKeyException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }
            catch (OptionsValidationException ex)
            {
                return BadSettings(ex);
            }
            if (parse.GetValue(demo))
            {
                var people = await DemoSeeder.SeedAsync(app.Services, ct);
                if (people is null) Console.Error.WriteLine("demo: the database already holds organisations; nothing was seeded.");
                else
                {
                    foreach (var p in people)
                        Console.Out.WriteLine($"demo user: {p.Email} password: {p.Password} role: {p.Role} organisation: {p.Organization}");
                    Console.Out.Flush();
                }
            }
            try { await app.RunAsync(ct); }
            catch (OptionsValidationException ex)
            {
                return BadSettings(ex);
            }
            return 0;
        });
        return command;
    }

    /// <summary>A setting out of range stops start-up with one line naming each key at fault, not a stack trace.</summary>
    private static int BadSettings(OptionsValidationException ex)
    {
        foreach (var failure in ex.Failures) Console.Error.WriteLine($"error: {failure}");
        return ExitCodes.Invalid;
    }
}
