using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Takedown.Core.Secrets;
using Takedown.Core.Storage;
using Takedown.Web.Cluster;
using Takedown.Web.People;
using Takedown.Web.SecondFactors;

namespace Takedown.Web.Pages;

internal static class PagesSetup
{
    /// <summary>The web interface: Razor Pages behind the session cookie, in English and French; no settings.</summary>
    public static IServiceCollection AddPages(this IServiceCollection services)
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
        return services;
    }
}
