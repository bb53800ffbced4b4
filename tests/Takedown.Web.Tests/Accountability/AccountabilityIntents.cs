namespace Takedown.Web.Tests.Accountability;

/// <summary>Intent methods for complaints, scrutiny and reinstatement tests.</summary>
internal static class AccountabilityIntents
{
    public static string ItemId(this JsonNode order, int item = 0) => order["items"]![item]!["id"]!.GetValue<string>();

    public static string Id(this JsonNode node) => node["id"]!.GetValue<string>();

    /// <summary>An order from <paramref name="authority"/> whose first item the platform has removed.</summary>
    public static async Task<JsonNode> RemovedOrderAsync(this ApiClient authority, ApiClient platform, string action = "removed")
    {
        var order = await authority.IssueOrderAsync(platform.Id);
        return await platform.ActAsync(order, 0, new { action });
    }

    public static Task<HttpResponseMessage> ComplainAsync(this ApiClient platform, JsonNode order, int item = 0, string text = "The uploader says this is news reporting.") =>
        platform.PostAsync($"/api/v1/orders/{order.Id()}/items/{order.ItemId(item)}/complaints", new { text });

    public static Task<JsonNode> DecideAsync(this ApiClient platform, JsonNode complaint, string outcome) =>
        platform.PostOkAsync($"/api/v1/complaints/{complaint.Id()}/decision", new { outcome, explanation = "Reviewed by a second moderator." });
}
