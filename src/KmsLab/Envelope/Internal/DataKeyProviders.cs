namespace KmsLab.Envelope.Internal;

/// <summary>A fresh data key and its encryptions, one per wrapping key (the "keyring" of the spec, encrypt side).</summary>
internal sealed record GeneratedDataKey(byte[] DataKey, IReadOnlyList<EncryptedDataKey> EncryptedDataKeys, int KmsCalls);

/// <summary>A data key recovered from one of a message's encrypted data keys.</summary>
internal sealed record RecoveredDataKey(byte[] DataKey, string? KeyArn, int KmsCalls);

/// <summary>Generates a data key and wraps it under every configured key (keyring OnEncrypt).</summary>
internal interface IDataKeyGenerator
{
    /// <summary>Identifies the wrapping configuration, so that cached materials are reused only by it.</summary>
    string CacheIdentity { get; }

    Task<GeneratedDataKey> GenerateAsync(AlgorithmSuite suite, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct);
}

/// <summary>
/// Recovers the data key from one of a message's encrypted data keys (keyring OnDecrypt). KMS does
/// this in production; tests plug in other implementations to decrypt vectors whose data key is
/// wrapped otherwise.
/// </summary>
internal interface IDataKeyDecryptor
{
    /// <inheritdoc cref="IDataKeyGenerator.CacheIdentity"/>
    string CacheIdentity { get; }

    Task<RecoveredDataKey> DecryptAsync(AlgorithmSuite suite, IReadOnlyList<EncryptedDataKey> encryptedDataKeys,
        IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct);
}
