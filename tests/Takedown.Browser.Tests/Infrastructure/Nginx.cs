using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Takedown.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's nginx as a child process, terminating TLS on a free loopback port in front of a running service,
/// with the server configuration documented in docs/deployment.md ("Behind a reverse proxy"), its own
/// prefix, pid, logs and temp files in a fresh directory, and a self-signed certificate made here.
/// </summary>
public sealed partial class Nginx : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;

    private Nginx(Process process, string directory, int port, X509Certificate2 certificate)
    {
        _process = process;
        Directory = directory;
        Port = port;
        Certificate = certificate;
    }

    /// <summary>The prefix: nginx.conf, takedown.conf, the certificate, logs and temp files.</summary>
    public string Directory { get; }

    public int Port { get; }

    public string Url => $"https://127.0.0.1:{Port}";

    /// <summary>The self-signed certificate nginx presents (for 127.0.0.1 and localhost).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Starts nginx in front of <paramref name="upstream"/> (such as http://127.0.0.1:5123) and waits until it answers /healthz over TLS.</summary>
    public static async Task<Nginx> StartAsync(string upstream)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: apt-get install nginx (./test.sh does)");
        var dir = Path.Combine(Path.GetTempPath(), "takedown-nginx", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var certificate = SelfSigned();
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        using (var key = certificate.GetRSAPrivateKey()!) await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());

        var port = FreePort();
        var upstreamUri = new Uri(upstream);
        var server = Replace(DocumentedConfiguration(),
            ("server 127.0.0.1:8080;", $"server 127.0.0.1:{upstreamUri.Port};"),
            ("listen 80;", $"listen 127.0.0.1:{FreePort()};"),
            ("listen 443 ssl http2;", $"listen 127.0.0.1:{port} ssl http2;"),
            ("/etc/ssl/takedown/fullchain.pem", Path.Combine(dir, "cert.pem")),
            ("/etc/ssl/takedown/privkey.pem", Path.Combine(dir, "key.pem")));
        await File.WriteAllTextAsync(Path.Combine(dir, "takedown.conf"), server);
        // Test-only wrapper: one foreground process (no master/worker split, so no user switch and a clean kill).
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log {{dir}}/access.log;
                client_body_temp_path {{dir}}/client_body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                include {{dir}}/takedown.conf;
            }
            """);

        var psi = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-p", dir + "/", "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log") }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var nginx = new Nginx(process, dir, port, certificate);
        try
        {
            await nginx.WaitReadyAsync();
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
        return nginx;
    }

    /// <summary>The one ```nginx block under "## Behind a reverse proxy" in docs/deployment.md.</summary>
    public static string DocumentedConfiguration()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Takedown.slnx"))) root = root.Parent;
        Assert.True(root is not null, "no Takedown.slnx above " + AppContext.BaseDirectory);
        var text = File.ReadAllText(Path.Combine(root.FullName, "docs", "deployment.md"));
        var section = text[text.IndexOf("## Behind a reverse proxy", StringComparison.Ordinal)..];
        var block = NginxBlock().Match(section);
        Assert.True(block.Success, "docs/deployment.md has no ```nginx block under 'Behind a reverse proxy'");
        return block.Groups[1].Value;
    }

    [GeneratedRegex(@"```nginx\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex NginxBlock();

    private static string Replace(string text, params (string From, string To)[] replacements)
    {
        foreach (var (from, to) in replacements)
        {
            // The documented configuration changed shape: update this test with it.
            Assert.True(text.Contains(from, StringComparison.Ordinal), $"the documented nginx configuration no longer contains '{from}'");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return text;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=takedown-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    private async Task WaitReadyAsync()
    {
        using var handler = new HttpClientHandler
        {
            // Only our own certificate, pinned by thumbprint.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == Certificate.Thumbprint,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {ErrorLog()}");
            try
            {
                if ((await http.GetAsync(Url + "/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"nginx did not answer /healthz over TLS: {ErrorLog()}");
    }

    private string ErrorLog()
    {
        var path = Path.Combine(Directory, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no error log)";
    }

    private static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        Certificate.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
