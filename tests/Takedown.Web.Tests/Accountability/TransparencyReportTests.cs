using Takedown.Core.Common;
using Microsoft.Extensions.DependencyInjection;
using Takedown.Core.Accountability;
using Takedown.Core.Orders;
using Takedown.Core.Organizations;

namespace Takedown.Web.Tests.Accountability;

/// <summary>
/// A year of generated activity (fixed seed, thousands of orders, created through the use cases on the fake clock),
/// whose report totals are checked against counts the test keeps itself while generating.
/// </summary>
public sealed class TransparencyReportTests : IAsyncLifetime
{
    private const int Orders = 2000;

    private TestApp _app = null!;
    private ApiClient _authority = null!;
    private ApiClient _irishPlatform = null!;
    private ApiClient _frenchPlatform = null!;
    private ApiClient _irishAuthority = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _authority = await _app.AuthorityAsync("PHAROS-TEST");
        _irishAuthority = await _app.CreateOrganizationAsync("authority", "Garda-TEST", "IE");
        _irishPlatform = await _app.PlatformAsync("IrishForum");
        _frenchPlatform = await _app.PlatformAsync("FrenchForum");
        foreach (var (p, state) in new[] { (_irishPlatform, "IE"), (_frenchPlatform, "FR") })
            await ApiClient.ReadOkAsync(await p.SendAsync(HttpMethod.Put, $"/api/v1/platforms/{p.Id}/profile", new
            {
                contact_point = new { name = "Duty desk", email = "abuse@forum.example" },
                member_state = state,
                rules = new[] { new { id = "R1", title = "Violent extremism", text = "No praise of attacks." } },
            }));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static Caller As(ApiClient client, string kind) => new(client.Id, kind, Guid.Empty, "generator");

    private sealed class Expected
    {
        public readonly Dictionary<string, int> Issued = new() { ["removal_order"] = 0, ["referral"] = 0 };
        public int CrossBorder;
        public readonly Dictionary<string, int> Actioned = [];
        public readonly Dictionary<string, int> NotExecuted = [];
        public readonly Dictionary<string, int> NotActioned = [];
        public int OnTime, Late, Impossible, Unanswered, RemovalItems, Complaints, ComplaintsReinstated, ComplaintsUpheld, Scrutiny, ScrutinyInfringes;
        public readonly Dictionary<string, int> Reinstated = new() { ["complaint"] = 0, ["scrutiny"] = 0 };
        public readonly List<(TimeSpan Duration, bool Within)> Times = [];
        public readonly Dictionary<string, List<TimeSpan>> ByMonth = [];
    }

