using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Takedown.Core.Common;

namespace Takedown.Web.Common;

/// <summary>A multipart/form-data upload: the one file (field <c>file</c>) in memory, and the small text fields.</summary>
internal sealed record UploadedForm(byte[] File, string? FileName, IReadOnlyDictionary<string, string> Fields)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}

/// <summary>
/// Reads a multipart upload strictly and within a size limit: the file is streamed into memory and
/// refused (413) as soon as it passes the limit, so an oversized upload costs at most the limit.
/// The JSON reader (<see cref="JsonBody"/>) is for JSON bodies; this one is for files.
/// </summary>
internal static class MultipartBody
{
    private const int MaxFieldBytes = 4096;
    private const int MaxSections = 20;

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType is { } ct && ct.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    public static async Task<Result<UploadedForm>> ReadAsync(HttpRequest request, long maxFileBytes, IReadOnlyCollection<string> allowedFields)
    {
        if (!IsMultipart(request)) return Error.Invalid("body", "must be multipart/form-data with the file in field 'file'");
        if (request.ContentLength > maxFileBytes + 64 * 1024) return TooLarge(maxFileBytes);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return Error.Invalid("body", "multipart/form-data needs a boundary");

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        byte[]? file = null;
        string? fileName = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var ct = request.HttpContext.RequestAborted;
        try
        {
            for (var sections = 0; ; sections++)
            {
                var section = await reader.ReadNextSectionAsync(ct);
                if (section is null) break;
                if (sections >= MaxSections) return Error.Invalid("body", $"has more than {MaxSections} parts");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return Error.Invalid("body", "every part needs Content-Disposition: form-data with a name");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (name == "file")
                {
                    if (file is not null) return Error.Invalid("file", "is given more than once");
                    var read = await ReadLimitedAsync(section.Body, maxFileBytes, ct);
                    if (read is null) return TooLarge(maxFileBytes);
                    file = read;
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                }
                else if (allowedFields.Contains(name))
                {
                    var bytes = await ReadLimitedAsync(section.Body, MaxFieldBytes, ct);
                    if (bytes is null) return Error.Invalid(name, $"must be at most {MaxFieldBytes} bytes");
                    fields[name] = System.Text.Encoding.UTF8.GetString(bytes).Trim();
                }
                else
                {
                    return Error.Invalid(name.Length == 0 ? "body" : name, "unknown field");
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxFileBytes);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return Error.Invalid("body", "is not well-formed multipart/form-data");
        }
        if (file is null) return Error.Invalid("file", "is required (the file to hash, as multipart field 'file')");
        if (file.Length == 0) return Error.Invalid("file", "is empty (0 bytes)");
        return new UploadedForm(file, fileName, fields);
    }

    /// <summary>The stream's bytes, or null as soon as there are more than <paramref name="max"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Error TooLarge(long max) =>
        new(ErrorKind.TooLarge, "File too large", $"The upload exceeds {max} bytes.",
            new Dictionary<string, string[]> { ["file"] = [$"must be at most {max} bytes"] });
}
