using System.Text.RegularExpressions;

namespace Takedown.Web.Tests.Trust;

/// <summary>
/// A feature writes only its own tables: another feature's rows change through the owner's method (called inside the same
/// transaction), never by SQL of its own; reading is allowed. Every table the migrations make has exactly one owner, here.
/// The test reads the SQL in the sources (INSERT INTO, UPDATE, DELETE FROM) and names the folder that writes a table it
/// does not own.
/// </summary>
public sealed partial class TableOwnershipTests
{
    /// <summary>Each table and the feature folder that owns it (Takedown.Core/&lt;Feature&gt;, or Web/&lt;Folder&gt; for the host's own).</summary>
    public static readonly IReadOnlyDictionary<string, string> Owners = new Dictionary<string, string>
    {
        ["organizations"] = "Organizations", ["api_keys"] = "Organizations",
        ["platform_profiles"] = "Platforms",
        ["orders"] = "Orders", ["order_items"] = "Orders",
        ["outbox_events"] = "Delivery", ["webhook_endpoints"] = "Delivery", ["webhook_deliveries"] = "Delivery", ["webhook_attempts"] = "Delivery",
        ["deconfliction_entries"] = "Deconfliction", ["deconfliction_holds"] = "Deconfliction",
        ["banks"] = "Banks", ["bank_members"] = "Banks", ["bank_entries"] = "Banks", ["bank_changes"] = "Banks", ["bank_opinions"] = "Banks",
        ["bank_owner_reviews"] = "Banks", ["bank_entry_suppressions"] = "Banks",
        ["review_rules"] = "Review", ["review_checks"] = "Review", ["review_cases"] = "Review",
        ["blocklist_listings"] = "Blocklist", ["blocklist_versions"] = "Blocklist", ["blocklist_recommendations"] = "Blocklist", ["blocklist_pulls"] = "Blocklist",
        ["complaints"] = "Accountability", ["scrutiny_requests"] = "Accountability", ["court_reinstatements"] = "Accountability",
        ["preservation_extensions"] = "Accountability", ["preservation_records"] = "Accountability", ["statement_sends"] = "Accountability",
        ["evidence"] = "Evidence",
        ["data_requests"] = "DataRequests", ["data_request_files"] = "DataRequests", ["productions"] = "DataRequests", ["signing_keys"] = "DataRequests",
        ["audit_events"] = "Audit", ["audit_checkpoints"] = "Audit",
        ["users"] = "Users", ["invitations"] = "Users", ["sessions"] = "Users", ["sign_in_throttle"] = "Users",
        ["passkeys"] = "SecondFactors", ["totp_authenticators"] = "SecondFactors", ["recovery_codes"] = "SecondFactors",
        ["second_factor_policies"] = "SecondFactors", ["second_factor_guard"] = "SecondFactors",
        ["sealed_secrets"] = "Secrets",
        ["blobs"] = "Storage", ["schema_version"] = "Storage",
        ["data_protection_keys"] = "Web/Cluster",
    };

    /// <summary>Tables made by code rather than by a migration file.</summary>
    private static readonly HashSet<string> MadeByCode = ["schema_version"];

    /// <summary>Writes to another feature's table, each with its reason. Keep this short: the fix is a method of the owner.</summary>
    private static readonly Dictionary<(string Writer, string Table), string> Exceptions = new()
    {
        // A data migration run once at start-up, before any feature: it re-seals the secrets older versions kept in clear or
        // under a separate key file. Going through DataRequests and Delivery would make Secrets, which both use, depend on them.
        [("Secrets", "signing_keys")] = "one-off re-sealing of secrets at start-up",
        [("Secrets", "webhook_endpoints")] = "one-off re-sealing of secrets at start-up",
    };

    /// <summary>Files whose SQL names its table through interpolation (the scan cannot read it), with the tables they write.</summary>
    private static readonly Dictionary<string, string[]> InterpolatedWriters = new()
    {
        ["Core/SecondFactors/SecondFactorsService.cs"] = ["totp_authenticators", "passkeys", "recovery_codes", "second_factor_guard"],
    };

    private sealed record Write(string Writer, string Table, string File);

    [GeneratedRegex(@"\b(?:INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)\b")]
    private static partial Regex WriteSql();

    [GeneratedRegex(@"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\{")]
    private static partial Regex InterpolatedWriteSql();