    [Fact]
    public async Task Report_OverAGeneratedYear_MatchesIndependentlyComputedCounts()
    {
        var services = _app.App.Services;
        var orders = services.GetRequiredService<OrdersService>();
        var actions = services.GetRequiredService<ItemActionsService>();
        var complaints = services.GetRequiredService<ComplaintsService>();
        var scrutiny = services.GetRequiredService<ScrutinyService>();
        var authority = As(_authority, "authority");
        var irishAuthority = As(_irishAuthority, "authority");
        var random = new Random(2026);
        var irish = new Expected();
        var all = new Expected();

        for (var n = 0; n < Orders; n++)
        {
            var platform = random.Next(3) == 0 ? _frenchPlatform : _irishPlatform;
            var platformCaller = As(platform, "platform");
            var kind = random.Next(10) < 7 ? OrderKinds.RemovalOrder : OrderKinds.Referral;
            var itemCount = 1 + random.Next(2);
            var urls = Enumerable.Range(0, itemCount).Select(i => $"https://forum.example/g/{n}/{i}").ToArray();
            var body = ApiClient.OrderBody(platform.Id, urls, kind);
            var created = await orders.CreateAsync(authority, new CreateOrderRequest(kind, platform.Id, (string)body["reference"]!,
                urls.Select(u => new CreateOrderItem(u, null, null)).ToList(), "Synthetic generated order.",
                kind == OrderKinds.RemovalOrder ? ["incitement"] : [], "Regulation (EU) 2021/784", false, null, "fr", null, null), default);
            var order = created.Value;
            all.Issued[kind]++;
            if (kind == OrderKinds.RemovalOrder && platform == _irishPlatform) all.CrossBorder++;
            var startedAt = _app.Clock.GetUtcNow();

            var elapsed = TimeSpan.Zero;
            foreach (var item in order.Items)
            {
                var roll = random.Next(100);
                var delay = TimeSpan.FromMinutes(1 + random.Next(150));
                _app.Clock.Advance(delay);
                elapsed += delay;
                if (kind == OrderKinds.RemovalOrder) all.RemovalItems++;
                string? action = null, reason = null;
                if (roll < 5) { if (kind == OrderKinds.RemovalOrder) all.Unanswered++; continue; }
                if (roll < 60) action = Actions.Removed;
                else if (roll < 80) action = Actions.Disabled;
                else if (kind == OrderKinds.RemovalOrder) { action = Actions.Impossible; reason = Actions.ImpossibleReasons[random.Next(3)]; }
                else { action = Actions.NotActioned; reason = Actions.NotActionedReasons[random.Next(3)]; }
                var result = await actions.RecordActionAsync(platformCaller, order.Id, item.Id,
                    new ActionRequest(action, reason, reason is null ? null : "Generated.", null, null), default);
                Assert.True(result.IsSuccess, result.Error?.Detail);
                var view = result.Value.Items.Single(i => i.Id == item.Id);
                var target = platform == _irishPlatform ? new[] { irish, all } : [all];
                foreach (var e in target)
                {
                    if (action is Actions.Removed or Actions.Disabled)
                    {
                        var key = kind + "/" + action;
                        e.Actioned[key] = e.Actioned.GetValueOrDefault(key) + 1;
                        e.Times.Add((elapsed, view.Late == false));
                        var month = view.ActedAt!.Value.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
                        (e.ByMonth.TryGetValue(month, out var list) ? list : e.ByMonth[month] = []).Add(elapsed);
                        if (kind == OrderKinds.RemovalOrder) { if (view.Late == true) e.Late++; else e.OnTime++; }
                    }
                    else if (action == Actions.Impossible) { e.NotExecuted[reason!] = e.NotExecuted.GetValueOrDefault(reason!) + 1; e.Impossible++; }
                    else e.NotActioned[reason!] = e.NotActioned.GetValueOrDefault(reason!) + 1;
                }

                if (action is Actions.Removed or Actions.Disabled && platform == _irishPlatform)
                {
                    if (random.Next(100) < 4)
                    {
                        var complaint = await complaints.CreateAsync(platformCaller, order.Id, item.Id, new CreateComplaintRequest("Generated complaint.", null), default);
                        Assert.True(complaint.IsSuccess, complaint.Error?.Detail);
                        irish.Complaints++;
                        var outcome = random.Next(2) == 0 ? ComplaintOutcomes.Upheld : ComplaintOutcomes.Reinstated;
                        Assert.True((await complaints.DecideAsync(platformCaller, complaint.Value.Id, new ComplaintDecisionRequest(outcome, null), default)).IsSuccess);
                        if (outcome == ComplaintOutcomes.Reinstated) { irish.ComplaintsReinstated++; irish.Reinstated["complaint"]++; }
                        else irish.ComplaintsUpheld++;
                    }
                }
            }

            // Now and then the Irish platform asks for scrutiny of a removal order it just answered.
            if (kind == OrderKinds.RemovalOrder && platform == _irishPlatform && random.Next(100) < 3)
            {
                var asked = await scrutiny.RequestAsync(As(platform, "platform"), order.Id, new ScrutinyRequest("Generated.", null), default);
                Assert.True(asked.IsSuccess, asked.Error?.Detail);
                irish.Scrutiny++;
                all.Scrutiny++;
                var infringes = random.Next(3) == 0;
                var decided = await scrutiny.DecideAsync(irishAuthority, asked.Value.Id,
                    new ScrutinyDecisionRequest(infringes ? ScrutinyOutcomes.Infringes : ScrutinyOutcomes.Upheld, "Generated."), default);
                Assert.True(decided.IsSuccess, decided.Error?.Detail);
                if (infringes)
                {
                    irish.ScrutinyInfringes++;
                    all.ScrutinyInfringes++;
                    irish.Reinstated["scrutiny"] += decided.Value.ReinstatedItems.Count;
                }
            }

            // Orders arrive every 1 to 8 hours: about a year for 2000 orders.
            var gap = TimeSpan.FromMinutes(60 + random.Next(7 * 60));
            _app.Clock.AdjustTime(startedAt + (elapsed > gap ? elapsed : gap));
        }

        const string period = "from=2026-03-01&to=2027-06-01";
        var platformReport = await _irishPlatform.GetOkAsync("/api/v1/reports/transparency?" + period);
        Assert.Equal("platform", platformReport["kind"]!.GetValue<string>());
        var p = platformReport["platform"]!;
        foreach (var k in new[] { "removal_order", "referral" })
            foreach (var a in new[] { "removed", "disabled" })
                Assert.Equal(irish.Actioned.GetValueOrDefault(k + "/" + a), p["items_actioned"]![k]![a]!.GetValue<int>());
        foreach (var r in Actions.ImpossibleReasons)
            Assert.Equal(irish.NotExecuted.GetValueOrDefault(r), p["removal_order_items_not_executed"]![r]!.GetValue<int>());
        foreach (var r in Actions.NotActionedReasons)
            Assert.Equal(irish.NotActioned.GetValueOrDefault(r), p["referral_items_not_actioned"]![r]!.GetValue<int>());
        Assert.Equal(irish.Complaints, p["complaints"]!["requested"]!.GetValue<int>());
        Assert.Equal(irish.ComplaintsReinstated, p["complaints"]!["reinstated"]!.GetValue<int>());
        Assert.Equal(irish.ComplaintsUpheld, p["complaints"]!["upheld"]!.GetValue<int>());
        Assert.Equal(irish.Scrutiny, p["scrutiny"]!["requested"]!.GetValue<int>());
        Assert.Equal(irish.ScrutinyInfringes, p["scrutiny"]!["infringes"]!.GetValue<int>());
        Assert.Equal(irish.Reinstated["complaint"], p["reinstatements"]!["complaint"]!.GetValue<int>());
        Assert.Equal(irish.Reinstated["scrutiny"], p["reinstatements"]!["scrutiny"]!.GetValue<int>());
        Assert.Contains("R1: Violent extremism", p["measures"]!.AsArray().Select(m => m!.GetValue<string>()));
        AssertTimes(irish.Times, platformReport["time_to_action"]!["overall"]!);
        foreach (var (month, list) in irish.ByMonth)
            AssertTimes(list.Select(d => (d, true)).ToList(), platformReport["time_to_action"]!["by_month"]![month]!, checkShare: false);
        Assert.True(irish.Times.Count > 1000, $"only {irish.Times.Count} timed actions were generated");
        Assert.True(irish.ByMonth.Count >= 12);

        var authorityReport = await _authority.GetOkAsync("/api/v1/reports/transparency?" + period);
        Assert.Equal("authority", authorityReport["kind"]!.GetValue<string>());
        var a8 = authorityReport["authority"]!;
        Assert.Equal(all.Issued["removal_order"], a8["orders_issued"]!["removal_order"]!.GetValue<int>());
        Assert.Equal(all.Issued["referral"], a8["orders_issued"]!["referral"]!.GetValue<int>());
        Assert.Equal(Orders, all.Issued.Values.Sum());
        Assert.Equal(all.CrossBorder, a8["cross_border_removal_orders"]!.GetValue<int>());
        Assert.Equal(all.Scrutiny, a8["scrutiny"]!["requested"]!.GetValue<int>());
        Assert.Equal(all.ScrutinyInfringes, a8["scrutiny"]!["infringes"]!.GetValue<int>());
        Assert.Equal(all.RemovalItems, a8["removal_order_items"]!["total"]!.GetValue<int>());
        Assert.Equal(all.Unanswered, a8["removal_order_items"]!["unanswered"]!.GetValue<int>());
        Assert.Equal(all.Impossible, a8["removal_order_items"]!["not_executed"]!.GetValue<int>());
        // Reinstated items were complied with first: on time plus late counts every removal or disabling.
        Assert.Equal(all.OnTime, a8["removal_order_items"]!["complied_on_time"]!.GetValue<int>());
        Assert.Equal(all.Late, a8["removal_order_items"]!["complied_late"]!.GetValue<int>());
        AssertTimes(all.Times, authorityReport["time_to_action"]!["overall"]!);
        Assert.Equal(irish.Times.Count, authorityReport["time_to_action"]!["by_counterpart"]!["IrishForum"]!["actions"]!.GetValue<int>());

        var csv = await (await _authority.GetAsync("/api/v1/reports/transparency?format=csv&" + period)).Content.ReadAsStringAsync();
        Assert.StartsWith("section,key,value\n", csv, StringComparison.Ordinal);
        Assert.Contains($"authority,orders_issued.removal_order,{all.Issued["removal_order"]}\n", csv, StringComparison.Ordinal);

        // A later period holds none of it.
        var empty = await _irishPlatform.GetOkAsync("/api/v1/reports/transparency?from=2030-01-01&to=2031-01-01");
        Assert.Equal(0, empty["time_to_action"]!["overall"]!["actions"]!.GetValue<int>());
    }

