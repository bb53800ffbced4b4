using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>The one place where an expected failure becomes RFC 9457 problem details.</summary>
internal static class Problems
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemHttpResult From(Error error)
    {
        var extensions = new Dictionary<string, object?>();
        if (error.Fields is { Count: > 0 }) extensions["errors"] = error.Fields;
        return TypedResults.Problem(error.Detail, statusCode: StatusOf(error.Kind), title: error.Title, extensions: extensions);
    }
}
