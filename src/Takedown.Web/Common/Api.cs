using Microsoft.AspNetCore.Http.HttpResults;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>Binds a use case's result to HTTP: the value with its success status, or its problem.</summary>
internal static class Api
{
    public static Results<Ok<T>, ProblemHttpResult> Ok<T>(Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);

    public static async Task<Results<Ok<T>, ProblemHttpResult>> OkAsync<T>(Task<Result<T>> work) => Ok(await work);

    public static async Task<Results<Ok<TResponse>, ProblemHttpResult>> OkAsync<TRequest, TResponse>(
        HttpRequest request, Func<TRequest, Task<Result<TResponse>>> work) where TRequest : class
    {
        var body = await JsonBody.ReadAsync<TRequest>(request);
        return body.IsSuccess ? Ok(await work(body.Value)) : Problems.From(body.Error!);
    }

    public static async Task<Results<Created<TResponse>, ProblemHttpResult>> CreatedAsync<TRequest, TResponse>(
        HttpRequest request, Func<TRequest, Task<Result<TResponse>>> work, Func<TResponse, string> location) where TRequest : class
    {
        var body = await JsonBody.ReadAsync<TRequest>(request);
        if (!body.IsSuccess) return Problems.From(body.Error!);
        var result = await work(body.Value);
        return result.IsSuccess ? TypedResults.Created(location(result.Value), result.Value) : Problems.From(result.Error!);
    }

    /// <summary>Parses an optional page size from the query string, naming the parameter when it is not a number.</summary>
    public static Result<int> Limit(string? text, int fallback = 50)
    {
        if (text is null) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200
            ? n
            : Error.Invalid("limit", "must be a whole number between 1 and 200");
    }
}
