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
