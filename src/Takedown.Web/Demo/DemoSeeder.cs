using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Takedown.Core.Common;
using Takedown.Core.Evidence;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;
using Takedown.Core.Platforms;
using Takedown.Core.Storage;
using Takedown.Core.SecondFactors;
using Takedown.Core.Secrets;
using Takedown.Core.Users;

namespace Takedown.Web.Demo;

/// <summary>A person the demo created, printed so that whoever runs the demo can sign in.</summary>
public sealed record DemoUser(string Email, string Password, string Role, string Organization);

/// <summary>
/// `serve --demo`: a demo authority, two demo platforms, people for each, and orders in several states
/// (open with evidence, overdue, answered both ways, clarified history). Only ever into an empty database.
/// </summary>
public static class DemoSeeder
{
    /// <summary>A clock the seeder moves, so that history (answered orders, an overdue one) has real times.</summary>
    private sealed class SeedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Seeds the demo and returns its people; null when the database already holds organisations.</summary>
    public static async Task<IReadOnlyList<DemoUser>?> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<IDatabase>();
        await using (var c = await db.OpenAsync(ct))
            if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM organizations") > 0) return null;

        var realNow = Time.Now(services.GetRequiredService<TimeProvider>());
        var clock = new SeedClock(realNow.AddDays(-12));
        var orgs = new OrganizationsService(db, clock);
        var platforms = new PlatformsService(db, clock);
        var users = new UsersService(db, clock);
        var orders = new OrdersService(db, clock, NullLogger<OrdersService>.Instance);
        var actions = new ItemActionsService(db, clock, NullLogger<ItemActionsService>.Instance);
        var evidence = new EvidenceService(db, clock, services.GetRequiredService<EvidenceOptions>());

        var boot = Must(await orgs.BootstrapAsync(ct));
        var op = new Caller(boot.Id, OrganizationKinds.Operator, boot.KeyId, "demo");
        var pharos = Must(await orgs.CreateAsync(op, new CreateOrganizationRequest(OrganizationKinds.Authority, "PHAROS (demo)", "FR"), ct));
        var video = Must(await orgs.CreateAsync(op, new CreateOrganizationRequest(OrganizationKinds.Platform, "VideoShare (demo)", "IE"), ct));
        var forum = Must(await orgs.CreateAsync(op, new CreateOrganizationRequest(OrganizationKinds.Platform, "SmallForum (demo)", "NL"), ct));
        foreach (var (p, email, deadline) in new[] { (video, "abuse@videoshare.example", 12), (forum, "mods@smallforum.example", 24) })
        {
            var caller = new Caller(p.Id, OrganizationKinds.Platform, p.KeyId, "demo");
            Must(await platforms.PutProfileAsync(caller, p.Id, new PlatformProfileRequest(
                new ContactPoint("Trust & safety desk", email, null), null, p.Country, ["en", "fr"], deadline,
                [new ContentRule("R1", "Violent extremism", "No praise, support or representation of violent extremist organisations."),
                 new ContentRule("R2", "Graphic violence", "No graphic violence shared to celebrate or glorify it.")]), ct));
        }

        // A demo runs on a laptop with throwaway passwords: its organisations ask no second factor, so every demo
        // person signs in with the password printed at start-up. Anyone may still enrol one at /account/security.
        var factors = new SecondFactorsService(db, clock, services.GetRequiredService<MasterKey>());
        foreach (var org in new[] { boot.Id, pharos.Id, video.Id, forum.Id })
            Must(await factors.SetPolicyAsync(op, org, [], ct));

        var people = new List<DemoUser>();
        async Task<Caller> PersonAsync(CreatedOrganization org, string email, string role)
        {
            var password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var user = Must(await users.AddAsync(op, org.Id, new AddUserRequest(email, password, role), ct));
            people.Add(new DemoUser(email, password, role, org.Name));
            return user.ToCaller();
        }
        await PersonAsync(boot, "operator@takedown.example", Roles.Admin);
        var analyst = await PersonAsync(pharos, "analyst@pharos.example", Roles.Analyst);
        await PersonAsync(pharos, "admin@pharos.example", Roles.Admin);
        await PersonAsync(pharos, "viewer@pharos.example", Roles.Viewer);
        var videoMod = await PersonAsync(video, "moderator@videoshare.example", Roles.Moderator);
        await PersonAsync(video, "admin@videoshare.example", Roles.Admin);
        var forumMod = await PersonAsync(forum, "moderator@smallforum.example", Roles.Moderator);

