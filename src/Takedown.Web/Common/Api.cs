using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>Binds a use case's result to HTTP: the value with its success status, or its problem.</summary>
internal static class Api
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);

    public static async Task<Results<Ok<T>, ProblemHttpResult>> OkAsync<T>(Task<Result<T>> work) => Ok(await work);

    public static async Task<Results<Created<T>, ProblemHttpResult>> CreatedAsync<T>(Task<Result<T>> work, Func<T, string> location)
    {
        var result = await work;
        return result.IsSuccess ? TypedResults.Created(location(result.Value), result.Value) : Problems.From(result.Error!);
    }
}
