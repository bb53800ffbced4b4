using System.Net;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Takedown.Web.Edge;

/// <summary>
/// What every request meets first: the proxy's forwarded headers (only from configured proxies), the security
/// headers on every response, cookie flags, the per-key rate limits and the hashing slots.
/// </summary>
internal static class Edge
{
    /// <summary>Scripts, styles, images and connections from this origin only; no inline script, no plugin, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API documentation (Swagger UI at /docs) inserts one fixed &lt;style&gt; element of its own: that one is allowed by
    /// its hash, nothing else inline. A Swagger UI upgrade that changes it shows up in the browser test of the edge.
    /// </summary>
    public const string DocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>One year; sent only on responses served over https (directly, or through a known proxy).</summary>
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public static void AddEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<EdgeOptionsValidator>();
        services.AddOptions<RateLimitsOptions>().Bind(configuration.GetSection("RateLimits")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitsOptions>>(sp => sp.GetRequiredService<EdgeOptionsValidator>());
        services.AddOptions<HashingConcurrencyOptions>().Bind(configuration.GetSection("Hashing")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HashingConcurrencyOptions>>(sp => sp.GetRequiredService<EdgeOptionsValidator>());
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection("ForwardedHeaders")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>>(sp => sp.GetRequiredService<EdgeOptionsValidator>());
        services.AddSingleton<HashingGate>();
        services.AddRateLimiter(_ => { });
        services.AddApiRateLimits();
    }

    /// <summary>Forwarded headers, security headers and cookie flags: before anything reads the scheme or writes a cookie.</summary>
    public static void UseEdge(this WebApplication app)
    {
        // Read here so that nonsense stops start-up before the first request.
        var proxies = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<RateLimitsOptions>>().Value;
        _ = app.Services.GetRequiredService<IOptions<HashingConcurrencyOptions>>().Value;
        var known = proxies.Proxies.Select(IPAddress.Parse).ToList();
        var networks = proxies.Networks.Select(n => System.Net.IPNetwork.Parse(n)).ToList();
        if (known.Count + networks.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                ForwardLimit = proxies.ForwardLimit,
            };
            // The defaults believe loopback; only what the operator named is believed.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var p in known) forwarded.KnownProxies.Add(p);
            foreach (var n in networks) forwarded.KnownIPNetworks.Add(n);
            app.UseForwardedHeaders(forwarded);
            EdgeLog.Proxies(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Takedown.Edge"), known.Count, networks.Count);
        }
        app.Use((context, next) =>
        {
            context.Response.OnStarting(AddSecurityHeaders, context);
            return next(context);
        });
        // Every cookie (session, antiforgery, language) is HttpOnly, at least SameSite=Lax, and Secure whenever the request came over https.
        app.UseCookiePolicy(new CookiePolicyOptions
        {
            Secure = CookieSecurePolicy.SameAsRequest, HttpOnly = HttpOnlyPolicy.Always, MinimumSameSitePolicy = SameSiteMode.Lax,
        });
    }

    private static Task AddSecurityHeaders(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        // A route with a stricter policy of its own (evidence files, the stop page) keeps it.
        if (!headers.ContainsKey("Content-Security-Policy"))
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs") ? DocsContentSecurityPolicy : ContentSecurityPolicy;
        if (!headers.ContainsKey("Referrer-Policy")) headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        if (context.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
        return Task.CompletedTask;
    }
}
