using System.Buffers;
using System.Buffers.Binary;

namespace KmsLab.Envelope.Internal;

/// <summary>
/// Parses a version 2 header strictly, validating each field as soon as it is read (like the
/// Python SDK's <c>_verified_*</c> helpers), so that a bad message is refused before it costs a
/// KMS call or much memory.
/// </summary>
internal static class HeaderParser
{
    internal sealed record Parsed(MessageHeader Header, byte[] Body, byte[] AuthTag);

    public static async Task<Parsed> ParseAsync(MessageReader reader, int? maxEncryptedDataKeys, int maxFrameLength, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(1024);

        async ValueTask<byte[]> Take(int count, string field)
        {
            if (!await reader.FillAsync(count, ct).ConfigureAwait(false))
            {
                if (reader.Position == 0 && reader.Available == 0)
                    throw new EnvelopeFormatException("The input is empty: it is not an encrypted message.");
                throw new EnvelopeFormatException($"The message is truncated: it ends inside the header ({field}).");
            }
            var bytes = reader.Span(count).ToArray();
            reader.Advance(count);
            body.Write(bytes);
            return bytes;
        }
        async ValueTask<int> U16(string field) => BinaryPrimitives.ReadUInt16BigEndian(await Take(2, field).ConfigureAwait(false));

        // Version and suite, read together so that a base64-encoded message can be recognised.
        if (await reader.FillAsync(4, ct).ConfigureAwait(false))
        {
            var first = reader.Span(4);
            // decrypt.md: SHOULD detect the base64 encoding of a message (v1 "AY", v2 "AgR4"/"AgV4").
            if (first.SequenceEqual("AgR4"u8) || first.SequenceEqual("AgV4"u8) || first[..2].SequenceEqual("AY"u8))
                throw new EnvelopeFormatException("The input looks like a base64-encoded message; decode it to binary before decrypting.");
        }
        byte version = (await Take(1, "version").ConfigureAwait(false))[0];
        if (version == 0x01)
            throw new EnvelopeFormatException("Unsupported message format version 1 (0x01): only version 2 messages with key-committing algorithm suites are accepted.");
        if (version != MessageFormat.Version2)
            throw new EnvelopeFormatException($"Not an AWS Encryption SDK message: unknown message format version 0x{version:X2}.");
        ushort suiteId = (ushort)await U16("algorithm suite ID").ConfigureAwait(false);
        if (!MessageFormat.IsSupportedSuite(suiteId))
            throw new EnvelopeFormatException($"Unsupported algorithm suite 0x{suiteId:X4}: only 0x0478 and 0x0578 are accepted in version 2 messages.");
        var suite = (AlgorithmSuite)suiteId;

        byte[] messageId = await Take(MessageFormat.MessageIdLength, "message ID").ConfigureAwait(false);

        int contextLength = await U16("encryption context length").ConfigureAwait(false);
        IReadOnlyDictionary<string, string> context = contextLength == 0
            ? new SortedDictionary<string, string>(StringComparer.Ordinal)
            : EncryptionContextCodec.Parse(await Take(contextLength, "encryption context").ConfigureAwait(false));

        int edkCount = await U16("encrypted data key count").ConfigureAwait(false);
        if (edkCount == 0)
            throw new EnvelopeFormatException("Malformed message header: the encrypted data key count is 0.");
        // decrypt.md: MUST process no more bytes as soon as the count exceeds the configured maximum.
        if (maxEncryptedDataKeys is int max && edkCount > max)
            throw new EnvelopeException($"The message has {edkCount} encrypted data keys, more than the {max} this client accepts (MaxEncryptedDataKeys).");
        var edks = new List<EncryptedDataKey>(edkCount);
        for (int i = 0; i < edkCount; i++)
        {
            string n = $"encrypted data key {i + 1} of {edkCount}";
            byte[] providerId = await Take(await U16(n).ConfigureAwait(false), n).ConfigureAwait(false);
            byte[] providerInfo = await Take(await U16(n).ConfigureAwait(false), n).ConfigureAwait(false);
            byte[] ciphertext = await Take(await U16(n).ConfigureAwait(false), n).ConfigureAwait(false);
            string id;
            try { id = MessageFormat.StrictUtf8.GetString(providerId); }
            catch (System.Text.DecoderFallbackException) { throw new EnvelopeFormatException($"Malformed message header: the provider ID of {n} is not valid UTF-8."); }
            edks.Add(new EncryptedDataKey(id, providerInfo, ciphertext));
        }

        byte contentType = (await Take(1, "content type").ConfigureAwait(false))[0];
        if (contentType == MessageFormat.ContentTypeNonFramed)
            throw new EnvelopeFormatException("Unsupported content type 0x01 (non-framed): only framed messages are accepted.");
        if (contentType != MessageFormat.ContentTypeFramed)
            throw new EnvelopeFormatException($"Malformed message header: unknown content type 0x{contentType:X2}.");

        uint frameLength = BinaryPrimitives.ReadUInt32BigEndian(await Take(4, "frame length").ConfigureAwait(false));
        if (frameLength == 0)
            throw new EnvelopeFormatException("Malformed message header: the frame length of a framed message is 0.");
        if (frameLength > (uint)maxFrameLength)
            throw new EnvelopeException($"The message's frame length is {frameLength} bytes, more than the {maxFrameLength} this client accepts (MaxFrameLength).");

        byte[] commitKey = await Take(MessageFormat.CommitKeyLength, "algorithm suite data (commit key)").ConfigureAwait(false);
        byte[] bodyBytes = body.WrittenSpan.ToArray();
        if (!await reader.FillAsync(MessageFormat.TagLength, ct).ConfigureAwait(false))
            throw new EnvelopeFormatException("The message is truncated: it ends inside the header (authentication tag).");
        byte[] tag = reader.Span(MessageFormat.TagLength).ToArray();
        reader.Advance(MessageFormat.TagLength);

        var header = new MessageHeader
        {
            Suite = suite,
            MessageId = messageId,
            EncryptionContext = context,
            EncryptedDataKeys = edks,
            FrameLength = (int)frameLength,
            CommitKey = commitKey,
        };
        return new Parsed(header, bodyBytes, tag);
    }
}
