using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// The simulator's symmetric ciphertext format. Like real KMS's, it is opaque to callers yet
/// self-describing, so Decrypt needs no KeyId:
/// <code>
/// offset size
///   0     1   format version (0x01)
///   1    16   key ID (the UUID's 16 bytes)
///  17    32   key material ID (which rotation of the key encrypted it)
///  49    12   AES-GCM IV (fresh for every encryption)
///  61    16   AES-GCM tag
///  77     n   ciphertext (n = plaintext length)
/// </code>
/// The header (bytes 0–48) and the canonical encryption context are authenticated as AAD, so
/// changing any byte, or the context, fails decryption.
/// </summary>
internal readonly struct CiphertextBlob
{
    public const byte FormatVersion = 1;
    public const int KeyIdLength = 16;
    public const int IvLength = 12;
    public const int TagLength = 16;
    public const int HeaderLength = 1 + KeyIdLength + KeyMaterial.IdLength;
    public const int Overhead = HeaderLength + IvLength + TagLength;

    private readonly byte[] _blob;

    private CiphertextBlob(byte[] blob) => _blob = blob;

    public Guid KeyId => new(_blob.AsSpan(1, KeyIdLength), bigEndian: true);

    public ReadOnlySpan<byte> MaterialId => _blob.AsSpan(1 + KeyIdLength, KeyMaterial.IdLength);

    /// <summary>Reads the header without decrypting; null if the bytes are not a blob of this format.</summary>
    public static CiphertextBlob? TryParse(byte[] blob)
    {
        if (blob.Length < Overhead || blob[0] != FormatVersion) return null;
        return new CiphertextBlob(blob);
    }

    public static byte[] Encrypt(Guid keyId, KeyMaterial material, ReadOnlySpan<byte> plaintext, byte[] canonicalContext, RandomNumberGenerator random)
    {
        var blob = new byte[Overhead + plaintext.Length];
        var span = blob.AsSpan();
        span[0] = FormatVersion;
        keyId.TryWriteBytes(span.Slice(1, KeyIdLength), bigEndian: true, out _);
        material.IdBytes.CopyTo(span.Slice(1 + KeyIdLength));
        var iv = span.Slice(HeaderLength, IvLength);
        random.GetBytes(iv);
        var tag = span.Slice(HeaderLength + IvLength, TagLength);
        var ciphertext = span[Overhead..];
        int aadLength = HeaderLength + canonicalContext.Length;
        Span<byte> aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : new byte[aadLength];
        material.Aes.Encrypt(iv, plaintext, ciphertext, tag, Aad(span[..HeaderLength], canonicalContext, aad));
        return blob;
    }

    /// <summary>Decrypts with the given material; null when the tag does not verify (tampering, wrong context).</summary>
    public byte[]? Decrypt(KeyMaterial material, byte[] canonicalContext)
    {
        var span = _blob.AsSpan();
        var plaintext = new byte[_blob.Length - Overhead];
        int aadLength = HeaderLength + canonicalContext.Length;
        Span<byte> aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : new byte[aadLength];
        try
        {
            material.Aes.Decrypt(span.Slice(HeaderLength, IvLength), span[Overhead..], span.Slice(HeaderLength + IvLength, TagLength), plaintext, Aad(span[..HeaderLength], canonicalContext, aad));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    // The AAD of a blob with a small encryption context is built on the stack.
    private const int MaxStackAad = 512;

    private static ReadOnlySpan<byte> Aad(ReadOnlySpan<byte> header, byte[] canonicalContext, Span<byte> aad)
    {
        header.CopyTo(aad);
        canonicalContext.CopyTo(aad[header.Length..]);
        return aad;
    }
}
