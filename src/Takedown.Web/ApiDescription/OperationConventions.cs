using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Takedown.Web.Common;

namespace Takedown.Web.ApiDescription;

/// <summary>
/// What every operation of the document carries, derived from its endpoint rather than written on each route:
/// an operationId (unless the route was named with <c>WithName</c>), the key it needs (from <c>RequireScopes</c>),
/// and the problem answers it can give:
/// a key → 401, 403 and 429 (per-key limits); a body → 400 and 413; a query → 400; a route parameter → 404;
/// any write → 409 (the state changed under it). Explicit <c>ProducesProblem(...)</c> adds the rest.
/// </summary>
internal sealed class OperationConventions : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var api = context.Description;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        var method = api.HttpMethod ?? "GET";
        var segments = Segments(api.RelativePath ?? "");
        operation.Responses ??= [];

        if (string.IsNullOrEmpty(operation.OperationId))
            operation.OperationId = OperationId(method, segments, operation.Responses.ContainsKey("201"));
        if (string.IsNullOrEmpty(operation.Summary) && Fallbacks.TryGetValue($"{method} /{string.Join('/', segments.Select(s => s.Text))}", out var summary))
            operation.Summary = summary;

        var secured = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (secured)
        {
            var scope = (metadata.OfType<RequiredScope>().LastOrDefault() ?? RequiredScope.ByMethod).For(method);
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentConventions.SecurityScheme, context.Document)] = [scope] }];
        }
        else
        {
            operation.Security = [];
        }

        var hasBody = operation.RequestBody is not null || metadata.OfType<IAcceptsMetadata>().Any()
            || api.ParameterDescriptions.Any(p => p.Source == BindingSource.Body || p.Source == BindingSource.Form || p.Source == BindingSource.FormFile);
        var hasQuery = api.ParameterDescriptions.Any(p => p.Source == BindingSource.Query);
        var write = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);

        var statuses = new SortedSet<int>();
        if (hasBody || hasQuery) statuses.Add(400);
        if (secured) { statuses.Add(401); statuses.Add(403); statuses.Add(429); }
        if (segments.Any(s => s.IsParameter)) statuses.Add(404);
        if (write && secured) statuses.Add(409);
        if (hasBody) statuses.Add(413);
        foreach (var declared in metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.StatusCode >= 400)) statuses.Add(declared.StatusCode);
        foreach (var key in operation.Responses.Keys.ToList())
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= 400) statuses.Add(code);

        foreach (var status in statuses)
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponseReference(DocumentConventions.ProblemResponse(status), context.Document);
        return Task.CompletedTask;
    }

    /// <summary>Summaries of routes mapped outside a feature's endpoints.</summary>
    private static readonly Dictionary<string, string> Fallbacks = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = "Whether the service and its database answer (no key needed).",
    };

    internal readonly record struct Segment(string Text, bool IsParameter);

    internal static List<Segment> Segments(string relativePath) =>
        [.. relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s =>
            s.StartsWith('{') ? new Segment(s.Trim('{', '}').Split(':', '=')[0].TrimEnd('?'), true) : new Segment(s, false))];

    /// <summary>
    /// camelCase from the method and the path after /api/v1: GET of a collection lists (listBanks), GET of one gets
    /// (getBank; getBlocklistById where the collection's name has no plural), a POST answering 201 or to a plural segment creates (createOrder), a POST to a verb segment does it
    /// (acknowledgeOrder), PUT sets, PATCH updates, DELETE deletes. A segment before a parameter names one thing (singular).
    /// </summary>
    internal static string OperationId(string method, List<Segment> segments, bool creates)
    {
        var path = segments.SkipWhile(s => !s.IsParameter && (s.Text is "api" || s.Text.Length == 2 && s.Text[0] == 'v' && char.IsDigit(s.Text[1]))).ToList();
        var literals = new List<string>();
        for (var i = 0; i < path.Count; i++)
        {
            if (path[i].IsParameter) continue;
            var next = i + 1 < path.Count ? path[i + 1] : (Segment?)null;
            literals.Add(next is { IsParameter: true } ? Singular(path[i].Text) : path[i].Text);
        }
        var last = path.Count > 0 ? path[^1] : default;
        string verb;
        var words = literals;
        if (HttpMethods.IsGet(method))
            verb = !last.IsParameter && last.Text.EndsWith('s') && !last.Text.EndsWith("ss", StringComparison.Ordinal) ? "list" : "get";
        else if (HttpMethods.IsPost(method))
        {
            if (creates || (!last.IsParameter && last.Text.EndsWith('s') && !last.Text.EndsWith("ss", StringComparison.Ordinal)))
            {
                verb = "create";
                if (words.Count > 0) words[^1] = Singular(words[^1]);
            }
            else if (!last.IsParameter && words.Count > 0)
            {
                verb = Camel(words[^1]);
                words = words[..^1];
            }
            else verb = "post";
        }
        else if (HttpMethods.IsPut(method)) verb = "set";
        else if (HttpMethods.IsPatch(method)) verb = "update";
        else if (HttpMethods.IsDelete(method)) verb = "delete";
        else verb = method.ToLowerInvariant();
        var id = new StringBuilder(verb);
        foreach (var w in words) id.Append(Pascal(w));
        // One of a collection whose name has no plural ("blocklist", "evidence") would share the collection's id.
        if (last.IsParameter && path.Count > 1 && !path[^2].IsParameter && Singular(path[^2].Text) == path[^2].Text)
            id.Append("By").Append(Pascal(last.Text));
        return id.ToString();
    }

    private static string Singular(string word) =>
        word.EndsWith("ies", StringComparison.Ordinal) ? word[..^3] + "y"
        : word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1]
        : word;

    private static string Pascal(string text)
    {
        var b = new StringBuilder();
        foreach (var part in text.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries))
            b.Append(char.ToUpperInvariant(part[0])).Append(part[1..]);
        return b.ToString();
    }

    private static string Camel(string text)
    {
        var p = Pascal(text);
        return p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..];
    }
}
