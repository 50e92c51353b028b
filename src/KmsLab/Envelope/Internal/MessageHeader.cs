using System.Buffers.Binary;

namespace KmsLab.Envelope.Internal;

/// <summary>A version 2 message header, parsed or about to be written (data-format/message-header.md).</summary>
internal sealed class MessageHeader
{
    public required AlgorithmSuite Suite { get; init; }
    public required byte[] MessageId { get; init; }
    /// <summary>The full encryption context, including <c>aws-crypto-public-key</c> for signed suites.</summary>
    public required IReadOnlyDictionary<string, string> EncryptionContext { get; init; }
    public required IReadOnlyList<EncryptedDataKey> EncryptedDataKeys { get; init; }
    public required int FrameLength { get; init; }
    public required byte[] CommitKey { get; init; }

    /// <summary>Serializes the header body, the AAD of the header authentication tag.</summary>
    public byte[] SerializeBody()
    {
        byte[] context = EncryptionContextCodec.Serialize(EncryptionContext);
        var edks = new List<(byte[] Id, byte[] Info, byte[] Ct)>(EncryptedDataKeys.Count);
        int length = 1 + 2 + MessageFormat.MessageIdLength + 2 + context.Length + 2;
        foreach (var edk in EncryptedDataKeys)
        {
            var id = MessageFormat.StrictUtf8.GetBytes(edk.ProviderId);
            foreach (var field in (ReadOnlySpan<byte[]>)[id, edk.ProviderInfo, edk.Ciphertext])
            {
                if (field.Length > ushort.MaxValue)
                    throw new EnvelopeException($"An encrypted data key field is {field.Length} bytes; the message format allows at most {ushort.MaxValue}.");
            }
            edks.Add((id, edk.ProviderInfo, edk.Ciphertext));
            length += 6 + id.Length + edk.ProviderInfo.Length + edk.Ciphertext.Length;
        }
        if (edks.Count is 0 or > ushort.MaxValue)
            throw new EnvelopeException($"A message needs 1 to {ushort.MaxValue} encrypted data keys, not {edks.Count}.");
        length += 1 + 4 + MessageFormat.CommitKeyLength;

        var body = new byte[length];
        var s = body.AsSpan();
        int pos = 0;
        s[pos++] = MessageFormat.Version2;
        BinaryPrimitives.WriteUInt16BigEndian(s[pos..], (ushort)Suite); pos += 2;
        MessageId.CopyTo(s[pos..]); pos += MessageFormat.MessageIdLength;
        BinaryPrimitives.WriteUInt16BigEndian(s[pos..], (ushort)context.Length); pos += 2;
        context.CopyTo(s[pos..]); pos += context.Length;
        BinaryPrimitives.WriteUInt16BigEndian(s[pos..], (ushort)edks.Count); pos += 2;
        foreach (var (id, info, ct) in edks)
        {
            foreach (var field in (ReadOnlySpan<byte[]>)[id, info, ct])
            {
                BinaryPrimitives.WriteUInt16BigEndian(s[pos..], (ushort)field.Length); pos += 2;
                field.CopyTo(s[pos..]); pos += field.Length;
            }
        }
        s[pos++] = MessageFormat.ContentTypeFramed;
        BinaryPrimitives.WriteUInt32BigEndian(s[pos..], (uint)FrameLength); pos += 4;
        CommitKey.CopyTo(s[pos..]); pos += MessageFormat.CommitKeyLength;
        if (pos != length) throw new InvalidOperationException("Header length miscalculated.");
        return body;
    }
}
