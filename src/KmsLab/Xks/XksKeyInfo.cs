namespace KmsLab.Xks;

/// <summary>What may be known about an external key outside the key manager: never its key material.</summary>
/// <param name="KeyId">The external key ID (<c>XksKeyId</c> in KMS's CreateKey).</param>
/// <param name="Status">Enabled or disabled in the key manager.</param>
/// <param name="CreationDate">When the key was created in the key manager.</param>
/// <param name="Fingerprint">The first 8 bytes of the SHA-256 of the key material, in hex: tells two keys apart without revealing either.</param>
public sealed record XksKeyInfo(string KeyId, XksKeyStatus Status, DateTimeOffset CreationDate, string Fingerprint)
{
    /// <summary>The key spec GetKeyMetadata reports: XKS Proxy API v1 keys are 256-bit AES keys.</summary>
    public const string KeySpec = "AES_256";

    /// <summary>The operations the key supports, as GetKeyMetadata reports them.</summary>
    public static IReadOnlyList<string> KeyUsage { get; } = ["ENCRYPT", "DECRYPT"];
}
