using System.CommandLine;
using Takedown.Cli.Common;
using Takedown.Core.DataRequests;

namespace Takedown.Cli.DataRequests;

/// <summary>
/// `verify-production`: trusts no key by default. The signing key is pinned with --key (a key file, or the
/// service's /.well-known/takedown-signing-key URL, which lists retired keys too) or --fingerprint; without
/// a pin the files are still checked, but the command fails with "signature key not pinned".
/// </summary>
internal static class VerifyProductionCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("archive-or-dir") { Description = "The production archive (.zip) or the folder it was unpacked into" };
        var key = new Option<string>("--key") { Description = "The signing keys to trust: a file (the saved /.well-known/takedown-signing-key answer, one key as JSON, or a base64 key) or the well-known URL itself" };
        var fingerprint = new Option<string>("--fingerprint") { Description = "The SHA-256 fingerprint (hex) of the signing public key to trust, as published by the service" };
        var publicKey = new Option<string>("--public-key") { Description = "One Ed25519 public key to trust (base64)" };
        var command = new Command("verify-production", "Check a production offline: the manifest signature against a pinned key, and every file's SHA-256 and size.") { path, key, fingerprint, publicKey };
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target)) return CliOutput.Error($"{target}: no such file or folder", ExitCodes.Invalid);
            var pins = new[] { parse.GetValue(key), parse.GetValue(fingerprint), parse.GetValue(publicKey) }.Count(v => v is not null);
            if (pins > 1) return CliOutput.Error("give one of --key, --fingerprint or --public-key, not several: each pins the signing key on its own", ExitCodes.Invalid);
            TrustedKeys trust;
            try
            {
                trust = parse.GetValue(key) is { } k ? await ReadKeysAsync(k, ct)
                    : parse.GetValue(fingerprint) is { } f ? TrustedKeys.ForFingerprint(f)
                    : parse.GetValue(publicKey) is { } p ? TrustedKeys.Parse(p)
                    : TrustedKeys.None;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or System.Text.Json.JsonException or InvalidOperationException or UnauthorizedAccessException or TaskCanceledException)
            {
                return CliOutput.Error($"--key: the keys could not be read ({ex.Message})", ExitCodes.Invalid);
            }
            ProductionCheck check;
            try { check = ProductionVerifier.Verify(target, trust); }
            catch (InvalidDataException ex) { return CliOutput.Error($"{target}: not a readable zip archive ({ex.Message})", ExitCodes.Invalid); }
            if (!check.Ok)
            {
                foreach (var problem in check.Problems) Console.Error.WriteLine($"error: {problem}");
                return ExitCodes.Failure;
            }
            if (!check.Pinned)
            {
                Console.Out.WriteLine($"integrity ok: all {check.Files} file(s) match the manifest, signed by the key shipped in the production (fingerprint {check.Fingerprint})");
                return CliOutput.Error("signature key not pinned: pass --key with the service's key file or https://…/.well-known/takedown-signing-key, or --fingerprint; " +
                                       "the key shipped in a production proves nothing about who signed it", ExitCodes.NotPinned);
            }
            Console.Out.WriteLine($"ok: signature verifies with the pinned key {check.KeyId ?? ""} (fingerprint {check.Fingerprint}) and all {check.Files} file(s) match the manifest");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<TrustedKeys> ReadKeysAsync(string source, CancellationToken ct)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            return TrustedKeys.Parse(await http.GetStringAsync(uri, ct));
        }
        return TrustedKeys.Parse(await File.ReadAllTextAsync(source, ct));
    }
}
