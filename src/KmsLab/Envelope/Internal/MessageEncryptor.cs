using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>Everything needed to write one message (framework/structures.md#encryption-materials).</summary>
internal sealed record EncryptionMaterials(
    AlgorithmSuite Suite,
    byte[] DataKey,
    IReadOnlyList<EncryptedDataKey> EncryptedDataKeys,
    IReadOnlyDictionary<string, string> EncryptionContext,
    ECDsa? SigningKey);

/// <summary>
/// Writes a message (client-apis/encrypt.md) from a plaintext stream, frame by frame, through two
/// reusable buffers: memory depends on the frame and buffer sizes, never on the message length.
/// </summary>
internal static class MessageEncryptor
{
    private const int RegularOverhead = 4 + MessageFormat.IvLength + MessageFormat.TagLength;
    private const int FinalOverhead = 4 + 4 + MessageFormat.IvLength + 4 + MessageFormat.TagLength;

    public static async Task<(MessageHeader Header, long PlaintextLength)> EncryptAsync(
        Stream input, Stream output, EncryptionMaterials materials, int frameLength, int bufferSize, int maxDegreeOfParallelism,
        IProgress<long>? progress, CancellationToken ct)
    {
        var suite = materials.Suite;
        // encrypt.md: the message ID MUST come from a good source of randomness.
        byte[] messageId = RandomNumberGenerator.GetBytes(MessageFormat.MessageIdLength);
        byte[] encryptionKey = new byte[MessageFormat.EncryptionKeyLength];
        byte[] commitKey = new byte[MessageFormat.CommitKeyLength];
        try
        {
            KeyDerivation.Derive(suite, materials.DataKey, messageId, encryptionKey, commitKey);
            var header = new MessageHeader
            {
                Suite = suite,
                MessageId = messageId,
                EncryptionContext = materials.EncryptionContext,
                EncryptedDataKeys = materials.EncryptedDataKeys,
                FrameLength = frameLength,
                CommitKey = (byte[])commitKey.Clone(),
            };
            byte[] headerBody = header.SerializeBody();
            using var cipher = new FrameCipher(encryptionKey, messageId, frameLength, maxDegreeOfParallelism);
            var aes = cipher.Primary;
            using var hash = MessageFormat.IsSigned(suite) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA384) : null;

            // Header authentication: AES-GCM over no plaintext, IV 0, AAD = header body.
            byte[] headerTag = new byte[MessageFormat.TagLength];
            aes.Encrypt(stackalloc byte[MessageFormat.IvLength], ReadOnlySpan<byte>.Empty, Span<byte>.Empty, headerTag, headerBody);
            hash?.AppendData(headerBody);
            hash?.AppendData(headerTag);
            await output.WriteAsync(headerBody, ct).ConfigureAwait(false);
            await output.WriteAsync(headerTag, ct).ConfigureAwait(false);

            // Body. The input buffer holds whole frames plus one byte: a frame is known to be
            // regular only once a byte after it has been seen.
            int framesPerBuffer = Math.Max(1, bufferSize / frameLength);
            byte[] inBuf = new byte[framesPerBuffer * frameLength + 1];
            byte[] outBuf = new byte[framesPerBuffer * (frameLength + RegularOverhead) + FinalOverhead];
            byte[] finalAad = MessageFormat.NewBodyAad(messageId, final: true);
            int filled = 0, outPos = 0;
            long total = 0, sequence = 1;
            bool eof = false;
            try
            {
                while (true)
                {
                    while (filled < inBuf.Length)
                    {
                        int n = await input.ReadAsync(inBuf.AsMemory(filled), ct).ConfigureAwait(false);
                        if (n == 0) { eof = true; break; }
                        filled += n;
                    }
                    // Frames with at least one byte after them are regular; seal them all at once.
                    int regular = filled == 0 ? 0 : (filled - 1) / frameLength;
                    if (regular > 0)
                    {
                        if (sequence + regular - 1 >= MessageFormat.FinalFrameMarker)
                            throw new EnvelopeException($"The plaintext needs more than {MessageFormat.MaxFrameCount} frames; use a larger frame length.");
                        cipher.Seal(inBuf, 0, regular, (uint)sequence, outBuf, 0);
                        outPos = regular * (frameLength + RegularOverhead);
                        sequence += regular;
                    }
                    int pos = regular * frameLength;
                    total += pos;
                    if (eof)
                    {
                        int last = filled - pos;
                        if (outBuf.Length - outPos < last + FinalOverhead)
                        {
                            await FlushAsync(output, outBuf, outPos, hash, ct).ConfigureAwait(false);
                            outPos = 0;
                        }
                        var frame = outBuf.AsSpan(outPos, last + FinalOverhead);
                        uint seq = (uint)sequence;
                        BinaryPrimitives.WriteUInt32BigEndian(frame, MessageFormat.FinalFrameMarker);
                        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], seq);
                        var iv = frame.Slice(8, MessageFormat.IvLength);
                        MessageFormat.WriteFrameIv(iv, seq);
                        BinaryPrimitives.WriteUInt32BigEndian(frame[20..], (uint)last);
                        MessageFormat.SetBodyAad(finalAad, seq, last);
                        aes.Encrypt(iv, inBuf.AsSpan(pos, last), frame.Slice(24, last), frame[(24 + last)..], finalAad);
                        outPos += frame.Length;
                        total += last;
                        await FlushAsync(output, outBuf, outPos, hash, ct).ConfigureAwait(false);
                        break;
                    }
                    await FlushAsync(output, outBuf, outPos, hash, ct).ConfigureAwait(false);
                    outPos = 0;
                    inBuf.AsSpan(pos, filled - pos).CopyTo(inBuf);
                    filled -= pos;
                    progress?.Report(total);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(inBuf);
            }

            if (materials.SigningKey is { } signer)
            {
                // message-footer.md: ECDSA over header and body, DER-encoded, u16 length-prefixed.
                byte[] signature = signer.SignHash(hash!.GetHashAndReset(), DSASignatureFormat.Rfc3279DerSequence);
                byte[] footer = new byte[2 + signature.Length];
                BinaryPrimitives.WriteUInt16BigEndian(footer, (ushort)signature.Length);
                signature.CopyTo(footer, 2);
                await output.WriteAsync(footer, ct).ConfigureAwait(false);
            }
            await output.FlushAsync(ct).ConfigureAwait(false);
            progress?.Report(total);
            return (header, total);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(commitKey);
        }
    }

    private static async ValueTask FlushAsync(Stream output, byte[] buffer, int count, IncrementalHash? hash, CancellationToken ct)
    {
        if (count == 0) return;
        hash?.AppendData(buffer, 0, count);
        await output.WriteAsync(buffer.AsMemory(0, count), ct).ConfigureAwait(false);
    }
}
