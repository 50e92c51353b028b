using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KmsLab.Envelope.Internal;

/// <summary>Limits and hooks of one decryption.</summary>
internal sealed record DecryptSettings(
    int? MaxEncryptedDataKeys,
    int MaxFrameLength,
    int BufferSize,
    int MaxDegreeOfParallelism,
    IReadOnlyDictionary<string, string> RequiredEncryptionContext,
    IProgress<long>? Progress);

/// <summary>
/// Reads, authenticates and decrypts a message (client-apis/decrypt.md) in one pass with memory
/// bounded by the frame and buffer sizes.
/// </summary>
/// <remarks>
/// Release rules: a frame's plaintext is written to the output only after its tag verifies
/// (decrypt.md: MUST NOT release unauthenticated plaintext). The final frame is held until the
/// end: for signed suites until the footer signature verifies (decrypt.md: MUST NOT release the
/// final frame before signature verification), for all suites until no trailing data is found.
/// Verified regular frames are released as the buffer fills, as the spec recommends for
/// streaming; for a signed suite they are not yet <em>signed</em> data until this method returns.
/// </remarks>
internal static class MessageDecryptor
{
    private const int RegularPrefix = 4 + MessageFormat.IvLength;
    private const int FinalPrefix = 4 + 4 + MessageFormat.IvLength + 4;

    public delegate Task<RecoveredDataKey> DataKeySource(MessageHeader header, CancellationToken ct);

