using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Cli.Common;
using Takedown.Core.Blocklist;
using Takedown.Core.Storage;
using Takedown.Web;

namespace Takedown.Cli.Blocklist;

internal static class BlocklistCommands
{
    public static Command Create()
    {
        var blocklist = new Command("blocklist", "Blocklist tasks on the local data directory.");
        blocklist.Subcommands.Add(ExportCommand());
        return blocklist;
    }

    /// <summary>
    /// Writes an export from the local data directory, without the network, for an air-gapped hand-over.
    /// Reads the same settings as the service (TAKEDOWN_Blocklist__ZoneName, TAKEDOWN_Blocklist__StopHost) unless
    /// given here, and leaves a 'blocklist.exported' audit event naming the serial handed over.
    /// </summary>
    private static Command ExportCommand()
    {
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
        var format = new Option<string>("--format") { Description = "rpz, hosts or csv", Required = true };
        format.AcceptOnlyFromAmong(ExportFormats.All);
        var output = new Option<string>("--output", "-o") { Description = "File to write (default: standard output)" };
        var zone = new Option<string>("--zone-name") { Description = "RPZ zone name (default: Blocklist:ZoneName, else rpz.takedown)" };
        var stopHost = new Option<string>("--stop-host") { Description = "Rewrite listed names to this host instead of NXDOMAIN (default: Blocklist:StopHost)" };
        var command = new Command("export", "Write the current blocklist as an RPZ zone, a hosts file or the URL CSV, with its serial.")
            { data, database, format, output, zone, stopHost };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(data)!;
            var connection = parse.GetValue(database);
            var path = Path.Combine(dir, DatabaseFactory.SqliteFileName);
            if (string.IsNullOrWhiteSpace(connection) && !File.Exists(path)) return CliOutput.Error($"no database at {path} (use --data or --database)", ExitCodes.NotFound);

            var options = new BlocklistOptions();
            new ConfigurationBuilder().AddEnvironmentVariables("TAKEDOWN_").Build().GetSection("Blocklist").Bind(options);
            if (parse.GetValue(zone) is { } z) options.ZoneName = z;
            if (parse.GetValue(stopHost) is { } s) options.StopHost = s;
            var problems = options.Problems();
            if (problems.Count > 0) return CliOutput.Error(string.Join("; ", problems), ExitCodes.Invalid);

            var db = DatabaseFactory.Create(dir, connection);
            await db.MigrateAsync(ct);
            var listings = new BlocklistService(db, TimeProvider.System, options, NullLogger<BlocklistService>.Instance);
            var exports = new BlocklistExports(db, TimeProvider.System, options, listings);
            var snapshot = await exports.SnapshotAsync(ct);
            var fmt = parse.GetValue(format)!;
            var text = exports.Render(fmt, snapshot);
            if (parse.GetValue(output) is { } file)
            {
                // Written beside the target and moved into place, so a reader never sees half a zone.
                var temp = file + ".tmp";
                await File.WriteAllTextAsync(temp, text, ct);
                File.Move(temp, file, overwrite: true);
            }
            else
            {
                await Console.Out.WriteAsync(text);
            }
            await exports.RecordHandOverAsync(fmt, snapshot.Serial, ct);
            Console.Error.WriteLine($"blocklist serial {snapshot.Serial}: {snapshot.Listings.Count} active listing(s) exported as {fmt}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
