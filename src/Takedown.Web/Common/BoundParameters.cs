using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>
/// A handler parameter that binds itself from the request (<c>BindAsync</c>) and may find the request wrong:
/// then <see cref="Error"/> says what is wrong, and the endpoint answers that problem before the handler runs.
/// </summary>
internal interface IBoundParameter
{
    Error? Error { get; }
}

/// <summary>
/// The one endpoint filter behind <see cref="IBoundParameter"/>: a type that binds itself adds it (once per endpoint)
/// from its <c>PopulateMetadata</c>, so a handler only ever sees parameters that bound cleanly.
/// </summary>
internal static class BoundParameters
{
    private sealed class Checked
    {
        public static readonly Checked Marker = new();
    }

    public static void AnswerErrorsFirst(EndpointBuilder builder)
    {
        if (builder.Metadata.Contains(Checked.Marker)) return;
        builder.Metadata.Add(Checked.Marker);
        builder.FilterFactories.Add((_, next) => invocation =>
        {
            foreach (var argument in invocation.Arguments)
                if (argument is IBoundParameter { Error: { } error }) return ValueTask.FromResult<object?>(Problems.From(error));
            return next(invocation);
        });
    }
}

/// <summary>What a JSON body parameter accepts: its type, as <c>application/json</c> only (other types get 415 from routing).</summary>
internal sealed class JsonAccepts(Type requestType) : IAcceptsMetadata
{
    private static readonly string[] Json = ["application/json"];

    public IReadOnlyList<string> ContentTypes => Json;

    public Type? RequestType => requestType;

    public bool IsOptional => false;
}
