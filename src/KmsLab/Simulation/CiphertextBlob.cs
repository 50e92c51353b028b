using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Simulation;

/// <summary>
/// The simulator's symmetric ciphertext: real KMS's layout, byte for byte in size. Real blobs are
/// undocumented but not secret in shape; the AWS CLI's documented examples and blobs published by their
/// users show it (in base64 every current one starts <c>AQIDAH</c> or <c>AQICAH</c>):
/// <code>
/// offset size
///   0     5   01 02 03 00 78: the format (real KMS writes 02 or 03 in byte 2; older blobs have 01 in byte 1 and no bytes 37–53)
///   5    32   real KMS: the ID of the backing key (HBK) that encrypted it. Here: the key material ID
///  37     1   0x01
///  38    16   real KMS: undocumented. Here: the key ID (the UUID's 16 bytes)
///  54     4   the length of the CMS frame that follows, big-endian
///  58     n   a CMS EncryptedData frame (<see cref="CmsEncryptedData"/>): AES-256-GCM, its 12-byte IV, and
///             11 + plaintext bytes of ciphertext followed by the 16-byte tag
/// </code>
/// Real KMS encrypts 11 bytes more than the plaintext, whatever its length (a 32-byte data key gives 59
/// bytes of content, a 1793-byte private key 1820); what they hold is not documented, so the simulator
/// encrypts 11 zero bytes there and its blobs are as long as AWS's. The header (bytes 0–57) and the
/// canonical encryption context are authenticated as AAD, so changing any byte, or the context, fails
/// decryption.
/// <para>
/// Blobs of the simulator's first layout (version 0x01, then key ID, material ID, IV, tag and ciphertext:
/// 77 bytes of overhead) still decrypt, so nothing encrypted with an earlier KmsLab is lost.
/// </para>
/// </summary>
internal readonly struct CiphertextBlob
{
    public const int KeyIdLength = 16;
    public const int IvLength = CmsEncryptedData.NonceLength;
    public const int TagLength = CmsEncryptedData.IcvLength;

    /// <summary>The bytes real KMS encrypts beyond the plaintext.</summary>
    public const int InnerPrefixLength = 11;

    public const int MaterialIdOffset = 5;
    public const int KeyIdOffset = MaterialIdOffset + KeyMaterial.IdLength + 1;
    private const int FrameLengthOffset = KeyIdOffset + KeyIdLength;

    /// <summary>The cleartext header: format, material ID, key ID and the frame's length.</summary>
    public const int HeaderLength = FrameLengthOffset + 4;

    /// <summary>The first byte of every blob of either layout.</summary>
    public const byte FirstByte = 0x01;

    private static ReadOnlySpan<byte> Format => [FirstByte, 0x02, 0x03, 0x00, 0x78];
    private const byte KeyIdMarker = 0x01;

    private readonly byte[] _blob;
    private readonly CmsEncryptedData.Layout _frame;
    private readonly bool _firstLayout;

    private CiphertextBlob(byte[] blob, CmsEncryptedData.Layout frame, bool firstLayout)
    {
        _blob = blob;
        _frame = frame;
        _firstLayout = firstLayout;
    }

    public Guid KeyId => new(_blob.AsSpan(_firstLayout ? FirstLayout.KeyIdOffset : KeyIdOffset, KeyIdLength), bigEndian: true);

    public ReadOnlySpan<byte> MaterialId => _blob.AsSpan(_firstLayout ? FirstLayout.MaterialIdOffset : MaterialIdOffset, KeyMaterial.IdLength);

    /// <summary>The size of the blob for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    public static int LengthFor(int plaintextLength) => HeaderLength + CmsEncryptedData.For(InnerPrefixLength + plaintextLength + TagLength).Length;

    /// <summary>
    /// True if <paramref name="blob"/> starts with the layout's header fields (real KMS's blobs do too); it need
    /// not be one the simulator made. An external key store's blob carries the same header with its own first byte.
    /// </summary>
    public static bool HasHeaderFields(ReadOnlySpan<byte> blob, byte firstByte = FirstByte) =>
        blob.Length > HeaderLength && blob[0] == firstByte && blob[1] == Format[1] && blob[2] is 0x02 or 0x03
        && blob.Slice(3, 2).SequenceEqual(Format[3..]) && blob[KeyIdOffset - 1] == KeyIdMarker;

    /// <summary>True if <paramref name="blob"/> has the layout's header and its frame length is the rest of the blob.</summary>
    public static bool HasHeader(ReadOnlySpan<byte> blob) =>
        HasHeaderFields(blob) && BinaryPrimitives.ReadUInt32BigEndian(blob.Slice(FrameLengthOffset, 4)) == (uint)(blob.Length - HeaderLength);

    /// <summary>Where the frame's nonce and content sit in a blob with this header; null if the frame is not one.</summary>
    public static CmsEncryptedData.Layout? Frame(ReadOnlySpan<byte> blob) =>
        HasHeader(blob) && CmsEncryptedData.TryRead(blob[HeaderLength..]) is { } frame && frame.ContentLength >= InnerPrefixLength + TagLength ? frame : null;

    /// <summary>Reads the header without decrypting; null if the bytes are not a blob of either layout.</summary>
    public static CiphertextBlob? TryParse(byte[] blob)
    {
        if (Frame(blob) is { } frame) return new CiphertextBlob(blob, frame, firstLayout: false);
        return FirstLayout.Matches(blob) ? new CiphertextBlob(blob, default, firstLayout: true) : null;
    }

    public static byte[] Encrypt(Guid keyId, KeyMaterial material, ReadOnlySpan<byte> plaintext, byte[] canonicalContext, RandomNumberGenerator random)
    {
        int contentLength = InnerPrefixLength + plaintext.Length + TagLength;
        var frameLayout = CmsEncryptedData.For(contentLength);
        var blob = new byte[HeaderLength + frameLayout.Length];
        var span = blob.AsSpan();
        Format.CopyTo(span);
        material.IdBytes.CopyTo(span[MaterialIdOffset..]);
        span[KeyIdOffset - 1] = KeyIdMarker;
        keyId.TryWriteBytes(span.Slice(KeyIdOffset, KeyIdLength), bigEndian: true, out _);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(FrameLengthOffset, 4), (uint)frameLayout.Length);
        var frame = span[HeaderLength..];
        CmsEncryptedData.Write(frame, contentLength);
        var iv = frame.Slice(frameLayout.NonceOffset, IvLength);
        random.GetBytes(iv);
        var content = frame.Slice(frameLayout.ContentOffset, contentLength);
        int sealedLength = InnerPrefixLength + plaintext.Length;
        // The inner prefix stays zero: the plaintext follows it, encrypted in place.
        plaintext.CopyTo(content[InnerPrefixLength..]);
        var sealedPart = content[..sealedLength];
        int aadLength = HeaderLength + canonicalContext.Length;
        Span<byte> aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : new byte[aadLength];
        material.Aes.Encrypt(iv, sealedPart, sealedPart, content[sealedLength..], Aad(span[..HeaderLength], canonicalContext, aad));
        return blob;
    }

    /// <summary>Decrypts with the given material; null when the tag does not verify (tampering, wrong context).</summary>
    public byte[]? Decrypt(KeyMaterial material, byte[] canonicalContext)
    {
        if (_firstLayout) return FirstLayout.Decrypt(_blob, material, canonicalContext);
        var span = _blob.AsSpan();
        var frame = span[HeaderLength..];
        var content = frame.Slice(_frame.ContentOffset, _frame.ContentLength);
        int sealedLength = content.Length - TagLength;
        var opened = new byte[sealedLength];
        int aadLength = HeaderLength + canonicalContext.Length;
        Span<byte> aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : new byte[aadLength];
        try
        {
            material.Aes.Decrypt(frame.Slice(_frame.NonceOffset, IvLength), content[..sealedLength], content[sealedLength..], opened, Aad(span[..HeaderLength], canonicalContext, aad));
            return opened[InnerPrefixLength..];
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

    /// <summary>The simulator's first layout, read only: version 0x01, key ID, material ID, IV, tag, ciphertext.</summary>
    internal static class FirstLayout
    {
        public const int KeyIdOffset = 1;
        public const int MaterialIdOffset = KeyIdOffset + KeyIdLength;
        public const int HeaderLength = MaterialIdOffset + KeyMaterial.IdLength;
        public const int Overhead = HeaderLength + IvLength + TagLength;

        public static bool Matches(byte[] blob) => blob.Length >= Overhead && blob[0] == FirstByte;

        public static byte[]? Decrypt(byte[] blob, KeyMaterial material, byte[] canonicalContext)
        {
            var span = blob.AsSpan();
            var plaintext = new byte[blob.Length - Overhead];
            var aad = new byte[HeaderLength + canonicalContext.Length];
            span[..HeaderLength].CopyTo(aad);
            canonicalContext.CopyTo(aad, HeaderLength);
            try
            {
                material.Aes.Decrypt(span.Slice(HeaderLength, IvLength), span[Overhead..], span.Slice(HeaderLength + IvLength, TagLength), plaintext, aad);
                return plaintext;
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }
        }
    }
}
