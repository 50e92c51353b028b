namespace KmsLab.Simulation;

/// <summary>
/// The DER frame that wraps the encrypted part of a KMS ciphertext blob: a CMS <c>ContentInfo</c> holding
/// <c>EncryptedData</c> (RFC 5652) with <c>aes256-GCM</c> (RFC 5084), a 12-byte nonce and a 16-byte ICV.
/// Real KMS's blobs carry exactly this structure (<c>openssl asn1parse</c> shows it); only the lengths, the
/// nonce and the encrypted content vary, so the frame is written and read as a template rather than through
/// a general ASN.1 library, which would allocate on every request.
/// <code>
/// SEQUENCE {                               ContentInfo
///   OID 1.2.840.113549.1.7.6               encryptedData
///   [0] EXPLICIT SEQUENCE {                EncryptedData
///     INTEGER 0                            version
///     SEQUENCE {                           EncryptedContentInfo
///       OID 1.2.840.113549.1.7.1           data
///       SEQUENCE { OID 2.16.840.1.101.3.4.1.46, SEQUENCE { OCTET STRING nonce, INTEGER 16 } }
///       [0] IMPLICIT OCTET STRING          the encrypted content (ciphertext, then the tag)
/// }}}
/// </code>
/// </summary>
internal static class CmsEncryptedData
{
    public const int NonceLength = 12;
    public const int IcvLength = 16;

    private static ReadOnlySpan<byte> EncryptedDataOid => [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x06];
    private static ReadOnlySpan<byte> Version => [0x02, 0x01, 0x00];
    private static ReadOnlySpan<byte> DataOid => [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];

    // AlgorithmIdentifier { aes256-GCM, GCMParameters { nonce (12 bytes, written in place), ICV length 16 } }.
    private static ReadOnlySpan<byte> AlgorithmBeforeNonce => [0x30, 0x1E, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2E, 0x30, 0x11, 0x04, NonceLength];
    private static ReadOnlySpan<byte> AlgorithmAfterNonce => [0x02, 0x01, IcvLength];
    private static int AlgorithmLength => AlgorithmBeforeNonce.Length + NonceLength + AlgorithmAfterNonce.Length;

    /// <summary>Where the variable parts of a frame are, from its first byte.</summary>
    public readonly record struct Layout(int Length, int NonceOffset, int ContentOffset, int ContentLength);

    /// <summary>The frame's length and offsets for <paramref name="contentLength"/> bytes of encrypted content.</summary>
    public static Layout For(int contentLength) => new Bodies(contentLength).Layout;

    /// <summary>Writes the frame into <paramref name="destination"/> (exactly <see cref="Layout.Length"/> bytes); the nonce and the content are left to the caller.</summary>
    public static Layout Write(Span<byte> destination, int contentLength)
    {
        var bodies = new Bodies(contentLength);
        var layout = bodies.Layout;
        if (destination.Length != layout.Length) throw new ArgumentException("The destination is not the frame's length.", nameof(destination));
        int at = Header(destination, 0x30, bodies.ContentInfo);
        at += Copy(EncryptedDataOid, destination[at..]);
        at += Header(destination[at..], 0xA0, bodies.Explicit);
        at += Header(destination[at..], 0x30, bodies.EncryptedData);
        at += Copy(Version, destination[at..]);
        at += Header(destination[at..], 0x30, bodies.Info);
        at += Copy(DataOid, destination[at..]);
        at += Copy(AlgorithmBeforeNonce, destination[at..]);
        at += NonceLength;
        at += Copy(AlgorithmAfterNonce, destination[at..]);
        at += Header(destination[at..], 0x80, contentLength);
        return at == layout.ContentOffset ? layout : throw new InvalidOperationException("The CMS frame's offsets disagree with its lengths.");
    }

