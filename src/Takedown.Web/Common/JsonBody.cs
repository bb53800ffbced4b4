using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>Limits on API request bodies.</summary>
public sealed class ApiOptions
{
    /// <summary>The largest JSON body accepted (default 4 MiB: 500 items with long URLs fit).</summary>
    public int MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// Reads a JSON body strictly (unknown fields, wrong types and malformed JSON are refused with the
/// field named) and within a size limit, so a bad request is answered before any work is done.
/// </summary>
internal static class JsonBody
{
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request) where T : class
    {
        var max = request.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxJsonBodyBytes;
        if (request.ContentLength > max) return TooLarge(max);
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Error.Invalid("body", "must be JSON sent with Content-Type: application/json");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > max) return TooLarge(max);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(max);
        }
        if (buffer.Length == 0) return Error.Invalid("body", "is required");
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), TakedownJson.Options);
            return value is null ? Error.Invalid("body", "must be a JSON object") : value;
        }
        catch (JsonException ex)
        {
            return TakedownJson.ToError(ex);
        }
    }

    private static Error TooLarge(int max) =>
        new(ErrorKind.TooLarge, "Request body too large", $"The body exceeds {max} bytes.",
            new Dictionary<string, string[]> { ["body"] = [$"must be at most {max} bytes"] });
}

/// <summary>
/// A JSON request body as a handler parameter, read by <see cref="JsonBody.ReadAsync{T}"/> (strict, size-limited,
/// <c>application/json</c> only): a body that is not right is answered with its problem before the handler runs.
/// It describes itself in the API document as the operation's <c>application/json</c> request body of type <typeparamref name="T"/>.
/// </summary>
internal sealed class JsonBody<T> : IBoundParameter, IEndpointParameterMetadataProvider where T : class
{
    private readonly Result<T> _read;

    private JsonBody(Result<T> read) => _read = read;

    /// <summary>The body; only ever read by a handler, which runs only when the body was read cleanly.</summary>
    public T Value => _read.Value;

    public Error? Error => _read.Error;

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        new(await JsonBody.ReadAsync<T>(context.Request));

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new JsonAccepts(typeof(T)));
        BoundParameters.AnswerErrorsFirst(builder);
    }
}