        var number = 0;
        async Task<OrderView> IssueAsync(CreatedOrganization platform, string kind, DateTimeOffset at, bool emergency, params string[] urls)
        {
            clock.Now = at;
            number++;
            return Must(await orders.CreateAsync(analyst, new CreateOrderRequest(kind, platform.Id, $"PHAROS-DEMO-{number:0000}",
                urls.Select(u => new CreateOrderItem(u, null, null)).ToList(),
                kind == OrderKinds.RemovalOrder
                    ? "Video glorifying an attack and calling on viewers to commit further attacks (synthetic demo order)."
                    : "Post that appears to recruit for a proscribed group; please check against your terms (synthetic demo referral).",
                kind == OrderKinds.RemovalOrder ? ["incitement", "soliciting_participation"] : [],
                kind == OrderKinds.RemovalOrder ? "Regulation (EU) 2021/784, Art. 3" : null, emergency, null, "fr",
                "pharos-duty@interieur.example", "Recours devant le tribunal administratif dans un délai de deux mois."), ct));
        }
        async Task AnswerAsync(Caller platform, OrderView order, int item, TimeSpan after, string action, string? reason = null, string? explanation = null, string? rule = null)
        {
            clock.Now = order.ReceivedAt!.Value + after;
            Must(await actions.RecordActionAsync(platform, order.Id, order.Items[item].Id, new ActionRequest(action, reason, explanation, rule, null), ct));
        }

        // History for the dashboard: answered orders over the last twelve days, most within the hour.
        int[] minutes = [12, 25, 38, 51, 9, 74, 33, 145, 19, 47];
        for (var i = 0; i < minutes.Length; i++)
        {
            var platform = i % 3 == 2 ? forum : video;
            var order = await IssueAsync(platform, OrderKinds.RemovalOrder, realNow.AddDays(-11 + i).AddHours(-3), false,
                $"https://{(platform == video ? "videoshare" : "smallforum")}.example/{(platform == video ? "watch" : "t")}/{1000 + i}");
            await AnswerAsync(platform == video ? videoMod : forumMod, order, 0, TimeSpan.FromMinutes(minutes[i]),
                i % 4 == 3 ? Actions.Disabled : Actions.Removed, rule: "R1");
        }
        var referral = await IssueAsync(forum, OrderKinds.Referral, realNow.AddDays(-1), false, "https://smallforum.example/t/analysis-of-propaganda");
        await AnswerAsync(forumMod, referral, 0, TimeSpan.FromHours(3), Actions.NotActioned, "exempt",
            "Academic analysis quoting the material critically (Art. 1(3)).");
        var unclear = await IssueAsync(video, OrderKinds.RemovalOrder, realNow.AddMinutes(-50), false,
            "https://videoshare.example/watch/2001", "https://videoshare.example/channel/2002");
        await AnswerAsync(videoMod, unclear, 0, TimeSpan.FromMinutes(11), Actions.Removed, rule: "R1");
        await AnswerAsync(videoMod, unclear, 1, TimeSpan.FromMinutes(14), Actions.Impossible, "insufficient_information",
            "The channel has 300 videos; which ones are meant?");

        // Still open: an overdue order, an emergency order with evidence, a fresh referral.
        await IssueAsync(forum, OrderKinds.RemovalOrder, realNow.AddMinutes(-95), false, "https://smallforum.example/t/3001");
        var urgent = await IssueAsync(video, OrderKinds.RemovalOrder, realNow.AddMinutes(-12), true,
            "https://videoshare.example/watch/4001", "https://videoshare.example/watch/4002");
        clock.Now = realNow.AddMinutes(-11);
        using (var png = new MemoryStream(SyntheticImage.Png(seed: 2)))
            Must(await evidence.AddAsync(analyst, urgent.Id, urgent.Items[0].Id, "capture-4001.png", png, ct));
        using (var png = new MemoryStream(SyntheticImage.Png(seed: 3)))
            Must(await evidence.AddAsync(analyst, urgent.Id, urgent.Items[1].Id, "capture-4002.png", png, ct));
        await IssueAsync(video, OrderKinds.Referral, realNow.AddMinutes(-4), false, "https://videoshare.example/watch/5001");
        return people;
    }

    private static T Must<T>(Result<T> result) =>
        result.IsSuccess ? result.Value : throw new InvalidOperationException($"demo seeding failed: {result.Error!.Detail ?? result.Error.Title}");
}
