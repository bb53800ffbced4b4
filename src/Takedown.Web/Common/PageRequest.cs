using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>
/// A cursor-paginated list's query: <c>?after=</c> (the <c>next_cursor</c> of the previous page, checked by the
/// feature) and <c>?limit=</c> (1 to 200). Bind it with <c>[AsParameters]</c>: the two query parameters are then
/// described in the API document, and a bad limit is answered (400, naming <c>limit</c>) before the handler runs.
/// </summary>
internal sealed class PageRequest : IBoundParameter, IEndpointParameterMetadataProvider
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    [FromQuery(Name = "after")]
    public string? After { get; init; }

    /// <summary>The <c>limit</c> as sent; read <see cref="Limit"/> or <see cref="LimitOr"/>.</summary>
    [FromQuery(Name = "limit")]
    public string? LimitText { get; init; }

    /// <summary>The page size asked for, or <see cref="DefaultLimit"/>.</summary>
    public int Limit => LimitOr(DefaultLimit);

    /// <summary>The page size asked for, or this list's own default.</summary>
    public int LimitOr(int fallback) => Parse() ?? fallback;

    public Error? Error => LimitText is not null && Parse() is null
        ? Error.Invalid("limit", $"must be a whole number between 1 and {MaxLimit}")
        : null;

    private int? Parse() =>
        LimitText is not null && int.TryParse(LimitText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit
            ? n
            : null;

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) => BoundParameters.AnswerErrorsFirst(builder);
}
