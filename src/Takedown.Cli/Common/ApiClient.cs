using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;

namespace Takedown.Cli.Common;

/// <summary>The --url and --key options shared by every command that talks to a running service.</summary>
internal sealed class ApiConnection
{
    public Option<string> Url { get; } = new("--url")
    {
        Description = "Service address (env TAKEDOWN_URL; default http://127.0.0.1:8080)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAKEDOWN_URL") ?? "http://127.0.0.1:8080",
    };

    public Option<string> Key { get; } = new("--key")
    {
        Description = "API key (env TAKEDOWN_KEY)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAKEDOWN_KEY") ?? "",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
    }

    /// <summary>Sends one request and prints the JSON answer, or the problem with its exit code.</summary>
    public async Task<int> SendAsync(ParseResult parse, HttpMethod method, string path, string? json, CancellationToken ct)
    {
        var (exit, body) = await RequestAsync(parse, method, path,
            json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), ct);
        if (exit == ExitCodes.Ok) CliOutput.Json(body!);
        return exit;
    }

    /// <summary>Sends one request; on success returns its body, otherwise prints the problem and returns its exit code.</summary>
    public async Task<(int Exit, string? Body)> RequestAsync(ParseResult parse, HttpMethod method, string path, HttpContent? content, CancellationToken ct,
        bool printProblem = true)
    {
        var key = parse.GetValue(Key);
        if (string.IsNullOrWhiteSpace(key)) return (CliOutput.Error("no API key: pass --key or set TAKEDOWN_KEY", ExitCodes.Invalid), null);
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out var baseUri))
            return (CliOutput.Error("--url is not an absolute URL", ExitCodes.Invalid), null);
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(120) };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Content = content;
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return (ExitCodes.Ok, body);
            return printProblem ? (CliOutput.Problem(response.StatusCode, body), null) : (ExitCodes.Failure, body);
        }
        catch (HttpRequestException ex)
        {
            return (CliOutput.Error($"cannot reach {baseUri}: {ex.Message}", ExitCodes.Unreachable), null);
        }
    }
}
