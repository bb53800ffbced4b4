using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Takedown.Web.ApiDescription;

/// <summary>
/// The document as a whole: its title, the bearer-key scheme, one RFC 9457 problem schema and one shared answer per
/// problem status, a description for every tag, and names for the answers the routes build as anonymous objects.
/// </summary>
internal sealed class DocumentConventions : IOpenApiDocumentTransformer
{
    public const string SecurityScheme = "api_key";
    public const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<int, (string Name, string Description)> Problems = new()
    {
        [400] = ("BadRequest", "The request is malformed or a field is invalid; `errors` names each field at fault."),
        [401] = ("Unauthorized", "No API key, or a key that is unknown or revoked."),
        [403] = ("Forbidden", "The key lacks the scope the route needs (`required_scope`), or its organisation may not do this."),
        [404] = ("NotFound", "No such resource visible to the caller's organisation."),
        [409] = ("Conflict", "The resource's current state does not allow this (already answered, withdrawn, a duplicate name, ...)."),
        [413] = ("PayloadTooLarge", "The body or upload is larger than the service accepts."),
        [429] = ("TooManyRequests", "The key made more reads or writes this minute than allowed; retry after `Retry-After` seconds."),
        [503] = ("ServiceUnavailable", "Every hashing slot is busy; retry after `Retry-After` seconds."),
    };

    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Operations"] = "Liveness of the service and its database.",
        ["Organizations"] = "Authorities, platforms, oversight bodies and their API keys (operator and admins).",
        ["Platforms"] = "The platform directory and each platform's published contact point and content rules.",
        ["Orders"] = "Removal orders and referrals: issue, receive, acknowledge, answer item by item (Annex II/III), clarify, withdraw; the timeline and the annex documents.",
        ["Deconfliction"] = "Confidential identifiers tied to investigations, and the holds they place on other authorities' orders.",
        ["Delivery"] = "Signed webhooks and the long-polling pull feed of events.",
        ["Banks"] = "Hash banks: entries by signal or by file, members' opinions, the incremental feed and owner reviews.",
        ["Matching"] = "Match an upload, a signal or a batch of signals against the banks the caller may use.",
        ["Review"] = "A platform's checks of its own uploads, the review cases they open and the rules that act on them.",
        ["Audit"] = "The hash-chained audit log, its verification and its signed checkpoints.",
        ["Data requests"] = "Requests for data and preservation, their answers, signed productions and the signing key.",
        ["Blocklist"] = "DNS blocklist listings with two-person approval, reviews, recommendations and exports (RPZ, hosts, CSV).",
        ["Complaints"] = "Complaints by content providers against a removal, and the platform's decision.",
        ["Scrutiny"] = "Requests for scrutiny of a removal order (TCO Art. 4) and the competent authority's decision.",
        ["Preservation"] = "Preservation of removed content and related data (TCO Art. 6): periods, extensions, legal holds, records.",
        ["Reports"] = "Transparency reports (TCO Art. 7 and 8) and DSA statement-of-reasons exports.",
        ["Statements of reasons"] = "The DSA Art. 17 statement of reasons for an item's action.",
        ["Reinstatement"] = "Court-ordered reinstatement of an item and the issuing authority's contest.",
        ["Evidence"] = "Evidence files attached to an order's items (stored encrypted; every view is audited).",
    };

    public static string ProblemResponse(int status) =>
        Problems.TryGetValue(status, out var p) ? p.Name : $"Problem{status}";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Takedown API";
        document.Info.Version = "v1";
        document.Info.Description = "Removal orders and referrals with a live one-hour clock, hash banks and matching, and their accountability. "
            + "Every /api route needs an API key sent as `Authorization: Bearer tdk_…`; JSON is snake_case, timestamps are RFC 3339 in UTC "
            + "(`2026-12-02T18:26:34.612Z`), and every error is an RFC 9457 problem (`application/problem+json`).";
        // Relative: the document describes whichever address serves it.
        document.Servers = [new OpenApiServer { Url = "/", Description = "This service" }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "tdk_…",
            Description = "An organisation's API key. Its scopes decide what it may do: `read` (GET), `write` (every other method), "
                + "`admin` (keys and members), `approve` (a person's key only: second-person approvals). Each operation lists the scope it needs.",
        };

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = ProblemDetailsSchema();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        var used = document.Paths.Values.SelectMany(p => (IEnumerable<OpenApiOperation>?)p.Operations?.Values ?? [])
            .SelectMany(o => (IEnumerable<IOpenApiResponse>?)o.Responses?.Values ?? []).OfType<OpenApiResponseReference>().Select(r => r.Reference.Id).ToHashSet();
        var answers = Problems.Select(p => (Status: p.Key, p.Value.Name, p.Value.Description)).ToList();
        answers.AddRange(used.Where(u => u is not null && u.StartsWith("Problem", StringComparison.Ordinal))
            .Select(u => (int.Parse(u![7..], System.Globalization.CultureInfo.InvariantCulture), u, "A problem.")));
        foreach (var (status, name, description) in answers)
        {
            if (!used.Contains(name)) continue;
            var response = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
            if (status is 429 or 503)
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
            document.Components.Responses[name] = response;
        }

        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in document.Tags)
            if (tag.Name is not null && Tags.TryGetValue(tag.Name, out var text)) tag.Description = text;

        NameAnonymousAnswers(document);
        return Task.CompletedTask;
    }

    /// <summary>RFC 9457 problem details as this service writes them: the standard members, field errors and the trace id.</summary>
    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. Further members may appear (e.g. `required_scope`, `retry_after_seconds`).",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference identifying the problem type." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong in this occurrence." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference identifying this occurrence." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Each field at fault (e.g. `items[0].url`) with what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, to quote to the operator." },
        },
        AdditionalPropertiesAllowed = true,
    };

    /// <summary>
    /// An answer built as an anonymous object gets the framework's name "AnonymousTypeOf…", which says nothing and
    /// changes with the code; it is named after the (first, by id) operation answering with it: ListBanksResponse.
    /// </summary>
    private static void NameAnonymousAnswers(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        var anonymous = schemas.Keys.Where(k => k.StartsWith("AnonymousType", StringComparison.Ordinal)).ToHashSet();
        if (anonymous.Count == 0) return;
        var renames = new Dictionary<string, string>();
        var operations = document.Paths.Values.SelectMany(p => (IEnumerable<OpenApiOperation>?)p.Operations?.Values ?? []).OrderBy(o => o.OperationId, StringComparer.Ordinal).ToList();
        foreach (var operation in operations)
            foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
                foreach (var media in (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
                {
                    if (media.Schema is not OpenApiSchemaReference reference || reference.Reference.Id is not { } id || !anonymous.Contains(id)) continue;
                    if (!renames.TryGetValue(id, out var name))
                    {
                        name = char.ToUpperInvariant(operation.OperationId![0]) + operation.OperationId[1..] + "Response";
                        renames[id] = name;
                        schemas[name] = schemas[id];
                        schemas.Remove(id);
                    }
                    media.Schema = new OpenApiSchemaReference(name, document);
                }
    }
}
