namespace Takedown.Web.Tests.Blocklist;

/// <summary>Intent methods for blocklist tests: a second person's key, proposals, approval, exports.</summary>
internal static class Blocklists
{
    /// <summary>The key of another analyst of the authority (a person, with 'approve'): approval counts people, not keys.</summary>
    public static async Task<ApiClient> SecondAnalystAsync(this TestApp app, ApiClient authority) =>
        (await app.AnalystWithKeyAsync(authority)).Key;

    public static Dictionary<string, object?> DomainBody(string domain, DateTimeOffset? hostNotifiedAt) => new()
    {
        ["domain"] = domain,
        ["category"] = "terrorism",
        ["reasons"] = "Synthetic test site: recruits for a terrorist group.",
        ["evidence"] = "Synthetic capture of the recruiting page.",
        ["host_notified_at"] = hostNotifiedAt,
    };

    public static Dictionary<string, object?> UrlBody(string url, DateTimeOffset? hostNotifiedAt)
    {
        var body = DomainBody("", hostNotifiedAt);
        body.Remove("domain");
        body["url"] = url;
        return body;
    }

    public static async Task<JsonNode> ProposeAsync(this ApiClient authority, object body)
    {
        var response = await authority.PostAsync("/api/v1/blocklist", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ApiClient.ReadOkAsync(response);
    }

    /// <summary>Proposes with one key and approves with another person's key, the host having been asked long enough ago: active at once.</summary>
    public static async Task<JsonNode> ListActiveAsync(this TestApp app, ApiClient analyst, ApiClient second, string domainOrUrl)
    {
        var notified = app.Clock.GetUtcNow().AddDays(-2);
        var body = domainOrUrl.Contains("://", StringComparison.Ordinal) ? UrlBody(domainOrUrl, notified) : DomainBody(domainOrUrl, notified);
        var listing = await analyst.ProposeAsync(body);
        var approved = await second.PostOkAsync($"/api/v1/blocklist/{listing["id"]}/approve");
        Assert.Equal("active", approved["status"]!.GetValue<string>());
        return approved;
    }

    public static async Task<(string Text, string? ETag, HttpResponseMessage Response)> ExportAsync(this ApiClient recipient, string path, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", recipient.Key);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        var response = await recipient.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (text, response.Headers.ETag?.ToString(), response);
    }

    public static string S(this JsonNode node, string name) => node[name]!.GetValue<string>();
}
