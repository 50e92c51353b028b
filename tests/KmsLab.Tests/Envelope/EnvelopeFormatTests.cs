using System.Buffers.Binary;
using KmsLab.Envelope;
using KmsLab.Envelope.Internal;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>Round trips and structure through the format, with the data-key step stubbed out.</summary>
public class EnvelopeFormatTests
{
    public static TheoryData<AlgorithmSuite, int, int> Sizes()
    {
        var data = new TheoryData<AlgorithmSuite, int, int>();
        foreach (var suite in Suites)
        {
            foreach (var frame in new[] { 1, 16, 4096 })
            {
                foreach (var size in new SortedSet<int> { 0, 1, frame - 1, frame, frame + 1, 3 * frame, 3 * frame + 5, 10_000 })
                {
                    data.Add(suite, frame, size);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Round_trip_for_every_size_around_the_frame_length(AlgorithmSuite suite, int frameLength, int size)
    {
        var plaintext = Pattern(size);
        var message = await EncryptRawAsync(plaintext, Encrypt(suite, frameLength));
        var (decrypted, info) = await DecryptRawAsync(message);
        Assert.Equal(plaintext, decrypted);
        Assert.Equal(suite, info.AlgorithmSuite);
        Assert.Equal(frameLength, info.FrameLength);
        Assert.Equal(size, info.PlaintextLength);

        // The body has ceil(size / F) frames (one empty final frame for empty input), and an exact
        // multiple ends with a full final frame (message-body.md SHOULD).
        int expectedFrames = Math.Max(1, (size + frameLength - 1) / frameLength);
        int finalLength = size == 0 ? 0 : size - (expectedFrames - 1) * frameLength;
        int footer = MessageFormat.IsSigned(suite) ? 2 + BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(message.Length - FooterLength(message, suite))) : 0;
        int bodyLength = (expectedFrames - 1) * (4 + 12 + frameLength + 16) + (4 + 4 + 12 + 4 + finalLength + 16);
        int headerLength = message.Length - bodyLength - footer;
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(headerLength + bodyLength - (4 + 4 + 12 + 4 + finalLength + 16))));
        Assert.Equal((uint)finalLength, BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(headerLength + bodyLength - (finalLength + 16 + 4))));
    }

