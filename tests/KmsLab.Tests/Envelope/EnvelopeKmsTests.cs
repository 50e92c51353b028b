using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Envelope;
using static KmsLab.Tests.Envelope.TestData;

namespace KmsLab.Tests.Envelope;

/// <summary>Envelope encryption through the official SDK client, answered by the simulator.</summary>
public class EnvelopeKmsTests
{
    private readonly TestLab _lab = new();

    private async Task<string> NewKeyAsync() => (await _lab.CreateKeyAsync()).Arn;

    private EnvelopeEncryptOptions Options(AlgorithmSuite suite, params string[] keys) => new()
    {
        KeyIds = keys,
        AlgorithmSuite = suite,
        EncryptionContext = new Dictionary<string, string> { ["purpose"] = "kms-test", ["tenant"] = "42" },
        FrameLength = 64,
    };

    [Theory]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKey)]
    [InlineData(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384)]
    public async Task Round_trip_through_KMS_in_strict_and_discovery_mode(AlgorithmSuite suite)
    {
        var key = await NewKeyAsync();
        var client = new EnvelopeClient(_lab.Kms);
        var plaintext = Pattern(1000);
        using var encrypted = new MemoryStream();
        var info = await client.EncryptAsync(new MemoryStream(plaintext), encrypted, Options(suite, key));
        Assert.Equal([key], info.KeyArns);
        Assert.Equal(1000, info.PlaintextLength);

        using var strictOut = new MemoryStream();
        var strict = await client.DecryptAsync(new MemoryStream(encrypted.ToArray()), strictOut, EnvelopeDecryptOptions.Strict(key));
        Assert.Equal(plaintext, strictOut.ToArray());
        Assert.Equal(key, strict.DecryptedWithKeyArn);
        Assert.Equal("42", strict.EncryptionContext["tenant"]);

        Assert.Equal(plaintext, await client.DecryptAsync(encrypted.ToArray(), EnvelopeDecryptOptions.Discovery()));
    }

    [Fact]
    public async Task Several_keys_each_decrypt_alone_and_aliases_work_for_encryption()
    {
        var keys = new[] { await NewKeyAsync(), await NewKeyAsync(), await NewKeyAsync() };
        await _lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/envelope-third", TargetKeyId = keys[2] });
        var client = new EnvelopeClient(_lab.Kms);
        var message = await client.EncryptAsync(Pattern(300), Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, keys[0], keys[1], "alias/envelope-third"));

        foreach (var key in keys)
        {
            using var output = new MemoryStream();
            var info = await client.DecryptAsync(new MemoryStream(message), output, EnvelopeDecryptOptions.Strict(key));
            Assert.Equal(Pattern(300), output.ToArray());
            Assert.Equal(key, info.DecryptedWithKeyArn);
            Assert.Equal(keys, info.KeyArns); // provider info is the ARN KMS returned, even for an alias
        }

        // With the first key disabled, the others still open the message; strict mode skips it.
        await _lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keys[0] });
        Assert.Equal(Pattern(300), await client.DecryptAsync(message, EnvelopeDecryptOptions.Discovery()));
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => client.DecryptAsync(message, EnvelopeDecryptOptions.Strict(keys[0])));
        Assert.Contains("DisabledException", e.Message);
    }

    [Fact]
    public async Task Strict_mode_refuses_messages_for_other_keys_without_calling_KMS()
    {
        var mine = await NewKeyAsync();
        var theirs = await NewKeyAsync();
        var client = new EnvelopeClient(_lab.Kms);
        var message = await client.EncryptAsync([1, 2, 3], Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, theirs));
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => client.DecryptAsync(message, EnvelopeDecryptOptions.Strict(mine)));
        Assert.Contains("matches the allowed keys", e.Message);
        Assert.Throws<ArgumentException>(() => EnvelopeDecryptOptions.Strict("alias/whatever"));
        Assert.Throws<ArgumentException>(() => EnvelopeDecryptOptions.Strict("1234abcd-12ab-34cd-56ef-1234567890ab"));
    }

    [Fact]
    public async Task Discovery_filter_limits_accounts_and_partition()
    {
        var key = await NewKeyAsync();
        var client = new EnvelopeClient(_lab.Kms);
        var message = await client.EncryptAsync([7], Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, key));
        Assert.Equal([7], await client.DecryptAsync(message, EnvelopeDecryptOptions.Discovery(new DiscoveryFilter("aws", [_lab.Lab.AccountId]))));
        var wrongAccount = await Assert.ThrowsAsync<EnvelopeException>(() => client.DecryptAsync(message, EnvelopeDecryptOptions.Discovery(new DiscoveryFilter("aws", ["999999999999"]))));
        Assert.Contains("discovery filter", wrongAccount.Message);
        await Assert.ThrowsAsync<EnvelopeException>(() => client.DecryptAsync(message, EnvelopeDecryptOptions.Discovery(new DiscoveryFilter("aws-cn", [_lab.Lab.AccountId]))));
    }

    [Fact]
    public async Task KMS_errors_are_reported_with_their_code()
    {
        var client = new EnvelopeClient(_lab.Kms);
        var e = await Assert.ThrowsAsync<EnvelopeException>(() => client.EncryptAsync([1], Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKey,
            "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000")));
        Assert.Contains("GenerateDataKey", e.Message);
        Assert.Contains("NotFound", e.Message);
        Assert.IsAssignableFrom<AmazonKeyManagementServiceException>(e.InnerException);

        var key = await NewKeyAsync();
        var message = await client.EncryptAsync([1], Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, key));
        var eu = new EnvelopeClient(_lab.Lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1));
        var regional = await Assert.ThrowsAsync<EnvelopeException>(() => eu.DecryptAsync(message, EnvelopeDecryptOptions.Discovery()));
        Assert.Contains("No KMS key could decrypt the data key", regional.Message);
    }

    [Fact]
    public async Task Every_single_bit_flip_is_rejected_through_KMS()
    {
        var key = await NewKeyAsync();
        var client = new EnvelopeClient(_lab.Kms);
        var plaintext = Pattern(20);
        var message = await client.EncryptAsync(plaintext, Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKey, key) with { FrameLength = 8 });
        Assert.Equal(plaintext, await client.DecryptAsync(message, EnvelopeDecryptOptions.Strict(key)));
        for (int bit = 0; bit < message.Length * 8; bit++)
        {
            var tampered = (byte[])message.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var mode = bit % 2 == 0 ? EnvelopeDecryptOptions.Strict(key) : EnvelopeDecryptOptions.Discovery();
            await Assert.ThrowsAnyAsync<EnvelopeException>(() => client.DecryptAsync(tampered, mode));
        }
    }

    [Fact]
    public async Task The_cache_saves_KMS_calls_and_expires_on_the_lab_clock()
    {
        var keys = new[] { await NewKeyAsync(), await NewKeyAsync() };
        var cache = new DataKeyCache(_lab.Lab.Clock, new DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(10), MaxMessagesPerKey = 100 });
        var client = new EnvelopeClient(_lab.Kms, new EnvelopeClientOptions { Cache = cache });
        var options = Options(AlgorithmSuite.AesGcm256HkdfSha512CommitKeyEcdsaP384, keys);
        var messages = new List<byte[]>();
        for (int i = 0; i < 10; i++) messages.Add(await client.EncryptAsync(Pattern(100, i), options));
        Assert.Equal(2, cache.KmsCallsMade);   // one GenerateDataKey + one Encrypt
        Assert.Equal(18, cache.KmsCallsSaved); // nine messages reused them

        for (int i = 0; i < 10; i++) Assert.Equal(Pattern(100, i), await client.DecryptAsync(messages[i], EnvelopeDecryptOptions.Strict(keys[1])));
        Assert.Equal(3, cache.KmsCallsMade);   // one Decrypt for all ten: they share encrypted data keys
        Assert.Equal(27, cache.KmsCallsSaved);

        _lab.Lab.Clock.Advance(TimeSpan.FromMinutes(10));
        await client.EncryptAsync(Pattern(1), options);
        Assert.Equal(5, cache.KmsCallsMade);
    }
}
