using Microsoft.Extensions.Logging;

namespace Takedown.Core.Secrets;

/// <summary>Log messages of the secrets feature (event ids 10300-10399). Never a key, a secret or a sealed value.</summary>
internal static partial class SecretsLog
{
    [LoggerMessage(EventId = 10301, Level = LogLevel.Warning, Message = "Created a new master key {MasterKeyId} in the data directory (mode 0600). Keep a copy apart from the backups: without it no backup can be restored")]
    public static partial void MasterKeyCreated(ILogger logger, string masterKeyId);

    [LoggerMessage(EventId = 10302, Level = LogLevel.Information, Message = "Sealed {Count} signing key(s) that an older version kept in clear")]
    public static partial void SigningKeysSealed(ILogger logger, int count);

    [LoggerMessage(EventId = 10303, Level = LogLevel.Information, Message = "Resealed {Count} webhook secret(s) from the old key file under the master key")]
    public static partial void WebhookSecretsResealed(ILogger logger, int count);

    [LoggerMessage(EventId = 10304, Level = LogLevel.Information, Message = "Folded the old webhook secret key file into the database (sealed) and removed the file")]
    public static partial void LegacyKeyFileFolded(ILogger logger);

    [LoggerMessage(EventId = 10305, Level = LogLevel.Warning, Message = "The old webhook secret key file could not be removed; it is no longer needed and should be deleted")]
    public static partial void LegacyKeyFileNotRemoved(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10306, Level = LogLevel.Information, Message = "Signing key rotated: {KeyId} is current, {RetiredKeyId} retired")]
    public static partial void SigningKeyRotated(ILogger logger, string keyId, string? retiredKeyId);


}
