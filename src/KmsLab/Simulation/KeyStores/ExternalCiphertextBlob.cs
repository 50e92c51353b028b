using System.Security.Cryptography;

namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The ciphertext of a KMS key in an external key store: double encryption, as KMS does it.
/// The plaintext is first encrypted as under any symmetric key (a <see cref="CiphertextBlob"/>,
/// with the KMS key's own material), then that blob's encrypted part (its CMS frame) is
/// encrypted again by the external key manager, through the proxy. Neither key alone can read it.
/// <code>
/// offset  size
///   0     58   the inner blob's header, with 0x02 in byte 0 (so material ID at 5, key ID at 38)
///  58      1   the proxy's IV length (12 or 16), then the IV
///   .     16   the proxy's authentication tag
///   .      1   ciphertextMetadata length (0–20), then the metadata
///   .      n   the proxy's ciphertext of the inner blob's CMS frame
/// </code>
/// The proxy's AAD is the SHA-256 of the header and the canonical encryption context, so a blob
/// moved to another key, or decrypted with another context, fails at the proxy. Blobs made before
/// the inner blob took real KMS's layout carry the first layout's 49-byte header (version, key ID,
/// material ID) and still decrypt.
/// </summary>
internal sealed class ExternalCiphertextBlob
{
    public const byte FormatVersion = 2;

    private ExternalCiphertextBlob(byte[] header, XksCiphertext outer, bool firstLayout)
    {
        Header = header;
        Outer = outer;
        _firstLayout = firstLayout;
    }

    private readonly bool _firstLayout;

    /// <summary>The inner blob's header, with this format's version in byte 0.</summary>
    public byte[] Header { get; }

    /// <summary>What the proxy returned for the inner blob's encrypted part.</summary>
    public XksCiphertext Outer { get; }

    public Guid KeyId => new(Header.AsSpan(_firstLayout ? CiphertextBlob.FirstLayout.KeyIdOffset : CiphertextBlob.KeyIdOffset, CiphertextBlob.KeyIdLength), bigEndian: true);

    public ReadOnlySpan<byte> MaterialId => Header.AsSpan(_firstLayout ? CiphertextBlob.FirstLayout.MaterialIdOffset : CiphertextBlob.MaterialIdOffset, KeyMaterial.IdLength);

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
        if (blob.Length < CiphertextBlob.FirstLayout.HeaderLength + 1 || blob[0] != FormatVersion) return null;
        bool firstLayout = !CiphertextBlob.HasHeaderFields(blob, FormatVersion);
        int headerLength = firstLayout ? CiphertextBlob.FirstLayout.HeaderLength : CiphertextBlob.HeaderLength;
        int at = headerLength;
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
        return new ExternalCiphertextBlob(blob[..headerLength], new XksCiphertext(blob[at..], iv, tag, metadata), firstLayout);
    }

    /// <summary>
    /// Encrypts: the KMS key's material first (<paramref name="inner"/>, a <see cref="CiphertextBlob"/> made
    /// by the caller), then the external key (<paramref name="encryptOuter"/>, the proxy's Encrypt of the
    /// inner blob's encrypted part with <see cref="ProxyAad"/>).
    /// </summary>
    public static byte[] Wrap(byte[] inner, byte[] canonicalContext, Func<byte[], byte[], XksCiphertext> encryptOuter)
    {
        var header = inner.AsSpan(0, CiphertextBlob.HeaderLength).ToArray();
        header[0] = FormatVersion;
        var outer = encryptOuter(inner[CiphertextBlob.HeaderLength..], ComputeProxyAad(header, canonicalContext));
        var metadata = outer.CiphertextMetadata ?? [];
        var blob = new byte[CiphertextBlob.HeaderLength + 1 + outer.InitializationVector.Length + outer.AuthenticationTag.Length + 1 + metadata.Length + outer.Ciphertext.Length];
        var w = blob.AsSpan();
        header.CopyTo(w);
        int at = CiphertextBlob.HeaderLength;
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
        var inner = new byte[Header.Length + decryptedByProxy.Length];
        Header.CopyTo(inner, 0);
        inner[0] = CiphertextBlob.FirstByte;
        decryptedByProxy.CopyTo(inner, Header.Length);
        return inner;
    }
}
