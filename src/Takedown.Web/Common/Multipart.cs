using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Takedown.Core.Common;
using Takedown.Core.DataRequests;
using Takedown.Core.Storage;

namespace Takedown.Web.Common;

/// <summary>
/// Streams the files of a multipart/form-data upload straight into the blob store, one part at a
/// time, enforcing the per-file, per-request and count limits as the bytes arrive (nothing is
/// buffered whole in memory, and an oversized upload is refused before it fills the disk).
/// </summary>
internal static class Multipart
{
    public static async Task<Result<List<UploadedFile>>> ReadFilesAsync(HttpRequest request, BlobStore store, string field,
        long maxFileBytes, long maxTotalBytes, int maxFiles)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return Error.Invalid(field, "send the files as multipart/form-data");
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return Error.Invalid(field, "the multipart boundary is missing");
        if (request.ContentLength > maxTotalBytes + 1024 * 1024)
            return new Error(ErrorKind.TooLarge, "Upload too large", $"The upload exceeds {maxTotalBytes} bytes.",
                new Dictionary<string, string[]> { [field] = [$"all files together must be at most {maxTotalBytes} bytes"] });

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        var files = new List<UploadedFile>();
        long total = 0;
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(request.HttpContext.RequestAborted)) is not null)
            {
                var disposition = section.GetContentDispositionHeader();
                var name = disposition is null ? null : HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition is null || !disposition.IsFileDisposition())
                    return Error.Invalid(name ?? field, $"only file parts named '{field}' are accepted");
                if (name != field) return Error.Invalid(name ?? "", $"unexpected part; files go in '{field}'");
                if (files.Count >= maxFiles) return Error.Invalid(field, $"at most {maxFiles} files");
                var remaining = Math.Min(maxFileBytes, maxTotalBytes - total);
                var stored = await store.PutAsync(section.Body, remaining, field, request.HttpContext.RequestAborted);
                if (!stored.IsSuccess) return stored.Error!;
                total += stored.Value.Size;
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "file";
                files.Add(new UploadedFile(fileName, stored.Value));
            }
        }
        catch (InvalidDataException ex)
        {
            return Error.Invalid(field, "malformed multipart body: " + ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new Error(ErrorKind.TooLarge, "Upload too large", "The request body is too large.",
                new Dictionary<string, string[]> { [field] = ["the upload is too large"] });
        }
        if (files.Count == 0) return Error.Invalid(field, "at least one file is required");
        return files;
    }
}
