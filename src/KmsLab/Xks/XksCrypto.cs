using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Xks;

/// <summary>
/// The proxy's AES-256-GCM, as the XKS Proxy API's Encrypt and Decrypt sections define its inputs,
/// and the Ciphertext Data Integrity Value of its Appendix C.
/// </summary>
internal static class XksCrypto
{
    /// <summary>The IV length this proxy makes (the specification allows 12 or 16 bytes; .NET's AES-GCM takes 12).</summary>
    public const int IvBytes = 12;

    /// <summary>The authentication tag length: the specification requires 16 bytes.</summary>
    public const int TagBytes = 16;

    /// <summary>The longest <c>ciphertextMetadata</c>, before Base64.</summary>
    public const int MaxCiphertextMetadataBytes = 20;

    /// <summary>
    /// The <c>ciphertextMetadata</c> this proxy returns: the version of how it builds the AES-GCM AAD
    /// (with lengths, below). The specification suggests exactly this use, so that a later format
    /// could still decrypt what this one made; it is authenticated by the tag like the AAD.
    /// </summary>
    public static ReadOnlySpan<byte> CiphertextMetadataV1 => "kmslab-xks:1"u8;

    /// <summary>
    /// The AAD given to AES-GCM: <c>uint16be(len(additionalAuthenticatedData)) || additionalAuthenticatedData ||
    /// uint8(len(ciphertextMetadata)) || ciphertextMetadata</c>, lengths zero for absent fields.
    /// </summary>
    /// <remarks>
    /// XKS Encrypt: the proxy MUST append the ciphertextMetadata to the AAD, and the lengths keep
    /// "no AAD, metadata M" and "AAD M, no metadata" apart (the specification's NOTE under ciphertextMetadata).
    /// </remarks>
    public static byte[] GcmAad(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> metadata)
    {
        if (aad.Length > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(aad), "The AAD is longer than a 2-byte length can say.");
        if (metadata.Length > byte.MaxValue) throw new ArgumentOutOfRangeException(nameof(metadata), "The ciphertext metadata is longer than a 1-byte length can say.");
        var result = new byte[2 + aad.Length + 1 + metadata.Length];
        BinaryPrimitives.WriteUInt16BigEndian(result, (ushort)aad.Length);
        aad.CopyTo(result.AsSpan(2));
        result[2 + aad.Length] = (byte)metadata.Length;
        metadata.CopyTo(result.AsSpan(3 + aad.Length));
        return result;
    }

    /// <summary>
    /// The Ciphertext Data Integrity Value: SHA-256 over
    /// <c>additionalAuthenticatedData || ciphertextMetadata || initializationVector || ciphertext || authenticationTag</c>,
    /// absent fields empty and no lengths (Appendix C: it guards against bit flips, not attackers).
    /// </summary>
    public static byte[] Cdiv(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(aad);
        sha.AppendData(metadata);
        sha.AppendData(iv);
        sha.AppendData(ciphertext);
        sha.AppendData(tag);
        return sha.GetHashAndReset();
    }

    /// <summary>Encrypts under <paramref name="key"/> with a fresh random IV.</summary>
    public static (byte[] Iv, byte[] Ciphertext, byte[] Tag) Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, byte[] gcmAad, RandomNumberGenerator random)
    {
        var iv = new byte[IvBytes];
        random.GetBytes(iv);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using var gcm = new AesGcm(key, TagBytes);
        gcm.Encrypt(iv, plaintext, ciphertext, tag, gcmAad);
        return (iv, ciphertext, tag);
    }

    /// <summary>
    /// Decrypts into <paramref name="plaintext"/> (as long as the ciphertext); false, with
    /// <paramref name="plaintext"/> zeroed, if the tag does not verify. Only 12-byte IVs can be
    /// ours: any other is refused the same way.
    /// </summary>
    public static bool TryDecrypt(byte[] key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, byte[] gcmAad, Span<byte> plaintext)
    {
        if (iv.Length != IvBytes || tag.Length != TagBytes) return false;
        try
        {
            using var gcm = new AesGcm(key, TagBytes);
            gcm.Decrypt(iv, ciphertext, tag, plaintext, gcmAad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm zeroes the output on a tag failure: no unauthenticated plaintext is released.
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }
}
