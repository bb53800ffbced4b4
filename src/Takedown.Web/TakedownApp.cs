using Takedown.Core.Accountability;
using Takedown.Web.Accountability;
using Takedown.Web.ApiDescription;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Takedown.Core.Blocklist;
using Takedown.Core.Banks;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Http.Features;
using Takedown.Core.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Deconfliction;
using Takedown.Core.Delivery;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Evidence;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Review;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Takedown.Core.Transparency;
using Takedown.Core.Users;
using Takedown.Web.Audit;
using Takedown.Web.Blocklist;
using Takedown.Web.Cluster;
using Takedown.Web.Banks;
using Takedown.Web.Common;
using Takedown.Web.DataRequests;
using Takedown.Web.Deconfliction;
using Takedown.Web.Delivery;
using Takedown.Web.Edge;
using Takedown.Web.Matching;
using Takedown.Web.Evidence;
using Takedown.Web.People;
using Takedown.Web.Orders;
using Takedown.Web.Organizations;
using Takedown.Web.Platforms;
using Takedown.Web.Review;
using Takedown.Web.SecondFactors;

namespace Takedown.Web;

/// <summary>Where the data lives.</summary>
public sealed class StorageOptions
{
    /// <summary>The data directory (default ./data); the SQLite file is takedown.db inside it.</summary>
    public string Data { get; set; } = "./data";

    /// <summary>A PostgreSQL connection string ("Host=…;Database=…"); empty means the SQLite file in <see cref="Data"/>.</summary>
    public string? Database { get; set; }
}

