using KmsLab.Envelope;
using Microsoft.Extensions.Time.Testing;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>The data key cache's bounds (age on a fake clock, messages, bytes) and its counters.</summary>
public class DataKeyCacheTests
{
    private static readonly EnvelopeEncryptOptions Options = Encrypt(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, 64,
        new Dictionary<string, string> { ["app"] = "cache-test" });

    private static async Task<byte[]> EncryptAsync(EnvelopeClient client, RawDataKeys keys, byte[] plaintext, EnvelopeEncryptOptions? options = null)
    {
        using var output = new MemoryStream();
        await client.EncryptCoreAsync(new MemoryStream(plaintext), output, keys, options ?? Options, default);
        return output.ToArray();
    }

    [Fact]
    public async Task Reuses_a_data_key_until_it_is_too_old()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cache = new DataKeyCache(clock, new DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(5) });
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        var keys = new RawDataKeys(keys: 2);

        var first = await EncryptAsync(client, keys, [1]);
        clock.Advance(TimeSpan.FromMinutes(4));
        var second = await EncryptAsync(client, keys, [2]);
        Assert.Equal(1, keys.Generated);
        Assert.Equal(2, cache.KmsCallsSaved); // one GenerateDataKey + one Encrypt avoided
        Assert.Equal(2, cache.KmsCallsMade);
        Assert.Equal(1, cache.Hits);

        // Same data key, same signing key (the context with the public key is reused), new message ID.
        Assert.Equal(EncryptedDataKeysOf(first), EncryptedDataKeysOf(second));
        Assert.NotEqual(first.AsSpan(3, 32).ToArray(), second.AsSpan(3, 32).ToArray());
        Assert.Equal([2], (await DecryptRawAsync(second)).Plaintext);

        clock.Advance(TimeSpan.FromMinutes(1)); // exactly MaxAge: expired
        await EncryptAsync(client, keys, [3]);
        Assert.Equal(2, keys.Generated);
        Assert.Equal(4, cache.KmsCallsMade);
    }

    private static byte[] EncryptedDataKeysOf(byte[] message)
    {
        int contextLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(35));
        return message.AsSpan(37 + contextLength, 2 + 2 * (2 + 8 + 2 + 3 + 2 + 32)).ToArray();
    }

    [Fact]
    public async Task Limits_messages_per_data_key()
    {
        var cache = new DataKeyCache(new FakeTimeProvider(), new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1), MaxMessagesPerKey = 3 });
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        var keys = new RawDataKeys();
        for (int i = 0; i < 7; i++) await EncryptAsync(client, keys, [(byte)i]);
        Assert.Equal(3, keys.Generated); // messages 1-3, 4-6, 7
        Assert.Equal(4, cache.KmsCallsSaved);
    }

    [Fact]
    public async Task Limits_bytes_per_data_key()
    {
        var cache = new DataKeyCache(new FakeTimeProvider(), new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1), MaxBytesPerKey = 100 });
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        var keys = new RawDataKeys();
        await EncryptAsync(client, keys, new byte[60]);  // new key, 60 bytes
        await EncryptAsync(client, keys, new byte[40]);  // 100: still within
        await EncryptAsync(client, keys, new byte[1]);   // 101: new key
        Assert.Equal(2, keys.Generated);
        await EncryptAsync(client, keys, new byte[101]); // larger than the limit by itself: fresh key, not cached
        await EncryptAsync(client, keys, new byte[99]);  // the 1-byte entry had room for 99
        Assert.Equal(3, keys.Generated);
        Assert.Equal(2, cache.Hits);
    }

    [Fact]
    public async Task Different_contexts_suites_or_keys_do_not_share_entries()
    {
        var cache = new DataKeyCache(new FakeTimeProvider(), new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1) });
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        var keys = new RawDataKeys();
        await EncryptAsync(client, keys, [1]);
        await EncryptAsync(client, keys, [1], Options with { EncryptionContext = new Dictionary<string, string> { ["app"] = "other" } });
        await EncryptAsync(client, keys, [1], Options with { AlgorithmSuite = AlgorithmSuite.AesGcm256HkdfSha512CommitKey });
        Assert.Equal(3, keys.Generated);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public async Task Unknown_plaintext_length_bypasses_the_cache()
    {
        var cache = new DataKeyCache(new FakeTimeProvider(), new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1) });
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        var keys = new RawDataKeys();
        for (int i = 0; i < 2; i++)
        {
            using var output = new MemoryStream();
            await client.EncryptCoreAsync(new TrickleStream([1, 2, 3]), output, keys, Options, default);
        }
        Assert.Equal(2, keys.Generated);
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, cache.Misses);
    }

    [Fact]
    public async Task Decryption_reuses_recovered_data_keys_within_max_age()
    {
        var clock = new FakeTimeProvider();
        var cache = new DataKeyCache(clock, new DataKeyCacheOptions { MaxAge = TimeSpan.FromSeconds(30) });
        var message = await EncryptRawAsync([4, 5], Options);
        var keys = new RawDataKeys();
        var client = new EnvelopeClient(new EnvelopeClientOptions { Cache = cache });
        for (int i = 0; i < 3; i++)
        {
            using var output = new MemoryStream();
            await client.DecryptCoreAsync(new MemoryStream(message), output, keys, EnvelopeDecryptOptions.Discovery(), default);
            Assert.Equal([4, 5], output.ToArray());
        }
        Assert.Equal(1, keys.Decrypted);
        Assert.Equal(2, cache.KmsCallsSaved);
        clock.Advance(TimeSpan.FromSeconds(30));
        using (var output = new MemoryStream())
            await client.DecryptCoreAsync(new MemoryStream(message), output, keys, EnvelopeDecryptOptions.Discovery(), default);
        Assert.Equal(2, keys.Decrypted);
    }

    [Fact]
    public void Capacity_evicts_the_oldest_and_Clear_empties()
    {
        var cache = new DataKeyCache(new FakeTimeProvider(), new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1), Capacity = 2 });
        for (int i = 0; i < 3; i++)
            cache.Put($"k{i}", new DataKeyCache.Entry { DataKey = new byte[32], Created = cache.Now, KmsCalls = 1 }, 0);
        Assert.Equal(2, cache.Count);
        Assert.Null(cache.TryUseForDecrypt("k0"));
        Assert.NotNull(cache.TryUseForDecrypt("k2"));
        cache.Clear();
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Bounds_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataKeyCache(TimeProvider.System, new DataKeyCacheOptions { MaxAge = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataKeyCache(TimeProvider.System, new DataKeyCacheOptions { MaxAge = TimeSpan.FromSeconds(1), MaxMessagesPerKey = 0 }));
    }
}