    /// <summary>Reads a frame that fills <paramref name="der"/> exactly, in DER; null if it is not one.</summary>
    public static Layout? TryRead(ReadOnlySpan<byte> der)
    {
        int at = 0;
        if (!Enclosing(der, ref at, 0x30) || !Fixed(der, ref at, EncryptedDataOid)) return null;
        if (!Enclosing(der, ref at, 0xA0) || !Enclosing(der, ref at, 0x30) || !Fixed(der, ref at, Version)) return null;
        if (!Enclosing(der, ref at, 0x30) || !Fixed(der, ref at, DataOid) || !Fixed(der, ref at, AlgorithmBeforeNonce)) return null;
        int nonce = at;
        at += NonceLength;
        if (at > der.Length || !Fixed(der, ref at, AlgorithmAfterNonce) || !Enclosing(der, ref at, 0x80)) return null;
        int contentLength = der.Length - at;
        return contentLength < IcvLength ? null : new Layout(der.Length, nonce, at, contentLength);
    }

    // Each element's body length, innermost first: the encrypted content, EncryptedContentInfo,
    // EncryptedData, the [0] EXPLICIT wrapper and ContentInfo.
    private readonly struct Bodies
    {
        public Bodies(int content)
        {
            Content = content;
            Info = DataOid.Length + AlgorithmLength + Tlv(content);
            EncryptedData = Version.Length + Tlv(Info);
            Explicit = Tlv(EncryptedData);
            ContentInfo = EncryptedDataOid.Length + Tlv(Explicit);
        }

        public int Content { get; }
        public int Info { get; }
        public int EncryptedData { get; }
        public int Explicit { get; }
        public int ContentInfo { get; }

        public Layout Layout
        {
            get
            {
                int nonce = HeaderLength(ContentInfo) + EncryptedDataOid.Length + HeaderLength(Explicit) + HeaderLength(EncryptedData)
                    + Version.Length + HeaderLength(Info) + DataOid.Length + AlgorithmBeforeNonce.Length;
                int content = nonce + NonceLength + AlgorithmAfterNonce.Length + HeaderLength(Content);
                return new Layout(Tlv(ContentInfo), nonce, content, Content);
            }
        }
    }

    private static int Copy(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    private static bool Fixed(ReadOnlySpan<byte> der, ref int at, ReadOnlySpan<byte> expected)
    {
        if (at + expected.Length > der.Length || !der.Slice(at, expected.Length).SequenceEqual(expected)) return false;
        at += expected.Length;
        return true;
    }

    // A constructed element (or the content) whose body runs to the end of the frame, as every element here does.
    private static bool Enclosing(ReadOnlySpan<byte> der, ref int at, byte tag)
    {
        if (at + 2 > der.Length || der[at] != tag) return false;
        int first = der[at + 1];
        int length;
        int header;
        if (first < 0x80)
        {
            length = first;
            header = 2;
        }
        else
        {
            int bytes = first & 0x7F;
            if (bytes is < 1 or > 3 || at + 2 + bytes > der.Length || der[at + 2] == 0) return false;
            length = 0;
            for (int i = 0; i < bytes; i++) length = (length << 8) | der[at + 2 + i];
            if (HeaderLength(length) != 2 + bytes) return false; // DER takes the shortest form
            header = 2 + bytes;
        }
        if (at + header + length != der.Length) return false;
        at += header;
        return true;
    }

    private static int Tlv(int length) => HeaderLength(length) + length;

    private static int HeaderLength(int length) => 1 + (length < 0x80 ? 1 : length <= 0xFF ? 2 : length <= 0xFFFF ? 3 : 4);

    private static int Header(Span<byte> destination, byte tag, int length)
    {
        destination[0] = tag;
        if (length < 0x80)
        {
            destination[1] = (byte)length;
            return 2;
        }
        int bytes = HeaderLength(length) - 2;
        destination[1] = (byte)(0x80 | bytes);
        for (int i = 0; i < bytes; i++) destination[2 + i] = (byte)(length >> (8 * (bytes - 1 - i)));
        return 2 + bytes;
    }
}
