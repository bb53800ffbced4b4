using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Http.Features;
using Takedown.Core.Common;
using Takedown.Core.Deconfliction;
using Takedown.Core.Evidence;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;
using Takedown.Core.Transparency;
using Takedown.Core.Users;
using Takedown.Web.Audit;
using Takedown.Web.Common;
using Takedown.Web.Deconfliction;
using Takedown.Web.Evidence;
using Takedown.Web.People;
using Takedown.Web.Orders;
using Takedown.Web.Organizations;
using Takedown.Web.Platforms;

namespace Takedown.Web;

/// <summary>Where the data lives.</summary>
public sealed class StorageOptions
{
    /// <summary>The data directory (default ./data); the SQLite file is takedown.db inside it.</summary>
    public string Data { get; set; } = "./data";

    public string SqlitePath => Path.Combine(Data, "takedown.db");
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
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });

        var services = builder.Services;
        var storage = new StorageOptions();
        builder.Configuration.Bind(storage);
        services.AddSingleton(storage);
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection("Api"));
        services.AddOptions<OrdersOptions>().Bind(builder.Configuration.GetSection("Orders"))
            .Validate(o => o.SweepIntervalSeconds is >= 1 and <= 3600, "Orders:SweepIntervalSeconds must be between 1 and 3600").ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDatabase>(_ => new SqliteDatabase(storage.SqlitePath));
        services.AddSingleton<OrganizationsService>();
        services.AddSingleton<PlatformsService>();
        services.AddSingleton<OrdersService>();
        services.AddSingleton<ItemActionsService>();
        services.AddSingleton<DeconflictionService>();
        services.AddSingleton<UsersService>();
        services.AddSingleton<OrderStatisticsService>();
        var evidence = new EvidenceOptions { Directory = Path.Combine(storage.Data, "evidence") };
        builder.Configuration.GetSection("Evidence").Bind(evidence);
        services.AddSingleton(evidence);
        services.AddSingleton<EvidenceService>();
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = evidence.MaxBytes + 64 * 1024);
        services.AddHostedService<OverdueSweeper>();

        services.AddTakedownAuthentication();
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
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Takedown API";
            doc.Info.Description = "Removal orders and referrals with a live one-hour clock. Authenticate with 'Authorization: Bearer tdk_…'.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>The web interface: Razor Pages behind the session cookie, in English and French.</summary>
    private static void AddPages(IServiceCollection services, StorageOptions storage)
    {
        // Session cookies and antiforgery tokens stay valid across restarts.
        services.AddDataProtection().SetApplicationName("takedown")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(storage.Data), "keys")));
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
                o.Conventions.AllowAnonymousToPage("/Status");
                o.Conventions.ConfigureFilter(new PageAccessFilter());
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
        app.UseAuthorization();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Takedown API v1");
            o.DocumentTitle = "Takedown API";
        });
        app.MapGet("/healthz", async (IDatabase db, CancellationToken ct) =>
        {
            await using var c = await db.OpenAsync(ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT 1";
            await cmd.ExecuteScalarAsync(ct);
            return TypedResults.Ok(new { status = "ok", database = db.Dialect });
        }).WithTags("Operations");

        app.MapOrganizations();
        app.MapPlatforms();
        app.MapOrders();
        app.MapDeconfliction();
        app.MapAudit();
        app.MapEvidence();
        app.MapRazorPages();
        return app;
    }
}
