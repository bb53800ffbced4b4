using Takedown.Web.ApiDescription;
using Microsoft.AspNetCore.Diagnostics;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Storage;
using Takedown.Web.Accountability;
using Takedown.Web.Audit;
using Takedown.Web.Banks;
using Takedown.Web.Blocklist;
using Takedown.Web.Cluster;
using Takedown.Web.Common;
using Takedown.Web.DataRequests;
using Takedown.Web.Deconfliction;
using Takedown.Web.Delivery;
using Takedown.Web.Edge;
using Takedown.Web.Evidence;
using Takedown.Web.Matching;
using Takedown.Web.Orders;
using Takedown.Web.Organizations;
using Takedown.Web.Pages;
using Takedown.Web.People;
using Takedown.Web.Platforms;
using Takedown.Web.Review;
using Takedown.Web.SecondFactors;
using Takedown.Web.Secrets;
using Takedown.Web.Storage;

namespace Takedown.Web;

/// <summary>
/// Composes the service: configuration, each feature's services and settings (one <c>AddX</c> per feature, in its folder,
/// binding and validating its section at start-up), and the HTTP pipeline.
/// </summary>
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
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });

        // In this order: hosted services (sweeps, sender, listener) start in the order they are added.
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddStorage(configuration);
        services.AddSecrets(configuration);
        services.AddOrganizations();
        services.AddPlatforms();
        services.AddAccountability(configuration);
        services.AddOrders(configuration);
        services.AddDeconfliction();
        services.AddMatching(configuration);
        services.AddBanks(configuration);
        services.AddReview();
        services.AddEvidence(configuration);
        services.AddDataRequests(configuration);
        services.AddBlocklist(configuration);
        services.AddAudit(configuration);
        services.AddDelivery(configuration);
        services.AddCluster(configuration);
        services.AddEdge(configuration);
        services.AddTakedownAuthentication();
        services.AddAccounts(configuration);
        services.AddSecondFactors(configuration);
        services.AddApiScopes();
        services.AddPages();
        services.AddApi(configuration);
        services.AddApiDescription();
        return builder;
    }

    /// <summary>Builds the app, applies migrations, and maps every feature.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        app.Services.SealSecretsAtRest();
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
