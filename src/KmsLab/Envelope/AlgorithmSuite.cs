namespace KmsLab.Envelope;

/// <summary>
/// The AWS Encryption SDK algorithm suites this library writes and reads. Both use message format
/// version 2 and commit to the data key, so a message decrypts under exactly one data key.
/// </summary>
/// <remarks>The numeric value is the suite ID written in the message header.</remarks>
public enum AlgorithmSuite : ushort
{
    /// <summary>
    /// <c>0x0478</c> (ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY): AES-256-GCM, HKDF-SHA512 key
    /// derivation and key commitment, no signature. Anyone who can decrypt could also have
    /// written the message.
    /// </summary>
    AesGcm256HkdfSha512CommitKey = 0x0478,

    /// <summary>
    /// <c>0x0578</c> (ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384): the same plus an
    /// ECDSA P-384 signature over the whole message, so that those who can decrypt cannot forge
    /// a message. The official SDKs' default, and this library's.
    /// </summary>
    AesGcm256HkdfSha512CommitKeyEcdsaP384 = 0x0578,
}
