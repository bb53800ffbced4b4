namespace Takedown.Core.Secrets;

/// <summary>
/// Where the master key comes from, first match wins: <see cref="MasterKey"/> (base64; env TAKEDOWN_MASTER_KEY),
/// <see cref="MasterKeyFile"/> (a mounted file holding the base64 key), else master.key in the data
/// directory, created with mode 0600 on first start. Several nodes must all be given the same key.
/// </summary>
public sealed class SecretsOptions
{
    public const string DefaultFileName = "master.key";

    /// <summary>The key itself, base64 of 32 bytes (env TAKEDOWN_MASTER_KEY or TAKEDOWN_Secrets__MasterKey).</summary>
    public string? MasterKey { get; set; }

    /// <summary>A file holding the key (base64); it must exist. Empty: the key is read from, or made in, the data directory.</summary>
    public string? MasterKeyFile { get; set; }
}

/// <summary>Start-up cannot go on: the master key is missing, malformed, or not the one the database was sealed with.</summary>
public sealed class MasterKeyException(string message) : Exception(message);