    private static int FooterLength(byte[] message, AlgorithmSuite suite)
    {
        // ECDSA P-384 DER signatures are 102 to 104 bytes; find the one whose length prefix fits.
        for (int sig = 110; sig >= 8; sig--)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(message.Length - sig - 2)) == sig && message[message.Length - sig] == 0x30) return sig + 2;
        }
        throw new InvalidOperationException("no footer");
    }

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Header_layout_follows_the_spec(AlgorithmSuite suite)
    {
        var context = new Dictionary<string, string> { ["zeta"] = "last", ["alpha"] = "first", ["Ünï"] = "ç" };
        var message = await EncryptRawAsync(Pattern(10), Encrypt(suite, 64, context));
        var s = message.AsSpan();
        Assert.Equal(0x02, s[0]);
        Assert.Equal((ushort)suite, BinaryPrimitives.ReadUInt16BigEndian(s[1..]));
        int ecLength = BinaryPrimitives.ReadUInt16BigEndian(s[35..]);
        var parsed = EncryptionContextCodec.Parse(s.Slice(37, ecLength));
        Assert.Equal("first", parsed["alpha"]);
        Assert.Equal(MessageFormat.IsSigned(suite), parsed.ContainsKey("aws-crypto-public-key"));
        if (MessageFormat.IsSigned(suite)) Assert.Equal(68, parsed["aws-crypto-public-key"].Length);
        // Sorted by UTF-8 bytes: uppercase and non-ASCII keys sort by byte value, not culture.
        var keys = new List<byte[]>();
        int pos = 37 + 2;
        for (int i = 0; i < parsed.Count; i++)
        {
            int kl = BinaryPrimitives.ReadUInt16BigEndian(s[pos..]);
            keys.Add(s.Slice(pos + 2, kl).ToArray());
            pos += 2 + kl;
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(s[pos..]);
        }
        for (int i = 1; i < keys.Count; i++) Assert.True(keys[i - 1].AsSpan().SequenceCompareTo(keys[i]) < 0);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(s[pos..]));                 // one EDK
        pos += 2;
        Assert.Equal("test-raw", System.Text.Encoding.UTF8.GetString(s.Slice(pos + 2, BinaryPrimitives.ReadUInt16BigEndian(s[pos..]))));
        pos += 2 + 8; pos += 2 + 3; pos += 2 + 32;
        Assert.Equal(0x02, s[pos]);                                                      // framed
        Assert.Equal(64u, BinaryPrimitives.ReadUInt32BigEndian(s[(pos + 1)..]));        // frame length
    }

    [Fact]
    public async Task Empty_context_serializes_as_zero_length_and_is_returned_empty()
    {
        var message = await EncryptRawAsync(Pattern(3), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(35)));
        var (_, info) = await DecryptRawAsync(message);
        Assert.Empty(info.EncryptionContext);
    }

    [Fact]
    public void Context_serialization_is_unambiguous()
    {
        var a = EncryptionContextCodec.Serialize(new Dictionary<string, string> { ["ab"] = "c" });
        var b = EncryptionContextCodec.Serialize(new Dictionary<string, string> { ["a"] = "bc" });
        Assert.NotEqual(a, b);
        Assert.Equal(Convert.FromHexString("0001" + "0002" + "6162" + "0001" + "63"), a);
    }

    [Fact]
    public async Task Reserved_context_prefix_is_refused()
    {
        var options = Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, context: new Dictionary<string, string> { ["aws-crypto-public-key"] = "x" });
        await Assert.ThrowsAsync<ArgumentException>(() => EncryptRawAsync([1], options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData((1 << 30) + 1)]
    public async Task Invalid_frame_lengths_are_refused_on_encrypt(int frameLength)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => EncryptRawAsync([1], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, frameLength)));
    }

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Streams_that_trickle_and_cannot_seek_work_both_ways(AlgorithmSuite suite)
    {
        var plaintext = Pattern(5000, 3);
        var client = new EnvelopeClient(new EnvelopeClientOptions { BufferSize = 1024 });
        using var encrypted = new MemoryStream();
        await client.EncryptCoreAsync(new TrickleStream(plaintext), encrypted, new RawDataKeys(), Encrypt(suite, 100), default);
        var message = encrypted.ToArray();
        var (decrypted, _) = await DecryptRawAsync(message, new EnvelopeClientOptions { BufferSize = 1024 }, input: new TrickleStream(message, 13));
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public async Task Two_encryptions_differ_and_both_decrypt()
    {
        var options = Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey);
        var a = await EncryptRawAsync([1, 2, 3], options);
        var b = await EncryptRawAsync([1, 2, 3], options);
        Assert.NotEqual(a.AsSpan(3, 32).ToArray(), b.AsSpan(3, 32).ToArray()); // message IDs
        Assert.Equal([1, 2, 3], (await DecryptRawAsync(a)).Plaintext);
        Assert.Equal([1, 2, 3], (await DecryptRawAsync(b)).Plaintext);
    }

    [Fact]
    public async Task Required_context_is_checked()
    {
        var message = await EncryptRawAsync([9], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, context: new Dictionary<string, string> { ["team"] = "blue" }));
        var ok = EnvelopeDecryptOptions.Discovery() with { RequiredEncryptionContext = new Dictionary<string, string> { ["team"] = "blue" } };
        Assert.Equal([9], (await DecryptRawAsync(message, options: ok)).Plaintext);
        var wrong = EnvelopeDecryptOptions.Discovery() with { RequiredEncryptionContext = new Dictionary<string, string> { ["team"] = "red" } };
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => DecryptRawAsync(message, options: wrong));
        Assert.Contains("'team'='red'", e.Message);
    }

    [Fact]
    public async Task Encrypted_data_key_limit_is_enforced_on_both_sides()
    {
        var keys = new RawDataKeys(keys: 3);
        var message = await EncryptRawAsync([1], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey), keys: keys);
        Assert.Equal([1], (await DecryptRawAsync(message, new EnvelopeClientOptions { MaxEncryptedDataKeys = 3 })).Plaintext);

        var counting = new RawDataKeys();
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => DecryptRawAsync(message, new EnvelopeClientOptions { MaxEncryptedDataKeys = 2 }, counting));
        Assert.Contains("3 encrypted data keys", e.Message);
        Assert.Equal(0, counting.Decrypted); // refused before any data key was decrypted

        await Assert.ThrowsAsync<EnvelopeException>(() =>
            EncryptRawAsync([1], Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey), new EnvelopeClientOptions { MaxEncryptedDataKeys = 2 }, new RawDataKeys(keys: 3)));
    }

    [Fact]
    public async Task Frame_length_above_the_decrypt_limit_is_refused()
    {
        var message = await EncryptRawAsync(Pattern(10), Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, 2048));
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => DecryptRawAsync(message, new EnvelopeClientOptions { MaxFrameLength = 1024 }));
        Assert.Contains("MaxFrameLength", e.Message);
    }
}
