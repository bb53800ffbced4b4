using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Takedown.Web.Tests.Infrastructure;

/// <summary>
/// A real Unbound on a free loopback port, loading an RPZ zone file, for end-to-end tests. "Upstream" is an
/// auth-zone served only to the iterator (for-upstream), so names resolve without any network and RPZ
/// rewrites apply exactly as they would to real recursion. Killed on dispose.
/// </summary>
public sealed class UnboundResolver : IAsyncDisposable
{
    private readonly Process _process;

    private UnboundResolver(string dir, int port, Process process)
    {
        Dir = dir;
        Port = port;
        _process = process;
    }

    public string Dir { get; }

    public int Port { get; }

    public string ZonePath => Path.Combine(Dir, "rpz.zone");

    public string LogPath => Path.Combine(Dir, "unbound.log");

    /// <summary>Starts Unbound with <paramref name="rpz"/> as the zone <paramref name="zoneName"/> and <paramref name="upstream"/> as the authoritative data of <paramref name="upstreamZone"/>.</summary>
    public static async Task<UnboundResolver> StartAsync(string zoneName, string rpz, string upstreamZone, IEnumerable<(string Name, string Address)> upstream)
    {
        var dir = Path.Combine(Path.GetTempPath(), "takedown-unbound", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var port = FreeUdpAndTcpPort();
        await File.WriteAllTextAsync(Path.Combine(dir, "rpz.zone"), rpz);
        var upstreamText = $"$ORIGIN {upstreamZone}.\n$TTL 300\n@ IN SOA localhost. hostmaster.localhost. 1 3600 600 604800 300\n@ IN NS localhost.\n"
                           + string.Concat(upstream.Select(u => $"{u.Name}. IN A {u.Address}\n"));
        await File.WriteAllTextAsync(Path.Combine(dir, "upstream.zone"), upstreamText);
        var conf = $"""
            server:
                interface: 127.0.0.1
                port: {port}
                do-ip6: no
                do-daemonize: no
                username: ""
                chroot: ""
                directory: "{dir}"
                pidfile: "{dir}/unbound.pid"
                use-syslog: no
                logfile: "{dir}/unbound.log"
                verbosity: 1
                access-control: 127.0.0.0/8 allow
                module-config: "respip iterator"
            auth-zone:
                name: "{upstreamZone}"
                zonefile: "{dir}/upstream.zone"
                for-downstream: no
                for-upstream: yes
                fallback-enabled: no
            rpz:
                name: {zoneName}
                zonefile: {dir}/rpz.zone
                rpz-log: yes
            """;
        var confPath = Path.Combine(dir, "unbound.conf");
        await File.WriteAllTextAsync(confPath, conf);
        var check = await RunAsync("unbound-checkconf", confPath);
        if (check.Code != 0) throw new InvalidOperationException($"unbound-checkconf failed: {check.Out}{check.Err}");

        var psi = new ProcessStartInfo("unbound") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-d", "-c", confPath }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var resolver = new UnboundResolver(dir, port, process);
        var first = upstream.First().Name;
        var deadline = Environment.TickCount64 + 15_000;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"unbound exited with {process.ExitCode}: {ReadLog(resolver.LogPath)}");
            var (status, _) = await resolver.QueryAsync(first);
            if (status is not null) return resolver;
            if (Environment.TickCount64 > deadline) throw new TimeoutException("unbound did not answer");
            await Task.Delay(50);
        }
    }

    /// <summary>Replaces the zone file atomically and makes Unbound reload it (SIGHUP); callers poll for the effect.</summary>
    public async Task ReloadAsync(string rpz)
    {
        var temp = ZonePath + ".new";
        await File.WriteAllTextAsync(temp, rpz);
        File.Move(temp, ZonePath, overwrite: true);
        var kill = await RunAsync("kill", "-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (kill.Code != 0) throw new InvalidOperationException("kill -HUP failed: " + kill.Err);
    }

    /// <summary>Asks Unbound for the A record of <paramref name="name"/>: the status (NOERROR, NXDOMAIN, …, or null when no answer) and the addresses.</summary>
    public async Task<(string? Status, string[] Addresses)> QueryAsync(string name)
    {
        var (code, output, _) = await RunAsync("dig", "@127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            name, "A", "+time=2", "+tries=1", "+noall", "+comments", "+answer");
        if (code != 0) return (null, []);
        var status = output.Split('\n').Select(l => l.Trim())
            .Where(l => l.Contains("status:", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("status:", StringComparison.Ordinal) + 7)..].Split(',')[0].Trim())
            .FirstOrDefault();
        var addresses = output.Split('\n').Where(l => !l.StartsWith(';') && l.Contains("\tA\t", StringComparison.Ordinal))
            .Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1].Trim()).ToArray();
        return (status, addresses);
    }

    public string Log() => ReadLog(LogPath);

    private static string ReadLog(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>A port free for both UDP and TCP on loopback (DNS uses both).</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("no free port");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
