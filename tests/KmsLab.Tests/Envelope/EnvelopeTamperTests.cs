using System.Buffers.Binary;
using KmsLab.Envelope;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>
/// Every single-bit change and every truncation of a small message is refused, and no plaintext of
/// a frame that failed (nor of the final frame before everything verified) is ever written.
/// </summary>
public class EnvelopeTamperTests
{
    private const int FrameLength = 8;
    private static readonly byte[] Plaintext = Pattern(21); // two regular frames and a final frame of 5 bytes

    private static Task<byte[]> SmallMessageAsync(AlgorithmSuite suite) =>
        EncryptRawAsync(Plaintext, Encrypt(suite, FrameLength, new Dictionary<string, string> { ["k"] = "v" }));

    /// <summary>Decrypts, returning the exception and what was written to the output meanwhile.</summary>
    private static async Task<(Exception? Error, byte[] Written)> TryDecryptAsync(byte[] message)
    {
        // (Frames this small are batched in the output buffer; the streaming release of verified
        // frames is checked with a larger message below.)
        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        using var output = new MemoryStream();
        try
        {
            await client.DecryptCoreAsync(new MemoryStream(message), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default);
            return (null, output.ToArray());
        }
        catch (Exception e)
        {
            return (e, output.ToArray());
        }
    }

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Every_single_bit_flip_is_rejected_and_releases_no_unverified_plaintext(AlgorithmSuite suite)
    {
        var message = await SmallMessageAsync(suite);
        Assert.Equal(Plaintext, (await DecryptRawAsync(message)).Plaintext);
        for (int bit = 0; bit < message.Length * 8; bit++)
        {
            var tampered = (byte[])message.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var (error, written) = await TryDecryptAsync(tampered);
            Assert.True(error is EnvelopeException, $"bit {bit} (byte {bit / 8} of {message.Length}) was accepted or failed oddly: {error}");
            AssertOnlyVerifiedPrefix(written);
        }
    }

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Every_truncation_is_rejected(AlgorithmSuite suite)
    {
        var message = await SmallMessageAsync(suite);
        for (int length = 0; length < message.Length; length++)
        {
            var (error, written) = await TryDecryptAsync(message[..length]);
            var format = Assert.IsType<EnvelopeFormatException>(error);
            Assert.True(length == 0 ? format.Message.Contains("empty", StringComparison.Ordinal) : format.Message.Contains("truncated", StringComparison.Ordinal),
                $"length {length}: {format.Message}");
            AssertOnlyVerifiedPrefix(written);
        }
    }

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Trailing_data_is_rejected(AlgorithmSuite suite)
    {
        var message = await SmallMessageAsync(suite);
        var (error, written) = await TryDecryptAsync([.. message, 0]);
        Assert.Contains("Trailing data", Assert.IsType<EnvelopeFormatException>(error).Message);
        AssertOnlyVerifiedPrefix(written);
        var (error2, _) = await TryDecryptAsync([.. message, .. message]);
        Assert.IsType<EnvelopeFormatException>(error2);
    }

    /// <summary>
    /// Whatever was written is whole frames of the true plaintext, never the final frame: a failed
    /// frame's bytes and the held-back final frame never reach the output.
    /// </summary>
    private static void AssertOnlyVerifiedPrefix(byte[] written)
    {
        Assert.True(written.Length % FrameLength == 0 && written.Length < Plaintext.Length - 5 + 1, $"released {written.Length} bytes");
        Assert.Equal(Plaintext.AsSpan(0, written.Length).ToArray(), written);
    }

