using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Takedown.Web;

namespace Takedown.Cli.Serve;

internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Addresses to listen on (default {TakedownApp.DefaultUrls}; env TAKEDOWN_URLS)" };
        var data = new Option<string>("--data") { Description = "Data directory holding the SQLite file (default ./data; env TAKEDOWN_DATA)" };
        var database = new Option<string>("--database") { Description = "PostgreSQL connection string, for several nodes on one database (env TAKEDOWN_DATABASE); default: SQLite in --data" };
        var command = new Command("serve", "Run the service (API, docs at /docs, OpenAPI at /openapi/v1.json).") { urls, data, database };
        // Any other --Section:Key=value is passed through to configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var args = parse.Tokens.Select(t => t.Value).SkipWhile(v => v == "serve").ToArray();
            var app = TakedownApp.Build(TakedownApp.CreateBuilder(args));
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
