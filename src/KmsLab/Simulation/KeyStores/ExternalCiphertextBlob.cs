using System.Security.Cryptography;

namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The ciphertext of a KMS key in an external key store: double encryption, as KMS does it.
/// The plaintext is first encrypted as under any symmetric key (a <see cref="CiphertextBlob"/>,
/// with the KMS key's own material), then that blob's encrypted part (IV, tag, ciphertext) is
/// encrypted again by the external key manager, through the proxy. Neither key alone can read it.
/// <code>
/// offset  size
///   0      1   format version (0x02)
///   1     16   key ID
///  17     32   key material ID (the KMS key's own material)
///  49      1   the proxy's IV length (12 or 16), then the IV
///   .     16   the proxy's authentication tag
///   .      1   ciphertextMetadata length (0–20), then the metadata
///   .      n   the proxy's ciphertext (n = 28 + plaintext length)
/// </code>
/// The proxy's AAD is the SHA-256 of the header (bytes 0–48) and the canonical encryption
/// context, so a blob moved to another key, or decrypted with another context, fails at the proxy.
/// </summary>
internal sealed class ExternalCiphertextBlob
{
    public const byte FormatVersion = 2;
    private const int InnerHeaderLength = CiphertextBlob.HeaderLength;

    private ExternalCiphertextBlob(byte[] header, XksCiphertext outer)
    {
        Header = header;
        Outer = outer;
    }

    /// <summary>Version, key ID and material ID (bytes 0–48).</summary>
    public byte[] Header { get; }

    /// <summary>What the proxy returned for the inner blob's encrypted part.</summary>
    public XksCiphertext Outer { get; }

    public Guid KeyId => new(Header.AsSpan(1, CiphertextBlob.KeyIdLength), bigEndian: true);

    public ReadOnlySpan<byte> MaterialId => Header.AsSpan(1 + CiphertextBlob.KeyIdLength, KeyMaterial.IdLength);

    /// <summary>The AAD the proxy's AES-GCM binds: SHA-256 of the header and the canonical encryption context.</summary>
    public byte[] ProxyAad(byte[] canonicalContext) => ComputeProxyAad(Header, canonicalContext);

    private static byte[] ComputeProxyAad(ReadOnlySpan<byte> header, byte[] canonicalContext)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        hash.AppendData(canonicalContext);
        return hash.GetHashAndReset();
    }

    /// <summary>Reads a blob of this format; null if the bytes are not one.</summary>
    public static ExternalCiphertextBlob? TryParse(byte[] blob)
    {
        if (blob.Length < InnerHeaderLength + 1 || blob[0] != FormatVersion) return null;
        int at = InnerHeaderLength;
        int ivLength = blob[at++];
        if (ivLength is not (12 or 16) || blob.Length < at + ivLength + CiphertextBlob.TagLength + 1) return null;
        var iv = blob.AsSpan(at, ivLength).ToArray();
        at += ivLength;
        var tag = blob.AsSpan(at, CiphertextBlob.TagLength).ToArray();
        at += CiphertextBlob.TagLength;
        int metadataLength = blob[at++];
        if (metadataLength > 20 || blob.Length < at + metadataLength + CiphertextBlob.IvLength + CiphertextBlob.TagLength) return null;
        var metadata = metadataLength == 0 ? null : blob.AsSpan(at, metadataLength).ToArray();
        at += metadataLength;
        return new ExternalCiphertextBlob(blob[..InnerHeaderLength], new XksCiphertext(blob[at..], iv, tag, metadata));
    }

    /// <summary>
    /// Encrypts: the KMS key's material first (<paramref name="inner"/>, a <see cref="CiphertextBlob"/> made
    /// by the caller), then the external key (<paramref name="encryptOuter"/>, the proxy's Encrypt of the
    /// inner blob's encrypted part with <see cref="ProxyAad"/>).
    /// </summary>
    public static byte[] Wrap(byte[] inner, byte[] canonicalContext, Func<byte[], byte[], XksCiphertext> encryptOuter)
    {
        var header = inner.AsSpan(0, InnerHeaderLength).ToArray();
        header[0] = FormatVersion;
        var outer = encryptOuter(inner[InnerHeaderLength..], ComputeProxyAad(header, canonicalContext));
        var metadata = outer.CiphertextMetadata ?? [];
        var blob = new byte[InnerHeaderLength + 1 + outer.InitializationVector.Length + outer.AuthenticationTag.Length + 1 + metadata.Length + outer.Ciphertext.Length];
        var w = blob.AsSpan();
        header.CopyTo(w);
        int at = InnerHeaderLength;
        w[at++] = (byte)outer.InitializationVector.Length;
        outer.InitializationVector.CopyTo(w[at..]);
        at += outer.InitializationVector.Length;
        outer.AuthenticationTag.CopyTo(w[at..]);
        at += outer.AuthenticationTag.Length;
        w[at++] = (byte)metadata.Length;
        metadata.CopyTo(w[at..]);
        at += metadata.Length;
        outer.Ciphertext.CopyTo(w[at..]);
        return blob;
    }

    /// <summary>The inner <see cref="CiphertextBlob"/>, from what the proxy decrypted.</summary>
    public byte[] Inner(byte[] decryptedByProxy)
    {
        var inner = new byte[InnerHeaderLength + decryptedByProxy.Length];
        Header.CopyTo(inner, 0);
        inner[0] = CiphertextBlob.FormatVersion;
        decryptedByProxy.CopyTo(inner, InnerHeaderLength);
        return inner;
    }
}