    [Fact]
    public async Task Report_BadInput_NamesTheField_AndOtherKindsAreRefused()
    {
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/reports/transparency?from=2026-01-01"), 400, "to");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/reports/transparency?from=2026-01-01&to=2027-01-01&format=xml"), 400, "format");
        await Problem.AssertAsync(await _authority.GetAsync("/api/v1/reports/transparency?from=2027-01-01&to=2026-01-01"), 400, "to");
        await Problem.AssertAsync(await _app.Operator.GetAsync("/api/v1/reports/transparency?from=2026-01-01&to=2027-01-01"), 403);
    }

    /// <summary>Median, p90 and p99 by nearest rank, and the share within the deadline, computed here independently.</summary>
    private static void AssertTimes(List<(TimeSpan Duration, bool Within)> times, JsonNode figures, bool checkShare = true)
    {
        var sorted = times.Select(t => t.Duration).OrderBy(d => d).ToList();
        long Rank(double p) => (long)sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)].TotalSeconds;
        Assert.Equal(times.Count, figures["actions"]!.GetValue<int>());
        Assert.Equal(Rank(0.5), figures["median_seconds"]!.GetValue<long>());
        Assert.Equal(Rank(0.9), figures["p90_seconds"]!.GetValue<long>());
        Assert.Equal(Rank(0.99), figures["p99_seconds"]!.GetValue<long>());
        if (checkShare) Assert.Equal(Math.Round(times.Count(t => t.Within) / (double)times.Count, 4), figures["share_within_deadline"]!.GetValue<double>(), 6);
    }
}
