using Takedown.Core.Common;
using System.CommandLine;
using Takedown.Cli.Common;
using Takedown.Core.Organizations;
using Takedown.Core.Storage;
using Takedown.Core.Users;
using Takedown.Web;

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

        var masterKeyFile = SecretsCommands.MasterKeyFileOption();
        var outDir = new Option<string>("--out") { Description = "Folder to write the backup into (must be new or empty)", Required = true };
        var backup = new Command("backup", "Back up the database and every stored file, with SHA-256 sums (online: the service may keep running). The master key is never included.") { data, database, outDir, masterKeyFile };
        backup.SetAction(async (parse, ct) =>
        {
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            var exclude = parse.GetValue(masterKeyFile) is { Length: > 0 } keyFile ? new[] { keyFile } : [];
            var result = await Backups.BackupAsync(db, parse.GetValue(data)!, parse.GetValue(outDir)!, TimeProvider.System, ct, exclude);
            if (!result.IsSuccess) return CliOutput.Error($"{result.Error!.Title}: {result.Error.Detail}", ExitCodes.Failure);
            Console.Error.WriteLine($"Backed up the {result.Value.Dialect} database (schema {result.Value.SchemaVersion}) and {result.Value.Blobs} file(s), each with its SHA-256, to {parse.GetValue(outDir)}.");
            Console.Error.WriteLine($"SHA-256 of {Backups.InfoFile} (note it apart from the backup; 'admin restore --expect-sha256' checks it): {await Backups.InfoSha256Async(parse.GetValue(outDir)!, ct)}");
            Console.Error.WriteLine("IMPORTANT: the master key is NOT in this backup, so the service's secrets in it (signing keys, key ring, webhook secrets) cannot be opened. " +
                                    "Keep a copy of the master key (master.key in the data directory, or your TAKEDOWN_MASTER_KEY / Secrets:MasterKeyFile) apart from the backups: a restore needs it. " +
                                    "Everything else (orders, evidence, productions, personal data) is in the backup in clear: store it encrypted, where only operators can read it.");
            if (Environment.GetEnvironmentVariable("TAKEDOWN_Evidence__Directory") is { Length: > 0 } evidence
                && Path.GetRelativePath(Path.GetFullPath(parse.GetValue(data)!), Path.GetFullPath(evidence)) is var rel && (rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)))
                Console.Error.WriteLine($"WARNING: TAKEDOWN_Evidence__Directory ({evidence}) is outside the data directory: the evidence files there are NOT in this backup.");
            return ExitCodes.Ok;
        });
        admin.Subcommands.Add(backup);

        var from = new Option<string>("--from") { Description = "A folder written by 'admin backup'", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing database (the SQLite file, or Takedown's tables in the PostgreSQL database)" };
        var expectSha = new Option<string>("--expect-sha256") { Description = "The SHA-256 of backup.json that 'admin backup' printed; the restore is refused when it differs" };
        var restore = new Command("restore", "Restore a backup (stop the service first). Every file's SHA-256 is checked before anything is written.") { data, database, from, force, expectSha };
        restore.SetAction(async (parse, ct) =>
        {
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            var result = await Backups.RestoreAsync(db, parse.GetValue(data)!, parse.GetValue(from)!, parse.GetValue(force), ct, parse.GetValue(expectSha));
            if (!result.IsSuccess) return CliOutput.Error($"{result.Error!.Title}: {result.Error.Detail}", result.Error.Kind == Takedown.Core.Common.ErrorKind.Conflict ? ExitCodes.Conflict : ExitCodes.Failure);
            Console.Error.WriteLine(result.Value.Files is null
                ? $"Restored the backup of {result.Value.CreatedAt:u} (made by an older version: blobs/ only, without SHA-256 sums to check)."
                : $"Restored the backup of {result.Value.CreatedAt:u}: the database and {result.Value.Files.Count} file(s), every SHA-256 checked.");
            Console.Error.WriteLine("IMPORTANT: the master key is NOT in the backup. Start the service with the master key of the backed-up installation " +
                                    "(copy its master.key into the data directory, or set TAKEDOWN_MASTER_KEY / Secrets:MasterKeyFile); with any other key it refuses to start.");
            return ExitCodes.Ok;
        });
        admin.Subcommands.Add(restore);

        var organization = new Option<Guid>("--organization") { Description = "Organisation id", Required = true };
        var exportOut = new Option<string>("--out") { Description = "File to write (default: standard output)" };
        var export = new Command("export-org", "Export all data one organisation may see, as JSON lines.") { data, database, organization, exportOut };
        export.SetAction(async (parse, ct) =>
        {
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            var path = parse.GetValue(exportOut);
            var writer = path is null ? Console.Out : new StreamWriter(path);
            long lines;
            try { lines = await OrganizationExport.WriteAsync(db, parse.GetValue(organization), writer, ct); }
            finally { if (path is not null) await writer.DisposeAsync(); else await writer.FlushAsync(ct); }
            Console.Error.WriteLine($"{lines} record(s) exported.");
            return lines == 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        });
        admin.Subcommands.Add(export);
        admin.Subcommands.Add(AddUser(data, database));
        admin.Subcommands.Add(VerifyAuditCommand.Create(data, database));
        admin.Subcommands.Add(SecretsCommands.RotateSigningKey(data, database));
        admin.Subcommands.Add(SecondFactorCommands.ResetSecondFactor(data, database));
        return admin;
    }

    /// <summary>
    /// `admin add-user`: a person who signs in to the web interface. With --invite, a one-time link is printed and the
    /// person chooses their own password; otherwise the password comes from --password, stdin, or a prompt.
    /// </summary>
    private static Command AddUser(Option<string> data, Option<string> database)
    {
        var email = new Option<string>("--email") { Description = "The person's e-mail address (their sign-in name)", Required = true };
        var password = new Option<string>("--password") { Description = "Their password (at least 12 characters, not a common one); omit to read it from stdin or a prompt" };
        var invite = new Option<bool>("--invite") { Description = "Print a one-time link with which the person chooses their own password, instead of setting one" };
        var baseUrl = new Option<string>("--base-url") { Description = "The service's address as people reach it, for the --invite link", DefaultValueFactory = _ => TakedownApp.DefaultUrls };
        var validHours = new Option<int>("--valid-hours") { Description = "How long the --invite link works (1 to 720 hours)", DefaultValueFactory = _ => new InvitationOptions().ValidHours };
        var role = new Option<string>("--role") { Description = "admin, analyst (authority), moderator (platform) or viewer", Required = true };
        var organization = new Option<string>("--organization") { Description = "The organisation's id or exact name", Required = true };
        var command = new Command("add-user", "Add a person who signs in to the web interface.") { email, password, invite, baseUrl, validHours, role, organization, data, database };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(invite) && parse.GetValue(password) is not null)
                return CliOutput.Error("--invite and --password exclude each other: an invited person chooses their own password", ExitCodes.Invalid);
            if (parse.GetValue(validHours) is < 1 or > 720) return CliOutput.Error("--valid-hours must be between 1 and 720", ExitCodes.Invalid);
            if (!Uri.TryCreate(parse.GetValue(baseUrl), UriKind.Absolute, out var site) || site.Scheme is not ("http" or "https"))
                return CliOutput.Error("--base-url must be an absolute http or https address", ExitCodes.Invalid);
            var db = DatabaseFactory.Create(parse.GetValue(data)!, parse.GetValue(database));
            await db.MigrateAsync(ct);
            var users = new UsersService(db, TimeProvider.System);
            var org = await users.FindOrganizationAsync(parse.GetValue(organization)!, ct);
            if (org is null) return CliOutput.Error($"no single organisation has the id or name '{parse.GetValue(organization)}'", ExitCodes.NotFound);
            if (parse.GetValue(invite))
            {
                var invited = await users.InviteAsync(Caller.System, org.Value, parse.GetValue(email), parse.GetValue(role), TimeSpan.FromHours(parse.GetValue(validHours)), ct);
                if (!invited.IsSuccess) return Failed(invited.Error!);
                var link = new Uri(site, "/invitation/" + invited.Value.Token);
                Console.Error.WriteLine($"{invited.Value.User.Email} is invited as {invited.Value.User.Role} of {invited.Value.User.OrganizationName}. " +
                                        $"Send them this one-time link by a channel you trust; it expires at {invited.Value.ExpiresAt:yyyy-MM-dd HH:mm} UTC:");
                Console.Out.WriteLine(link);
                return ExitCodes.Ok;
            }
            var secret = parse.GetValue(password) ?? ReadPassword();
            var result = await users.AddAsync(Caller.System, org.Value, new AddUserRequest(parse.GetValue(email), secret, parse.GetValue(role)), ct);
            if (!result.IsSuccess) return Failed(result.Error!);
            Console.Error.WriteLine($"{result.Value.Email} can now sign in as {result.Value.Role} of {result.Value.OrganizationName}.");
            Console.Out.WriteLine(result.Value.Id);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Failed(Core.Common.Error error)
    {
        CliOutput.Error(error.Detail ?? error.Title, 0);
        foreach (var (field, messages) in error.Fields ?? new Dictionary<string, string[]>())
            foreach (var m in messages) Console.Error.WriteLine($"  {field}: {m}");
        return error.Kind switch
        {
            Core.Common.ErrorKind.Conflict => ExitCodes.Conflict,
            Core.Common.ErrorKind.NotFound => ExitCodes.NotFound,
            _ => ExitCodes.Invalid,
        };
    }

    /// <summary>One line from stdin when it is redirected; otherwise a prompt that does not echo.</summary>
    private static string ReadPassword()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine() ?? "";
        Console.Error.Write("Password: ");
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Length > 0) chars.Length--; }
            else chars.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return chars.ToString();
    }

}
