using Microsoft.AspNetCore.TestHost;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Takedown.Web.Tests.GeneratedClient.Models;
using Takedown.Web.Tests.Infrastructure;

namespace Takedown.Web.Tests.GeneratedClient;

/// <summary>
/// The README's "Five minutes with curl", step by step, through the C# client Kiota generates from docs/openapi.json
/// (checked in under vendor/, kept equal to a fresh generation by <see cref="GeneratedClientTests"/>): what a
/// platform or authority gets from the published description alone.
/// </summary>
public sealed class WalkThroughTests
{
    private static TakedownClient Client(TestApp app, string key) =>
        new(new HttpClientRequestAdapter(
            new ApiKeyAuthenticationProvider("Bearer " + key, "Authorization", ApiKeyAuthenticationProvider.KeyLocation.Header),
            httpClient: app.App.GetTestClient()) { BaseUrl = "https://localhost" }); // in process; Kiota sends keys over https only

    [Fact]
    public async Task FiveMinutesWithCurl_RunsThroughTheGeneratedClient()
    {
        await using var app = await TestApp.StartAsync();
        // 1. The operator's key (`takedown admin bootstrap`; the test app has bootstrapped).
        var op = Client(app, app.Operator.Key);

        // 2. An authority and a platform, each with its own key.
        var authority = await op.Api.V1.Organizations.PostAsync(new CreateOrganizationRequest { Kind = "authority", Name = "PHAROS", Country = "FR" });
        var platform = await op.Api.V1.Organizations.PostAsync(new CreateOrganizationRequest { Kind = "platform", Name = "SmallForum", Country = "IE" });
        Assert.StartsWith("tdk_", authority!.ApiKey, StringComparison.Ordinal);
        var ak = Client(app, authority.ApiKey!);
        var pk = Client(app, platform!.ApiKey!);
        var pid = platform.Id!.Value;

        // 3. The platform publishes its 24/7 contact point and its content rules.
        var profile = await pk.Api.V1.Platforms[pid].Profile.PutAsync(new PlatformProfileRequest
        {
            ContactPoint = new ContactPoint { Name = "Trust & safety desk", Email = "abuse@forum.example" },
            MemberState = "IE", Languages = ["en", "fr"], ReferralDeadlineHours = 24,
            Rules = [new ContentRule { Id = "R1", Title = "Violent extremism", Text = "No praise of terrorist attacks." }],
        });
        Assert.Equal(pid, profile!.Id);

        // 4. The authority issues a removal order with two URLs: due one hour after receipt.
        var order = await ak.Api.V1.Orders.PostAsync(new CreateOrderRequest
        {
            Kind = "removal_order", PlatformId = pid, Reference = "PHAROS-2026-0001",
            Items = [new CreateOrderItem { Url = "https://forum.example/t/1" }, new CreateOrderItem { Url = "https://forum.example/t/2" }],
            Reasons = "Video glorifying an attack and calling for more.",
            TerroristContentTypes = ["incitement", "threats"],
            LegalBasis = "Regulation (EU) 2021/784, Art. 3", Language = "fr",
        });
        Assert.Equal("removal_order", order!.Kind);
        Assert.Equal(order.ReceivedAt!.Value.AddHours(1), order.DueAt);
        var oid = order.Id!.Value;
        var i1 = order.Items![0].Id!.Value;
        var i2 = order.Items[1].Id!.Value;

        // 5. The platform sees it in its inbox, acknowledges, removes one item (Annex II) and cannot execute the other (Annex III).
        var inbox = await pk.Api.V1.Orders.GetAsync(r => r.QueryParameters.Status = "open");
        Assert.Contains(inbox!.Data!, o => o.Id == oid);
        Assert.NotNull((await pk.Api.V1.Orders[oid].Acknowledge.PostAsync())!.AcknowledgedAt);
        await pk.Api.V1.Orders[oid].Items[i1].Action.PostAsync(new ActionRequest { Action = "removed" });
        var answered = await pk.Api.V1.Orders[oid].Items[i2].Action.PostAsync(new ActionRequest
        {
            Action = "impossible", Reason = "insufficient_information", Explanation = "Which post in the thread?",
        });
        Assert.Equal("removed", answered!.Items!.Single(i => i.Id == i1).Action);

        // 6. The authority clarifies; the item's one-hour clock restarts.
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var clarified = await ak.Api.V1.Orders[oid].Clarifications.PostAsync(new ClarificationRequest { ItemId = i2, Text = "The third post." });
        var item2 = clarified!.Items!.Single(i => i.Id == i2);
        Assert.Equal(app.Clock.GetUtcNow().AddHours(1), item2.DueAt);

        // 7. The timeline, and the audit chain.
        var events = await ak.Api.V1.Orders[oid].Events.GetAsync();
        Assert.Contains(events!, e => e.Type == "order.created");
        Assert.Contains(events!, e => e.Type == "order.clarified");
        Assert.True((await op.Api.V1.Audit.Verify.GetAsync())!.Ok);

        // Bad input is answered with RFC 9457 problem details naming each field at fault: a typed exception here.
        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => ak.Api.V1.Orders.PostAsync(new CreateOrderRequest
        {
            Kind = "notice", Items = [new CreateOrderItem { Url = "ftp://x" }],
        }));
        Assert.Equal(400, problem.Status);
        Assert.Contains("kind", problem.Errors!.AdditionalData.Keys);
        // A key without the needed powers: 403 as a problem too.
        await Assert.ThrowsAsync<ProblemDetails>(() => pk.Api.V1.Organizations.PostAsync(new CreateOrganizationRequest { Kind = "platform", Name = "X", Country = "IE" }));
    }
}