    [Fact]
    public async Task Verified_frames_before_a_failed_frame_may_be_released_but_not_the_failed_one()
    {
        // Large enough that the decryptor's output buffer (1 KiB) fills and releases verified frames.
        var plaintext = Pattern(4096);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 256));
        int headerLength = message.Length - (15 * (4 + 12 + 256 + 16) + (4 + 4 + 12 + 4 + 256 + 16));
        int frame10 = headerLength + 9 * (4 + 12 + 256 + 16);
        message[frame10 + 4 + 12 + 100] ^= 0x01;   // a ciphertext byte of frame 10
        var client = new KmsLab.Envelope.EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() =>
            client.DecryptCoreAsync(new MemoryStream(message), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
        Assert.Contains("Frame 10", e.Message);
        var written = output.ToArray();
        Assert.True(written.Length <= 9 * 256 && written.Length % 256 == 0, $"released {written.Length} bytes");
        Assert.True(written.Length > 0, "expected verified frames to be streamed out before the failure");
        Assert.Equal(plaintext.AsSpan(0, written.Length).ToArray(), written);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(4, 1)]
    [InlineData(2, 2)]
    public async Task Parallel_sealing_and_opening_agree_and_name_the_first_failed_frame(int encryptWorkers, int decryptWorkers)
    {
        var plaintext = Pattern(3 * 1024 * 1024 + 123, encryptWorkers);
        var message = await EncryptRawAsync(plaintext, Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 4096),
            new EnvelopeClientOptions { MaxDegreeOfParallelism = encryptWorkers });
        var decryptOptions = new EnvelopeClientOptions { MaxDegreeOfParallelism = decryptWorkers };
        Assert.Equal(plaintext, (await DecryptRawAsync(message, decryptOptions)).Plaintext);

        int frame = 4 + 12 + 4096 + 16;
        int frames = plaintext.Length / 4096; // regular frames; the final frame holds the 123 extra bytes
        int header = message.Length - (frames * frame + (4 + 4 + 12 + 4 + 123 + 16));
        var tampered = (byte[])message.Clone();
        tampered[header + 499 * frame + 16 + 7] ^= 0x40;   // frame 500's ciphertext
        tampered[header + 600 * frame + 16 + 7] ^= 0x40;   // and frame 601's, later in the same run
        var client = new KmsLab.Envelope.EnvelopeClient(decryptOptions);
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() =>
            client.DecryptCoreAsync(new MemoryStream(tampered), output, new RawDataKeys(), EnvelopeDecryptOptions.Discovery(), default));
        Assert.Contains("Frame 500 ", e.Message);
        var written = output.ToArray();
        Assert.True(written.Length <= 499 * 4096 && written.Length % 4096 == 0, $"released {written.Length} bytes");
        Assert.Equal(plaintext.AsSpan(0, written.Length).ToArray(), written);
    }

    // ---- the strict parser's specific refusals ----

    [Fact]
    public async Task Out_of_order_frames_are_rejected()
    {
        var message = await EncryptRawAsync(Pattern(24), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, FrameLength));
        int frame = 4 + 12 + FrameLength + 16;
        int body = message.Length - (2 * frame + (4 + 4 + 12 + 4 + FrameLength + 16));
        var swapped = (byte[])message.Clone();
        message.AsSpan(body, frame).CopyTo(swapped.AsSpan(body + frame));
        message.AsSpan(body + frame, frame).CopyTo(swapped.AsSpan(body));
        var (error, written) = await TryDecryptAsync(swapped);
        Assert.Contains("expected sequence number 1, found 2", Assert.IsType<EnvelopeFormatException>(error).Message);
        Assert.Empty(written);

        var dropped = message.AsSpan(0, body).ToArray().Concat(message.AsSpan(body + frame).ToArray()).ToArray();
        (error, _) = await TryDecryptAsync(dropped);
        Assert.Contains("expected sequence number 1, found 2", error!.Message);
    }

    [Fact]
    public async Task Missing_final_frame_and_missing_footer_are_named()
    {
        var unsigned = await EncryptRawAsync(Pattern(24), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, FrameLength));
        var (error, _) = await TryDecryptAsync(unsigned[..^(4 + 4 + 12 + 4 + FrameLength + 16)]);
        Assert.Contains("without a final frame", error!.Message);

        var signed = await SmallMessageAsync(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384);
        int footer = 2 + BinaryPrimitives.ReadUInt16BigEndian(signed.AsSpan(signed.Length - 2 - SigLength(signed)));
        (error, _) = await TryDecryptAsync(signed[..^footer]);
        Assert.Contains("footer (signature) of a signed message is missing", error!.Message);
    }

    private static int SigLength(byte[] m)
    {
        for (int sig = 110; sig > 60; sig--)
            if (BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(m.Length - sig - 2)) == sig) return sig;
        throw new InvalidOperationException();
    }

    [Theory]
    [InlineData(0, 0x01, "version 1")]
    [InlineData(0, 0x03, "unknown message format version 0x03")]
    [InlineData(1, 0x01, "Unsupported algorithm suite 0x0178")]
    [InlineData(2, 0x14, "Unsupported algorithm suite 0x0414")]
    public async Task Bad_versions_and_suites_are_named(int offset, byte value, string expected)
    {
        var message = await SmallMessageAsync(AlgorithmSuite.AesGcm256HkdfSha512CommitKey);
        message[offset] = value;
        var (error, _) = await TryDecryptAsync(message);
        Assert.Contains(expected, Assert.IsType<EnvelopeFormatException>(error).Message);
    }

    [Fact]
    public async Task Base64_input_is_recognised()
    {
        var message = await SmallMessageAsync(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384);
        var (error, _) = await TryDecryptAsync(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(message)));
        Assert.Contains("base64", error!.Message);
    }

    [Fact]
    public async Task Frame_length_zero_and_non_framed_content_are_rejected()
    {
        var message = await EncryptRawAsync([1, 2], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 4096));
        // header: 1 + 2 + 32 + 2 (empty context) + 2 + EDK(2+8+2+3+2+32) = 88, then content type.
        int contentType = 1 + 2 + 32 + 2 + 2 + (2 + 8 + 2 + 3 + 2 + 32);
        Assert.Equal(0x02, message[contentType]);
        var zero = (byte[])message.Clone();
        zero.AsSpan(contentType + 1, 4).Clear();
        Assert.Contains("frame length of a framed message is 0", (await TryDecryptAsync(zero)).Error!.Message);
        var nonFramed = (byte[])message.Clone();
        nonFramed[contentType] = 0x01;
        Assert.Contains("non-framed", (await TryDecryptAsync(nonFramed)).Error!.Message);
    }

    [Fact]
    public async Task A_wrong_data_key_fails_key_commitment()
    {
        var message = await EncryptRawAsync([1, 2], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey));
        int edkCiphertext = 1 + 2 + 32 + 2 + 2 + (2 + 8 + 2 + 3 + 2);
        message[edkCiphertext] ^= 0x80; // the raw provider now yields another data key
        var (error, _) = await TryDecryptAsync(message);
        Assert.Contains("Key commitment mismatch", Assert.IsType<EnvelopeAuthenticationException>(error).Message);
    }
}
