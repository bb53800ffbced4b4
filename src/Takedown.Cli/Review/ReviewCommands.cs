using System.CommandLine;
using System.Net.Http.Headers;
using Takedown.Cli.Common;

namespace Takedown.Cli.Review;

/// <summary>`takedown review check FILE --content-id ID` and `takedown review cases`: the review API from the command line.</summary>
internal static class ReviewCommands
{
    public static Command Create()
    {
        var review = new Command("review", "Check content against the banks and list the review cases it opens (platforms).");
        review.Subcommands.Add(Check());
        review.Subcommands.Add(Cases());
        return review;
    }

    private static Command Check()
    {
        var api = new ApiConnection();
        var file = new Argument<string>("file") { Description = "The file to check (image, video, or .txt); hashed by the service, not kept" };
        var contentId = new Option<string>("--content-id") { Description = "Your own id for this content (a retry with the same id opens no second case)", Required = true };
        var text = new Option<string?>("--text") { Description = "Text posted with the file, matched too" };
        var command = new Command("check", "Check one file; prints the check (decision, matches, case id) as JSON.") { file, contentId, text };
        api.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(path, ct); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return CliOutput.Error($"{path}: {ex.Message}", ExitCodes.Invalid);
            }
            var form = new MultipartFormDataContent();
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "file", Path.GetFileName(path));
            form.Add(new StringContent(parse.GetValue(contentId)!), "content_id");
            if (parse.GetValue(text) is { } t) form.Add(new StringContent(t), "text");
            var (exit, body) = await api.RequestAsync(parse, HttpMethod.Post, "/api/v1/review/checks", form, ct);
            if (exit == ExitCodes.Ok) CliOutput.Json(body!);
            return exit;
        });
        return command;
    }

    private static Command Cases()
    {
        var api = new ApiConnection();
        var state = new Option<string?>("--state") { Description = "open, confirmed or dismissed (default: every state)" };
        var command = new Command("cases", "The review queue, most urgent first (first page of 200).") { state };
        api.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var s = parse.GetValue(state);
            return api.SendAsync(parse, HttpMethod.Get, "/api/v1/review/cases?limit=200" + (s is null ? "" : "&state=" + Uri.EscapeDataString(s)), null, ct);
        });
        return command;
    }
}
