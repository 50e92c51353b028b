using System.Buffers.Binary;
using System.Text;

namespace KmsLab.Envelope.Internal;

/// <summary>Constants of the AWS Encryption SDK message format, version 2 (data-format/*.md).</summary>
internal static class MessageFormat
{
    public const byte Version2 = 0x02;
    public const byte ContentTypeNonFramed = 0x01;
    public const byte ContentTypeFramed = 0x02;
    public const int MessageIdLength = 32;
    public const int IvLength = 12;
    public const int TagLength = 16;
    public const int DataKeyLength = 32;        // key derivation input length, 256 bits
    public const int EncryptionKeyLength = 32;  // AES-256
    public const int CommitKeyLength = 32;      // algorithm suite data length
    public const uint FinalFrameMarker = 0xFFFF_FFFF;
    public const long MaxFrameCount = uint.MaxValue; // message-body.md: at most 2^32 - 1 frames
    public const int DefaultFrameLength = 4096;

    /// <summary>Largest frame length this implementation handles (a frame is held in memory whole).</summary>
    public const int MaxSupportedFrameLength = 1 << 30;

    public const string AwsKmsProviderId = "aws-kms";
    public const string PublicKeyContextKey = "aws-crypto-public-key";
    public const string ReservedContextPrefix = "aws-crypto-";

    public static readonly byte[] FrameAadLabel = Encoding.ASCII.GetBytes("AWSKMSEncryptionClient Frame");
    public static readonly byte[] FinalFrameAadLabel = Encoding.ASCII.GetBytes("AWSKMSEncryptionClient Final Frame");

    /// <summary>Strict UTF-8: invalid sequences are errors, never silently replaced.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsSupportedSuite(ushort id) =>
        id is (ushort)AlgorithmSuite.AesGcm256HkdfSha512CommitKey or (ushort)AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384;

    public static bool IsSigned(AlgorithmSuite suite) => suite == AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384;

    /// <summary>The frame IV: the sequence number, big-endian, left-padded with zeros to 12 bytes (encrypt.md).</summary>
    public static void WriteFrameIv(Span<byte> iv, uint sequenceNumber)
    {
        iv[..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv[8..], sequenceNumber);
    }

    /// <summary>
    /// A reusable message-body AAD (message-body-aad.md): message ID, label, sequence number (u32),
    /// content length (u64). Only the last two change from frame to frame.
    /// </summary>
    public static byte[] NewBodyAad(ReadOnlySpan<byte> messageId, bool final)
    {
        byte[] label = final ? FinalFrameAadLabel : FrameAadLabel;
        var aad = new byte[messageId.Length + label.Length + 4 + 8];
        messageId.CopyTo(aad);
        label.CopyTo(aad.AsSpan(messageId.Length));
        return aad;
    }

    public static void SetBodyAad(byte[] aad, uint sequenceNumber, long contentLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(aad.Length - 12), sequenceNumber);
        BinaryPrimitives.WriteUInt64BigEndian(aad.AsSpan(aad.Length - 8), (ulong)contentLength);
    }
}
