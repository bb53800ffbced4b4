using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Takedown.Core.Banks;
using Takedown.Core.Common;
using Takedown.Core.Deconfliction;
using Takedown.Core.Hashing;
using Takedown.Core.Matching;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;
using Takedown.Web.Audit;
using Takedown.Web.Banks;
using Takedown.Web.Common;
using Takedown.Web.Deconfliction;
using Takedown.Web.Matching;
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
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("TAKEDOWN_");
        builder.Configuration.AddCommandLine(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);
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

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IDatabase>(_ => new SqliteDatabase(storage.SqlitePath));
        services.AddSingleton<OrganizationsService>();
        services.AddSingleton<PlatformsService>();
        services.AddSingleton<OrdersService>();
        services.AddSingleton<ItemActionsService>();
        services.AddSingleton<DeconflictionService>();
        services.AddSingleton(hashing);
        services.AddSingleton<MatchIndex>();
        services.AddSingleton<BanksService>();
        services.AddSingleton<MatchService>();
        services.AddHostedService<OverdueSweeper>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
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

    /// <summary>Builds the app, applies migrations, and maps every feature.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.Services.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        app.Services.GetRequiredService<MatchIndex>().LoadAsync(CancellationToken.None).GetAwaiter().GetResult();

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
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
        app.MapBanks();
        app.MapMatching();
        app.MapAudit();
        return app;
    }
}