    [GeneratedRegex(@"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)|ALTER\s+TABLE\s+([a-z_][a-z0-9_]*)\s+RENAME\s+TO\s+([a-z_][a-z0-9_]*)|DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?([a-z_][a-z0-9_]*)",
        RegexOptions.IgnoreCase)]
    private static partial Regex TableDdl();

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Takedown.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir!.FullName;
    }

    /// <summary>The tables that exist once every migration of the dialect has run, in order.</summary>
    private static SortedSet<string> MigratedTables(string dialect)
    {
        var tables = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Root(), "src/Takedown.Core/Storage/Migrations", dialect), "*.sql").Order(StringComparer.Ordinal))
        foreach (Match m in TableDdl().Matches(File.ReadAllText(file)))
        {
            if (m.Groups[1].Success) tables.Add(m.Groups[1].Value.ToLowerInvariant());
            else if (m.Groups[2].Success)
            {
                tables.Remove(m.Groups[2].Value.ToLowerInvariant());
                tables.Add(m.Groups[3].Value.ToLowerInvariant());
            }
            else tables.Remove(m.Groups[4].Value.ToLowerInvariant());
        }
        return tables;
    }

    /// <summary>The feature a source file belongs to: Core/&lt;Feature&gt;/… is &lt;Feature&gt;; Web/&lt;Folder&gt;/… is Web/&lt;Folder&gt;; a project's top-level file is the project.</summary>
    private static string WriterOf(string relative)
    {
        var parts = relative.Split('/');
        if (parts.Length == 2) return parts[0];
        return parts[0] == "Core" ? parts[1] : $"{parts[0]}/{parts[1]}";
    }

    private static IEnumerable<(string Relative, string Text)> Sources()
    {
        foreach (var (project, name) in new[] { ("Takedown.Core", "Core"), ("Takedown.Web", "Web"), ("Takedown.Cli", "Cli") })
        {
            var dir = Path.Combine(Root(), "src", project);
            foreach (var file in Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(dir, file).Replace('\\', '/');
                if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)) continue;
                yield return ($"{name}/{relative}", File.ReadAllText(file));
            }
        }
    }

    internal static IEnumerable<string> TablesWrittenBy(string code) => WriteSql().Matches(code).Select(m => m.Groups[1].Value);

    private static List<Write> Writes() =>
        Sources().SelectMany(s => TablesWrittenBy(s.Text).Select(t => new Write(WriterOf(s.Relative), t, s.Relative)))
            .Concat(InterpolatedWriters.SelectMany(kv => kv.Value.Select(t => new Write(WriterOf(kv.Key), t, kv.Key))))
            .Distinct().ToList();

    [Fact]
    public void BothDialects_MigrateTheSameTables_AndEveryOneHasAnOwner()
    {
        var sqlite = MigratedTables("sqlite");
        var postgres = MigratedTables("postgres");
        Assert.True(sqlite.Count > 40, $"only {sqlite.Count} tables found in the SQLite migrations");
        Assert.Equal(sqlite, postgres);
        var ownerless = sqlite.Where(t => !Owners.ContainsKey(t)).ToList();
        Assert.True(ownerless.Count == 0, "tables with no owner (add them to Owners): " + string.Join(", ", ownerless));
        var gone = Owners.Keys.Where(t => !sqlite.Contains(t) && !MadeByCode.Contains(t)).ToList();
        Assert.True(gone.Count == 0, "owned tables no migration makes (remove them from Owners): " + string.Join(", ", gone));
    }

    [Fact]
    public void NoFeature_WritesATableItDoesNotOwn()
    {
        var writes = Writes();
        Assert.True(writes.Count > 50, $"only {writes.Count} writes found: is the scan still reading the SQL?");
        var unknown = writes.Where(w => !Owners.ContainsKey(w.Table)).Select(w => $"{w.Table} in {w.File}").ToList();
        Assert.True(unknown.Count == 0, "writes to tables that are not in the ownership map: " + string.Join("; ", unknown));
        var foreign = writes.Where(w => Owners[w.Table] != w.Writer && !Exceptions.ContainsKey((w.Writer, w.Table)))
            .Select(w => $"{w.File} writes {w.Table} (owned by {Owners[w.Table]})").ToList();
        Assert.True(foreign.Count == 0, "features writing another feature's table (call the owner's method instead): " + string.Join("; ", foreign));
    }

    [Fact]
    public void Exceptions_AreStillNeeded_AndInterpolatedWrites_AreAllDeclared()
    {
        var writes = Writes();
        var stale = Exceptions.Keys.Where(k => !writes.Any(w => w.Writer == k.Writer && w.Table == k.Table)).ToList();
        Assert.True(stale.Count == 0, "exceptions no code needs any more (remove them): " + string.Join(", ", stale));
        var undeclared = Sources().Where(s => InterpolatedWriteSql().IsMatch(s.Text) && !InterpolatedWriters.ContainsKey(s.Relative)).Select(s => s.Relative).ToList();
        Assert.True(undeclared.Count == 0, "SQL writing a table named by interpolation (declare its tables in InterpolatedWriters): " + string.Join(", ", undeclared));
    }

    [Theory]
    [InlineData("await c.ExecuteAsync(\"UPDATE order_items SET status = 'x' WHERE id = @id\")", "order_items")]
    [InlineData("\"\"\"\n    INSERT INTO bank_entries (id) VALUES (@id)\n\"\"\"", "bank_entries")]
    [InlineData("DELETE FROM evidence WHERE item_id = @id", "evidence")]
    [InlineData("INSERT OR IGNORE INTO blobs (sha256) VALUES (@s)", "blobs")]
    public void TheScan_FindsAWrite(string code, string table) => Assert.Equal([table], TablesWrittenBy(code));

    [Theory]
    [InlineData("SELECT id FROM orders FOR UPDATE SKIP LOCKED")]
    [InlineData("ON CONFLICT (entry_id, org_id) DO UPDATE SET opinion = excluded.opinion")]
    [InlineData("// an update of the listing is audited")]
    public void TheScan_IgnoresWhatIsNotAWrite(string code) => Assert.Empty(TablesWrittenBy(code));
}
