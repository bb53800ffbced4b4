namespace Takedown.Web.Tests.Review;

/// <summary>Intent methods for review checks, cases and rules.</summary>
internal static class ReviewIntents
{
    public static Task<HttpResponseMessage> CheckPdqAsync(this ApiClient client, string contentId, string hex) =>
        client.PostAsync("/api/v1/review/checks", new { content_id = contentId, signals = new[] { new { signal_type = "pdq", signal = hex } } });

    /// <summary>Checks a PDQ hash and expects a recorded check (201); returns its body.</summary>
    public static async Task<JsonNode> CheckPdqCreatedAsync(this ApiClient client, string contentId, string hex)
    {
        var response = await client.CheckPdqAsync(contentId, hex);
        var body = await ApiClient.ReadOkAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"expected 201, got {(int)response.StatusCode}: {body}");
        return body;
    }

    public static Task<JsonNode> AddRuleAsync(this ApiClient client, object rule) => client.PostOkAsync("/api/v1/review/rules", rule);

    public static Task<JsonNode> CaseAsync(this ApiClient client, JsonNode check) => client.GetOkAsync($"/api/v1/review/cases/{check["case_id"]}");

    public static Task<JsonNode> DismissAsync(this ApiClient client, JsonNode check, object? body = null) =>
        client.PostOkAsync($"/api/v1/review/cases/{check["case_id"]}/dismiss", body ?? new { });

    public static Task<JsonNode> ConfirmAsync(this ApiClient client, JsonNode check, object? body = null) =>
        client.PostOkAsync($"/api/v1/review/cases/{check["case_id"]}/confirm", body ?? new { });

    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();
}
