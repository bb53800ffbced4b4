using Takedown.Core.Common;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Users;
using Takedown.Web.Demo;

namespace Takedown.Browser.Tests.Pages;

/// <summary>Every page, for every role: no server error anywhere; 404 where the role may not go; sign-in for strangers.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageAccessTests(Chromium chromium) : IAsyncLifetime
{
    private BrowserApp _app = null!;
    private readonly Dictionary<string, UserView> _people = [];
    private Guid _orderId;

    /// <summary>The page list, and who may open each (written out here, independently of the app's own table).</summary>
    private static readonly (string Path, string[] Allowed)[] Pages =
    [
        ("/orders", ["authority admin", "authority analyst", "authority viewer", "platform admin", "platform moderator", "platform viewer"]),
        ("/orders/new", ["authority admin", "authority analyst"]),
        ("/orders/{order}", ["authority admin", "authority analyst", "authority viewer", "platform admin", "platform moderator", "platform viewer"]),
        ("/dashboard", ["authority admin", "authority analyst", "authority viewer", "platform admin", "platform moderator", "platform viewer"]),
        ("/reports", ["authority admin", "authority analyst", "authority viewer", "platform admin", "platform moderator", "platform viewer"]),
        ("/admin", ["authority admin", "platform admin", "operator admin"]),
        ("/admin/keys", ["authority admin", "platform admin", "operator admin"]),
        ("/admin/security", ["authority admin", "platform admin", "operator admin"]),
        ("/admin/organizations", ["operator admin"]),
        ("/admin/health", ["operator admin"]),
    ];

    public async Task InitializeAsync()
    {
        _app = await BrowserApp.StartAsync();
        var authority = await _app.OrganizationAsync(OrganizationKinds.Authority, "PHAROS");
        var platform = await _app.OrganizationAsync(OrganizationKinds.Platform, "VideoShare", "IE");
        foreach (var role in Roles.For(OrganizationKinds.Authority)) _people[$"authority {role}"] = await _app.PersonAsync(authority, role);
        foreach (var role in Roles.For(OrganizationKinds.Platform)) _people[$"platform {role}"] = await _app.PersonAsync(platform, role);
        _people["operator admin"] = await _app.PersonAsync(_app.OperatorId, Roles.Admin);
        var order = await _app.Service<OrdersService>().CreateAsync(_people["authority analyst"].ToCaller(), new CreateOrderRequest(
            OrderKinds.RemovalOrder, platform, "REF-1", [new CreateOrderItem("https://videoshare.example/watch/1", null, null)], "Synthetic.",
            ["threats"], "Regulation (EU) 2021/784, Art. 3", false, null, null, null, null), CancellationToken.None);
        _orderId = order.Value.Id;
        using var png = new MemoryStream(SyntheticImage.Png());
        await _app.Service<Takedown.Core.Evidence.EvidenceService>().AddAsync(_people["authority analyst"].ToCaller(), _orderId, order.Value.Items[0].Id, "x.png", png, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EveryPage_ForEveryRole_AnswersWithoutServerErrors_And404WhereTheRoleMayNotGo()
    {
        var failures = new List<string>();
        foreach (var (who, person) in _people)
        {
            var page = await chromium.NewPageAsync(_app);
            await page.SignInAsync(person.Email);
            foreach (var (template, allowed) in Pages)
            {
                var path = template.Replace("{order}", _orderId.ToString());
                var response = await page.GotoAsync(path);
                var expected = allowed.Contains(who) ? 200 : 404;
                if (response!.Status != expected) failures.Add($"{who} {path}: {response.Status}, expected {expected}");
                if (expected == 200) await Expect(page.Locator("main h1")).ToBeVisibleAsync();
            }
            // The navigation lists exactly the pages the role may use.
            await page.GotoAsync("/");
            foreach (var (template, allowed) in Pages.Where(p => !p.Path.Contains('{')))
            {
                var inNav = await page.Locator($"header nav a[href='{template}']").CountAsync() > 0;
                if (inNav != allowed.Contains(who)) failures.Add($"{who}: nav link {template} shown={inNav}");
            }
            await Screens.SaveAsync(page, "access-" + who.Replace(' ', '-'));
            await page.Context.CloseAsync();
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryPage_ForSomeoneSignedOut_RedirectsToSignIn()
    {
        var page = await chromium.NewPageAsync(_app);
        foreach (var (template, _) in Pages)
        {
            var path = template.Replace("{order}", _orderId.ToString());
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.StartsWith($"{_app.Url}/signin?returnUrl=", page.Url);
            await Expect(page.GetByLabel("E-mail address")).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task Forms_WithoutTheAntiforgeryToken_AreRefused()
    {
        var page = await chromium.NewPageAsync(_app);
        await page.SignInAsync(_people["authority admin"].Email);
        var response = await page.Context.APIRequest.PostAsync("/admin", new() { Form = page.Context.APIRequest.CreateFormData().Set("Email", "x@y.example").Set("Role", "viewer") });
        Assert.Equal(400, response.Status);
        await page.GotoAsync("/admin");
        await Expect(page.Locator("#members")).Not.ToContainTextAsync("x@y.example");
    }

    [Fact]
    public async Task SignIn_WithAWrongPassword_IsRefusedWithoutSayingWhichPartWasWrong()
    {
        var page = await chromium.NewPageAsync(_app);
        await page.GotoAsync("/signin");
        await page.GetByLabel("E-mail address").FillAsync(_people["platform moderator"].Email);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("The e-mail address or the password is not right.");
    }

    [Fact]
    public async Task AnAdmin_InvitesAMember_WhoCanThenSignIn()
    {
        var admin = await chromium.NewPageAsync(_app);
        await admin.SignInAsync(_people["platform admin"].Email);
        await admin.GotoAsync("/admin");
        await admin.GetByLabel("E-mail address").FillAsync("new.moderator@videoshare.test");
        await admin.GetByLabel("Role").SelectOptionAsync("moderator");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        // The admin never sees a password: a one-time link, with which the newcomer chooses their own.
        var link = await admin.Locator("#invitation-link").InputValueAsync();
        await Expect(admin.Locator("#members")).ToContainTextAsync("new.moderator@videoshare.test");

        var newcomer = await chromium.NewPageAsync(_app);
        await newcomer.GotoAsync(link);
        await newcomer.GetByLabel("New password", new() { Exact = true }).FillAsync("harbour lights at nine");
        await newcomer.GetByLabel("Repeat the new password").FillAsync("harbour lights at nine");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await newcomer.SignInAsync("new.moderator@videoshare.test", "harbour lights at nine");
        await Expect(newcomer.Locator("main h1")).ToHaveTextAsync("Inbox");
    }

    [Fact]
    public async Task TheLanguage_FollowsTheBrowser_AndTheSwitchChangesIt()
    {
        var page = await chromium.NewPageAsync(_app, locale: "fr-FR");
        await page.GotoAsync("/signin");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Se connecter");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await page.GetByLabel("Adresse électronique").FillAsync(_people["platform moderator"].Email);
        await page.GetByLabel("Mot de passe").FillAsync(BrowserApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Boîte de réception");
        await Expect(page.Locator("[data-due-at]").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^reste \d+:\d\d$"));
        await Screens.SaveAsync(page, "fr-inbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Inbox");
    }
}