/// <summary>Composes the service: configuration, storage, features, and the HTTP pipeline.</summary>
public static class TakedownApp
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Configuration comes from appsettings, TAKEDOWN_* environment variables, then the command line (--urls, --data).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The pages, resources and wwwroot live in this assembly and next to it, whichever program hosts it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(TakedownApp).Assembly.GetName().Name,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddEnvironmentVariables("TAKEDOWN_");
        builder.Configuration.AddCommandLine(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);
        if (builder.Configuration["database"] is { Length: > 0 } raw && !raw.Contains('='))
            throw new ArgumentException("--database must be a PostgreSQL connection string such as \"Host=127.0.0.1;Database=takedown;Username=takedown\"");
        var hashing = new HashingOptions();
        builder.Configuration.GetSection("Hashing").Bind(hashing);
        if (hashing.MaxUploadBytes is < 1 or > 1L << 31) throw new InvalidOperationException("Hashing:MaxUploadBytes must be between 1 and 2 GiB");
        if (hashing.MaxImagePixels is < 1 or > 1_000_000_000) throw new InvalidOperationException("Hashing:MaxImagePixels must be between 1 and 1,000,000,000");
        // Room for the largest upload plus its multipart framing; the upload reader applies the exact limit.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Math.Max(64L * 1024 * 1024, hashing.MaxUploadBytes + 1024 * 1024));
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });

        var services = builder.Services;
        var storage = new StorageOptions();
        builder.Configuration.Bind(storage);
        services.AddSingleton(storage);
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection("Api"));
        services.AddOptions<OrdersOptions>().Bind(builder.Configuration.GetSection("Orders"))
            .Validate(o => o.SweepIntervalSeconds is >= 1 and <= 3600, "Orders:SweepIntervalSeconds must be between 1 and 3600").ValidateOnStart();

        services.AddOptions<BlocklistOptions>().Bind(builder.Configuration.GetSection("Blocklist")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BlocklistOptions>, BlocklistOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BlocklistOptions>>().Value);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IDatabase>(sp => new SignalingDatabase(DatabaseFactory.Create(storage.Data, storage.Database), sp.GetRequiredService<OutboxSignal>()));
        services.AddSingleton<OrganizationsService>();
        services.AddSingleton<PlatformsService>();
        services.AddSingleton<OrdersService>();
        services.AddSingleton<ItemActionsService>();
        services.AddSingleton<DeconflictionService>();
        services.AddSingleton<BlocklistService>();
        services.AddSingleton<ComplaintsService>();
        services.AddSingleton<ScrutinyService>();
        services.AddSingleton<PreservationService>();
        services.AddSingleton<StatementsService>();
        services.AddSingleton<TransparencyReportsService>();
        services.AddSingleton<CourtReinstatementService>();
        services.AddSingleton<AnnexService>();
        services.AddOptions<PreservationOptions>().Bind(builder.Configuration.GetSection("Preservation"))
            .Validate(o => o.SweepIntervalHours is >= 1 and <= 168, "Preservation:SweepIntervalHours must be between 1 and 168").ValidateOnStart();
        services.AddHostedService<PreservationSweeper>();
        services.AddSingleton<BlocklistExports>();
        services.AddSingleton(hashing);
        services.AddSingleton<MatchIndex>();
        services.AddSingleton<BanksService>();
        services.AddOptions<BanksOptions>().Bind(builder.Configuration.GetSection("Banks"))
            .Validate(o => o.OwnerReviewDays is >= 1 and <= 90, "Banks:OwnerReviewDays must be between 1 and 90").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<BanksOptions>>().Value);
        services.AddSingleton<OwnerReviewsService>();
        services.AddSingleton<MatchService>();
        services.AddSingleton<ReviewRulesService>();
        services.AddSingleton<ReviewService>();
        services.AddSingleton<UsersService>();
        services.AddSingleton<OrderStatisticsService>();
        var evidence = new EvidenceOptions { Directory = Path.Combine(storage.Data, "evidence") };
        builder.Configuration.GetSection("Evidence").Bind(evidence);
        services.AddSingleton(evidence);
        services.AddSingleton<EvidenceService>();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = evidence.MaxBytes + 64 * 1024);
        services.AddHostedService<OverdueSweeper>();
        services.AddOptions<DataRequestOptions>().Bind(builder.Configuration.GetSection("DataRequests"));
        services.AddSingleton(new BlobStore(Path.Combine(storage.Data, "blobs")));
        AddSecrets(builder, storage);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<DataRequestsService>();
        services.AddSingleton<ProductionRetention>();
        services.AddHostedService<DataRequestSweeper>();
        services.AddHostedService<BlocklistSweeper>();
        services.AddAudit(builder.Configuration);
        AddDelivery(builder, storage);

        services.AddEdge(builder.Configuration);
        services.AddTakedownAuthentication();
        services.AddAccounts(builder.Configuration);
        services.AddSecondFactors(builder.Configuration);
        services.AddApiScopes();
        AddPages(services, storage);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["trace_id"] = ctx.HttpContext.TraceIdentifier);
        services.ConfigureHttpJsonOptions(o =>
        {
            var shared = TakedownJson.Options;
            o.SerializerOptions.PropertyNamingPolicy = shared.PropertyNamingPolicy;
            o.SerializerOptions.UnmappedMemberHandling = shared.UnmappedMemberHandling;
            foreach (var c in shared.Converters) o.SerializerOptions.Converters.Add(c);
        });
        services.AddApiDescription();
        return builder;
    }

    /// <summary>The master key (env TAKEDOWN_MASTER_KEY, Secrets:MasterKey, Secrets:MasterKeyFile, or master.key in the data directory), checked against the database at start-up.</summary>
    private static void AddSecrets(WebApplicationBuilder builder, StorageOptions storage)
    {
        var secrets = new SecretsOptions();
        builder.Configuration.GetSection("Secrets").Bind(secrets);
        if (string.IsNullOrWhiteSpace(secrets.MasterKey)) secrets.MasterKey = builder.Configuration["MASTER_KEY"];
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(sp => MasterKeyLoader.LoadAsync(sp.GetRequiredService<IDatabase>(), secrets, storage.Data, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Secrets"), CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>Where versions before the master key kept the key sealing webhook secrets (folded into the database at start-up).</summary>
    public static string LegacyWebhookKeyFile(IServiceProvider services) =>
        services.GetRequiredService<WebhooksOptions>().SecretKeyFile ?? Path.Combine(services.GetRequiredService<StorageOptions>().Data, "webhook-secrets.key");

    private static void AddDelivery(WebApplicationBuilder builder, StorageOptions storage)
    {
        var services = builder.Services;
        services.AddOptions<WebhooksOptions>().Bind(builder.Configuration.GetSection("Webhooks"))
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 60, "Webhooks:TimeoutSeconds must be between 1 and 60")
            .Validate(o => o.RetryForHours >= 1, "Webhooks:RetryForHours must be at least 1")
            .Validate(o => o.RetryBaseSeconds is >= 1 and <= 3600, "Webhooks:RetryBaseSeconds must be between 1 and 3600")
            .Validate(o => o.FailingAfter >= 1, "Webhooks:FailingAfter must be at least 1")
            .Validate(o => o.PollSeconds is >= 1 and <= 300, "Webhooks:PollSeconds must be between 1 and 300")
            .Validate(o => o.LeaseSeconds == 0 || (o.LeaseSeconds > 2 * o.TimeoutSeconds && o.LeaseSeconds <= 3600),
                "Webhooks:LeaseSeconds must be more than twice Webhooks:TimeoutSeconds (and at most 3600), or 0 for the default")
            .Validate(o => o.MaxResponseBytes is >= 0 and <= 16 * 1024 * 1024, "Webhooks:MaxResponseBytes must be between 0 and 16 MiB")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhooksOptions>>().Value);
        services.AddSingleton(sp => new SecretBox(sp.GetRequiredService<MasterKey>()));
        services.AddSingleton<WebhooksService>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<WebhookHttp>();
        services.AddHostedService<WebhookSender>();
        services.AddOptions<ClusterOptions>().Bind(builder.Configuration.GetSection("Cluster"))
            .Validate(o => o.CatchUpSeconds is >= 1 and <= 300, "Cluster:CatchUpSeconds must be between 1 and 300").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value);
        services.AddHostedService<ChangeListener>();
    }

    /// <summary>The web interface: Razor Pages behind the session cookie, in English and French.</summary>
    private static void AddPages(IServiceCollection services, StorageOptions storage)
    {
        // Session cookies and antiforgery tokens stay valid across restarts and across nodes: the key ring is in the database.
        services.AddDataProtection().SetApplicationName("takedown");
        // The key ring's secrets are encrypted under the master key before they reach the database.
        services.AddOptions<KeyManagementOptions>().Configure<IDatabase, TimeProvider, MasterKey>((o, db, clock, master) =>
        {
            o.XmlRepository = new DatabaseXmlRepository(db, clock);
            o.XmlEncryptor = new MasterKeyXmlEncryptor(master);
        });
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            string[] cultures = ["en", "fr"];
            o.SetDefaultCulture("en").AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddRouting(o => o.LowercaseUrls = true);
        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", PersonAuthentication.PeoplePolicy);
                o.Conventions.AllowAnonymousToPage("/Account/SignIn");
                o.Conventions.AllowAnonymousToPage("/Account/Language");
                o.Conventions.AllowAnonymousToPage("/Account/Invitation");
                o.Conventions.AllowAnonymousToPage("/Status");
                // Both serve the person between their password and their second factor; they check that state themselves.
                o.Conventions.AllowAnonymousToPage("/Account/SecondFactor");
                o.Conventions.AllowAnonymousToPage("/Account/Security");
                o.Conventions.ConfigureFilter(new PageAccessFilter());
                o.Conventions.ConfigureFilter(new SecondFactorGate());
            })
            .ConfigureApplicationPartManager(m =>
            {
                // Hosted by another program (the CLI, a test), this assembly may not be found on its own.
                var asm = typeof(TakedownApp).Assembly;
                if (!m.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == asm))
                    foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(asm).GetApplicationParts(asm))
                        m.ApplicationParts.Add(part);
            });
    }

    /// <summary>Builds the app, applies migrations, and maps every feature.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        // Before anything reads a secret: the right master key (or start-up stops), and secrets of older versions sealed under it.
        var master = app.Services.GetRequiredService<MasterKey>();
        var secretsLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Secrets");
        SecretsMigration.RunAsync(app.Services.GetRequiredService<IDatabase>(), master, LegacyWebhookKeyFile(app.Services),
            app.Services.GetRequiredService<TimeProvider>(), secretsLog, CancellationToken.None).GetAwaiter().GetResult();
        new DatabaseXmlRepository(app.Services.GetRequiredService<IDatabase>(), app.Services.GetRequiredService<TimeProvider>())
            .EncryptClearKeys(new MasterKeyXmlEncryptor(master), secretsLog);
        app.Services.GetRequiredService<MatchIndex>().LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        HashingLog.Startup(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Hashing"), app.Services.GetRequiredService<HashingOptions>());

        app.UseEdge();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        // Pages get a page for 404 and friends; the API keeps problem details.
        app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/api"), b => b.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseStaticFiles();
        // Explicit, so that a re-executed status page is routed again.
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseRateLimiter(); // per API key: after the key is known, before its scope is checked
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Takedown API v1");
            o.DocumentTitle = "Takedown API";
        });
        app.MapGet("/healthz", async (IDatabase db, HashingOptions hashing, CancellationToken ct) =>
        {
            await using var c = await db.OpenAsync(ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT 1";
            await cmd.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new { status = "ok", database = db.Dialect, jpegDecoder = ImageDecoder.JpegDecoderName(hashing.Limits) });
        }).WithTags("Operations");

        app.MapOrganizations();
        app.MapPlatforms();
        app.MapOrders();
        app.MapDeconfliction();
        app.MapDelivery();
        app.MapBanks();
        app.MapMatching();
        app.MapReview();
        app.MapAudit();
        app.MapDataRequests();
        app.MapBlocklist();
        app.MapComplaints();
        app.MapScrutiny();
        app.MapPreservation();
        app.MapStatements();
        app.MapTransparencyReports();
        app.MapCourtReinstatement();
        app.MapAnnexes();
        app.MapProductionRetention();
        app.MapStopPage();
        app.MapEvidence();
        app.MapRazorPages();
        return app;
    }
}
