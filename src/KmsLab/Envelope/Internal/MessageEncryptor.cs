using System.Buffers;
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
/// input buffers (read ahead, see <see cref="ReadAhead"/>) and two output buffers (written behind,
/// see <see cref="WriteBehind"/>):
/// memory depends on the frame and buffer sizes, never on the message length.
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

            // Body. An input buffer holds whole frames plus one byte: a frame is known to be
            // regular only once a byte after it has been seen. Two input buffers take turns: while
            // one is sealed, the next is read in the background (ReadAhead). Two output buffers
            // take turns too: while one is written (and hashed) in the background, the next is
            // sealed into. As many frames per buffer as keep every buffer within bufferSize, so
            // that pooled arrays (powers of two) are not twice the size needed.
            int framesPerBuffer = Math.Max(1, (bufferSize - FinalOverhead) / (frameLength + RegularOverhead));
            int inLength = framesPerBuffer * frameLength + 1;
            int outLength = framesPerBuffer * (frameLength + RegularOverhead) + FinalOverhead;
            byte[][] inBufs = [ArrayPool<byte>.Shared.Rent(inLength), ArrayPool<byte>.Shared.Rent(inLength)];
            byte[][] outBufs = [ArrayPool<byte>.Shared.Rent(outLength), ArrayPool<byte>.Shared.Rent(outLength)];
            byte[] finalAad = MessageFormat.NewBodyAad(messageId, final: true);
            int turn = 0;
            long total = 0, sequence = 1;
            try
            {
                await using var writer = new WriteBehind(output, hash);
                await using var readAhead = new ReadAhead(input);
                byte[] inBuf = inBufs[0];
                int filled = await input.ReadAtLeastAsync(inBuf.AsMemory(0, inLength), inLength, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                while (true)
                {
                    // A buffer that is not full holds the end of the input. A full one leaves exactly
                    // one byte unsealed: the next buffer starts with it, and the rest is read now.
                    bool eof = filled < inLength;
                    byte[] nextInBuf = inBufs[turn ^ 1];
                    if (!eof) readAhead.Start(nextInBuf.AsMemory(1, inLength - 1), inLength - 1, ct);
                    byte[] outBuf = outBufs[turn];
                    int outPos = 0;
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
                        if (outLength - outPos < last + FinalOverhead)
                        {
                            // A full buffer of regular frames and a final frame of one byte.
                            await writer.WriteAsync(outBuf.AsMemory(0, outPos), ct).ConfigureAwait(false);
                            outBuf = outBufs[turn ^ 1];
                            outPos = 0;
                        }
                        SealFinal(aes, finalAad, (uint)sequence, inBuf.AsSpan(pos, last), outBuf.AsSpan(outPos, last + FinalOverhead));
                        outPos += last + FinalOverhead;
                        total += last;
                        await writer.WriteAsync(outBuf.AsMemory(0, outPos), ct).ConfigureAwait(false);
                        await writer.DrainAsync().ConfigureAwait(false);
                        break;
                    }
                    await writer.WriteAsync(outBuf.AsMemory(0, outPos), ct).ConfigureAwait(false);
                    progress?.Report(total);
                    nextInBuf[0] = inBuf[pos];
                    filled = 1 + await readAhead.TakeAsync().ConfigureAwait(false);
                    inBuf = nextInBuf;
                    turn ^= 1;
                }
            }
            finally
            {
                // After the writer's and the reader's disposal: no read or write still uses a buffer.
                foreach (var buffer in inBufs)
                {
                    CryptographicOperations.ZeroMemory(buffer);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                foreach (var buffer in outBufs) ArrayPool<byte>.Shared.Return(buffer);
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

    /// <summary>Serializes and seals the final frame: marker, sequence number, IV, content length, ciphertext, tag.</summary>
    private static void SealFinal(AesGcm aes, byte[] finalAad, uint sequence, ReadOnlySpan<byte> plaintext, Span<byte> frame)
    {
        BinaryPrimitives.WriteUInt32BigEndian(frame, MessageFormat.FinalFrameMarker);
        BinaryPrimitives.WriteUInt32BigEndian(frame[4..], sequence);
        var iv = frame.Slice(8, MessageFormat.IvLength);
        MessageFormat.WriteFrameIv(iv, sequence);
        BinaryPrimitives.WriteUInt32BigEndian(frame[20..], (uint)plaintext.Length);
        MessageFormat.SetBodyAad(finalAad, sequence, plaintext.Length);
        aes.Encrypt(iv, plaintext, frame.Slice(24, plaintext.Length), frame[(24 + plaintext.Length)..], finalAad);
    }
}