    public static async Task<(MessageHeader Header, long PlaintextLength, string? KeyArn)> DecryptAsync(
        Stream input, Stream output, DataKeySource dataKeySource, DecryptSettings settings, CancellationToken ct)
    {
        await using var reader = new MessageReader(input, settings.BufferSize);
        var (header, headerBody, headerTag) = await HeaderParser.ParseAsync(reader, settings.MaxEncryptedDataKeys, settings.MaxFrameLength, ct).ConfigureAwait(false);
        var suite = header.Suite;

        // default-cmm.md: the verification key comes from the encryption context; a signed suite
        // without it, or an unsigned suite with it, MUST fail before any data key is decrypted.
        using ECDsa? verifier = MessageFormat.IsSigned(suite)
            ? EcdsaP384.ImportCompressedPublicKey(header.EncryptionContext.TryGetValue(MessageFormat.PublicKeyContextKey, out var pk)
                ? pk
                : throw new EnvelopeFormatException($"Malformed message: suite 0x{(ushort)suite:X4} is signed but the encryption context has no '{MessageFormat.PublicKeyContextKey}'."))
            : header.EncryptionContext.ContainsKey(MessageFormat.PublicKeyContextKey)
                ? throw new EnvelopeFormatException($"Malformed message: suite 0x{(ushort)suite:X4} is not signed but the encryption context has '{MessageFormat.PublicKeyContextKey}'.")
                : null;

        var recovered = await dataKeySource(header, ct).ConfigureAwait(false);
        byte[] encryptionKey = new byte[MessageFormat.EncryptionKeyLength];
        byte[] commitKey = new byte[MessageFormat.CommitKeyLength];
        byte[][] outBufs = [];
        try
        {
            KeyDerivation.Derive(suite, recovered.DataKey, header.MessageId, encryptionKey, commitKey);
            CryptographicOperations.ZeroMemory(recovered.DataKey);
            // decrypt.md: the derived commit key MUST equal the header's (constant-time comparison).
            if (!CryptographicOperations.FixedTimeEquals(commitKey, header.CommitKey))
                throw new EnvelopeAuthenticationException("Key commitment mismatch: the data key does not match the commit key in the header. The message was altered, or built to decrypt differently under different keys.");

            using var cipher = new FrameCipher(encryptionKey, header.MessageId, header.FrameLength, settings.MaxDegreeOfParallelism);
            var aes = cipher.Primary;
            try
            {
                aes.Decrypt(stackalloc byte[MessageFormat.IvLength], ReadOnlySpan<byte>.Empty, headerTag, Span<byte>.Empty, headerBody);
            }
            catch (AuthenticationTagMismatchException e)
            {
                // decrypt.md: if this tag verification fails, MUST immediately halt and fail.
                throw new EnvelopeAuthenticationException("Header authentication failed: the message header was altered.", e);
            }

            foreach (var (k, v) in settings.RequiredEncryptionContext)
            {
                if (!header.EncryptionContext.TryGetValue(k, out var actual) || actual != v)
                    throw new EnvelopeException($"The message's encryption context does not contain the required pair '{k}'='{v}'.");
            }

            using var hash = verifier is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
            if (hash is not null)
            {
                hash.AppendData(headerBody);
                hash.AppendData(headerTag);
                reader.StartHashing(hash);
            }

            // Two output buffers take turns: while one is written in the background (holding only
            // verified plaintext), frames are read and opened into the other.
            int frameLength = header.FrameLength;
            reader.EnableReadAhead(Math.Max(RegularPrefix, FinalPrefix) + frameLength + MessageFormat.TagLength);
            outBufs = [ArrayPool<byte>.Shared.Rent(Math.Max(settings.BufferSize, frameLength)), ArrayPool<byte>.Shared.Rent(Math.Max(settings.BufferSize, frameLength))];
            await using var writer = new WriteBehind(output);
            byte[] outBuf = outBufs[0];
            int outLen = 0, turn = 0;
            long total = 0, sequence = 1, reported = 0;
            byte[] finalAad = MessageFormat.NewBodyAad(header.MessageId, final: true);
            byte[] expectedIv = new byte[MessageFormat.IvLength];
            while (true)
            {
                if (!await reader.FillAsync(4, ct).ConfigureAwait(false))
                    throw new EnvelopeFormatException($"The message is truncated: the body ends after frame {sequence - 1} without a final frame.");
                if (outBuf.Length - outLen < frameLength)
                {
                    await writer.WriteAsync(outBuf.AsMemory(0, outLen), ct).ConfigureAwait(false);
                    turn ^= 1;
                    outBuf = outBufs[turn];
                    outLen = 0;
                }
                uint marker = BinaryPrimitives.ReadUInt32BigEndian(reader.Span(4));
                if (marker != MessageFormat.FinalFrameMarker)
                {
                    int size = RegularPrefix + frameLength + MessageFormat.TagLength;
                    CheckSequence(marker, sequence);
                    if (!await reader.FillAsync(size, ct).ConfigureAwait(false))
                        throw new EnvelopeFormatException($"The message is truncated: it ends inside frame {sequence}.");
                    // A run of consecutive regular frames already in the buffer is checked, then
                    // opened at once (on several cores if long); nothing of it is released unless
                    // every tag in it verified.
                    int run = Math.Min(reader.Available / size, (outBuf.Length - outLen) / frameLength);
                    var (buffer, offset) = reader.Buffer;
                    for (int i = 0; i < run; i++)
                    {
                        uint n = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset + i * size));
                        // The final frame, or an error reported when it is reached on its own.
                        if (i > 0 && (n != sequence + i || n == MessageFormat.FinalFrameMarker)) { run = i; break; }
                        CheckIv(buffer.AsSpan(offset + i * size + 4, MessageFormat.IvLength), expectedIv, n);
                    }
                    int failed = cipher.Open(buffer, offset, run, marker, outBuf, outLen);
                    if (failed >= 0)
                        throw new EnvelopeAuthenticationException($"Frame {sequence + failed} failed authentication: the message body was altered or truncated.");
                    reader.Advance(run * size);
                    outLen += run * frameLength;
                    total += (long)run * frameLength;
                    sequence += run;
                    if (settings.Progress is { } p && reader.Position - reported >= settings.BufferSize)
                    {
                        reported = reader.Position;
                        p.Report(reported);
                    }
                    continue;
                }

                if (!await reader.FillAsync(FinalPrefix, ct).ConfigureAwait(false))
                    throw new EnvelopeFormatException($"The message is truncated: it ends inside the final frame ({sequence}).");
                var prefix = reader.Span(FinalPrefix);
                uint seq = BinaryPrimitives.ReadUInt32BigEndian(prefix[4..]);
                CheckSequence(seq, sequence);
                CheckIv(prefix.Slice(8, MessageFormat.IvLength), expectedIv, seq);
                uint contentLength = BinaryPrimitives.ReadUInt32BigEndian(prefix[20..]);
                // decrypt.md: the final frame's content length MUST NOT exceed the frame length.
                if (contentLength > (uint)frameLength)
                    throw new EnvelopeFormatException($"Malformed message: the final frame claims {contentLength} bytes, more than the frame length {frameLength}.");
                int finalSize = FinalPrefix + (int)contentLength + MessageFormat.TagLength;
                if (!await reader.FillAsync(finalSize, ct).ConfigureAwait(false))
                    throw new EnvelopeFormatException($"The message is truncated: it ends inside the final frame ({sequence}).");
                var final = reader.Span(finalSize);
                MessageFormat.SetBodyAad(finalAad, seq, contentLength);
                Open(aes, final.Slice(8, MessageFormat.IvLength), final.Slice(FinalPrefix, (int)contentLength), final[(FinalPrefix + (int)contentLength)..],
                    outBuf.AsSpan(outLen, (int)contentLength), finalAad, seq);
                reader.Advance(finalSize);
                outLen += (int)contentLength;
                total += contentLength;
                break;
            }

