using System.CommandLine;
using Takedown.Cli.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;

namespace Takedown.Cli.Admin;

internal static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Operator tasks on the local data directory.");
        var data = new Option<string>("--data")
        {
            Description = "Data directory (env TAKEDOWN_DATA; default ./data)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAKEDOWN_DATA") ?? "./data",
        };
        var database = new Option<string>("--database")
        {
            Description = "PostgreSQL connection string (env TAKEDOWN_DATABASE); default: the SQLite file in --data",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAKEDOWN_DATABASE") ?? "",
        };
        var bootstrap = new Command("bootstrap", "Create the operator organisation and print its API key once.") { data, database };
        bootstrap.SetAction(async (parse, ct) =>
        {
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            await db.MigrateAsync(ct);
            var result = await new OrganizationsService(db, TimeProvider.System).BootstrapAsync(ct);
            if (!result.IsSuccess) return CliOutput.Error(result.Error!.Detail ?? result.Error.Title, ExitCodes.Conflict);
            Console.Error.WriteLine($"Operator organisation {result.Value.Id} created. Its API key follows; it is shown only this once:");
            Console.Out.WriteLine(result.Value.ApiKey);
            return ExitCodes.Ok;
        });
        admin.Subcommands.Add(bootstrap);

        var migrate = new Command("migrate", "Apply pending database migrations.") { data, database };
        migrate.SetAction(async (parse, ct) =>
        {
            await DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database)).MigrateAsync(ct);
            Console.Error.WriteLine("Database is up to date.");
            return ExitCodes.Ok;
        });
        admin.Subcommands.Add(migrate);
        return admin;
    }
}
