using System.Diagnostics;
using System.Net.Sockets;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>The real `takedown` program run as a separate process, for crash and CLI tests.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private Process? _process;

    public ServiceProcess(string dataDir, string[]? databaseArgs = null)
    {
        DataDir = dataDir;
        DatabaseArgs = databaseArgs ?? [];
        Port = FreePort();
    }

    public string DataDir { get; }

    public string[] DatabaseArgs { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The running process's id (null when not running).</summary>
    public int? Pid => _process?.Id;

    /// <summary>Extra environment for the service (e.g. TAKEDOWN_Webhooks__AllowedHosts__0).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "takedown.dll");

    public static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs one CLI command to completion and returns its exit code and outputs.</summary>
    public static async Task<(int Code, string Out, string Err)> RunCliAsync(IDictionary<string, string>? env, params string[] args)
    {
        var psi = Start(args);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts `serve` and waits for /healthz; returns what it printed to stdout by then.</summary>
    public async Task<IReadOnlyList<string>> StartAsync(params string[] extra)
    {
        var psi = Start(["serve", "--data", DataDir, "--urls", Url, .. DatabaseArgs, .. extra]);
        psi.Environment["TAKEDOWN_Orders__SweepIntervalSeconds"] = "1";
        psi.Environment["TAKEDOWN_RateLimits__PerKeyPerMinute__Reads"] = "10000000";
        psi.Environment["TAKEDOWN_RateLimits__PerKeyPerMinute__Writes"] = "10000000";
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"takedown serve exited with {_process.ExitCode}");
            try
            {
                if ((await http.GetAsync(Url + "/healthz")).IsSuccessStatusCode) return output.ToList();
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException("takedown serve did not answer /healthz");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was committed must survive.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process = null;
    }

    private static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return psi;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