            if (verifier is not null)
            {
                reader.StopHashing();
                if (!await reader.FillAsync(2, ct).ConfigureAwait(false))
                    throw new EnvelopeFormatException("The message is truncated: the footer (signature) of a signed message is missing.");
                int sigLength = BinaryPrimitives.ReadUInt16BigEndian(reader.Span(2));
                reader.Advance(2);
                if (!await reader.FillAsync(sigLength, ct).ConfigureAwait(false))
                    throw new EnvelopeFormatException("The message is truncated: it ends inside the footer (signature).");
                bool valid;
                try
                {
                    valid = verifier.VerifyHash(hash!.GetHashAndReset(), reader.Span(sigLength), DSASignatureFormat.Rfc3279DerSequence);
                }
                catch (CryptographicException)
                {
                    valid = false;
                }
                reader.Advance(sigLength);
                // decrypt.md: if the signature does not verify, MUST immediately halt and fail.
                if (!valid)
                    throw new EnvelopeAuthenticationException("Signature verification failed: the message was altered, or not written by the holder of the signing key named in its encryption context.");
            }

            // decrypt.md: bytes after a complete message MUST make the operation fail.
            if (!await reader.AtEndAsync(ct).ConfigureAwait(false))
                throw new EnvelopeFormatException($"Trailing data: more bytes follow the end of the message at offset {reader.Position}.");

            await writer.WriteAsync(outBuf.AsMemory(0, outLen), ct).ConfigureAwait(false);
            await writer.DrainAsync().ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            settings.Progress?.Report(reader.Position);
            return (header, total, recovered.KeyArn);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryptionKey);
            CryptographicOperations.ZeroMemory(commitKey);
            // The writer was disposed first (end of the try block), so no write still reads these.
            foreach (var buffer in outBufs)
            {
                CryptographicOperations.ZeroMemory(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static void CheckSequence(uint actual, long expected)
    {
        // message-body.md: frames MUST start at 1 and increase by 1.
        if (actual != expected)
            throw new EnvelopeFormatException($"Frame out of order: expected sequence number {expected}, found {actual}.");
        if (expected > MessageFormat.MaxFrameCount)
            throw new EnvelopeFormatException($"Malformed message: more than {MessageFormat.MaxFrameCount} frames.");
    }

    private static void CheckIv(ReadOnlySpan<byte> iv, Span<byte> expected, uint sequence)
    {
        // encrypt.md: a frame's IV MUST be its sequence number padded to 12 bytes.
        MessageFormat.WriteFrameIv(expected, sequence);
        if (!iv.SequenceEqual(expected))
            throw new EnvelopeFormatException($"Malformed message: frame {sequence} has an IV other than its sequence number.");
    }

    private static void Open(AesGcm aes, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        Span<byte> plaintext, ReadOnlySpan<byte> aad, uint sequence)
    {
        try
        {
            aes.Decrypt(iv, ciphertext, tag, plaintext, aad);
        }
        catch (AuthenticationTagMismatchException e)
        {
            // decrypt.md: MUST immediately halt and fail; AesGcm has zeroed the plaintext span.
            CryptographicOperations.ZeroMemory(plaintext);
            throw new EnvelopeAuthenticationException($"Frame {sequence} failed authentication: the message body was altered or truncated.", e);
        }
    }
}
