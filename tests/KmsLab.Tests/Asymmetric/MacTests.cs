using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>GenerateMac and VerifyMac with HMAC keys, and KmsLab's SHA-224 (which .NET lacks).</summary>
public class MacTests
{
    private static readonly byte[] Message = "session=42; user=alice"u8.ToArray();

    [Theory]
    [InlineData("HMAC_224", "HMAC_SHA_224", 28)]
    [InlineData("HMAC_256", "HMAC_SHA_256", 32)]
    [InlineData("HMAC_384", "HMAC_SHA_384", 48)]
    [InlineData("HMAC_512", "HMAC_SHA_512", 64)]
    public async Task Generates_and_verifies_an_HMAC(string spec, string algorithm, int length)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "GENERATE_VERIFY_MAC");
        var generated = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = algorithm });
        Assert.Equal(key.Arn, generated.KeyId);
        Assert.Equal(algorithm, generated.MacAlgorithm.Value);
        var mac = generated.Mac.ToArray();
        Assert.Equal(length, mac.Length);
        // HMAC is deterministic: the same key and message give the same MAC.
        var again = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = algorithm });
        Assert.Equal(mac, again.Mac.ToArray());

        var verified = await lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.Arn, Message = Stream(Message), Mac = Stream(mac), MacAlgorithm = algorithm });
        Assert.True(verified.MacValid);
        Assert.Equal(key.Arn, verified.KeyId);
        Assert.Equal(algorithm, verified.MacAlgorithm.Value);
    }

    [Fact]
    public async Task A_changed_message_MAC_or_key_fails_with_KMSInvalidMacException()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var other = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var mac = (await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).Mac.ToArray();
        Task Verify(string keyId, byte[] message, byte[] m) => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = keyId, Message = Stream(message), Mac = Stream(m), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });

        await Assert.ThrowsAsync<KMSInvalidMacException>(() => Verify(key.KeyId, "session=42; user=admin"u8.ToArray(), mac));
        var flipped = mac.ToArray();
        flipped[0] ^= 1;
        await Assert.ThrowsAsync<KMSInvalidMacException>(() => Verify(key.KeyId, Message, flipped));
        await Assert.ThrowsAsync<KMSInvalidMacException>(() => Verify(key.KeyId, Message, mac[..16]));
        await Assert.ThrowsAsync<KMSInvalidMacException>(() => Verify(other.KeyId, Message, mac));
    }

    [Theory]
    [InlineData("HMAC_256", "HMAC_SHA_384")]
    [InlineData("HMAC_512", "HMAC_SHA_256")]
    [InlineData("HMAC_224", "HMAC_SHA_512")]
    public async Task A_MAC_algorithm_of_another_HMAC_spec_is_InvalidKeyUsageException(string spec, string algorithm)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, "GENERATE_VERIFY_MAC");
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = algorithm }));
        Assert.Equal($"Algorithm {algorithm} is incompatible with key spec {spec}.", e.Message);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(Message), Mac = Stream(new byte[32]), MacAlgorithm = algorithm }));
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    public async Task Keys_without_GENERATE_VERIFY_MAC_usage_cannot_make_MACs(string spec, string usage)
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync(spec, usage);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(Message), Mac = Stream(new byte[32]), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
    }

    [Fact]
    public async Task HMAC_keys_cannot_encrypt_sign_or_give_a_public_key()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("HMAC_384", "GENERATE_VERIFY_MAC");
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Message) }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(new byte[100]) }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_384 }));
    }

    [Fact]
    public async Task Messages_are_1_to_4096_bytes_and_members_are_validated()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var mac = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(new byte[4096]), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
        Assert.True((await lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(new byte[4096]), Mac = mac.Mac, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).MacValid);
        var tooLong = await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(new byte[4097]), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
        Assert.Equal("1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096", tooLong.Message);
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream([]), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message) }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = "HMAC_SHA_1" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(new byte[4097]), Mac = mac.Mac, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
    }

    [Fact]
    public async Task MACs_follow_the_key_state_and_honour_DryRun()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("HMAC_512", "GENERATE_VERIFY_MAC");
        var mac = (await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512 })).Mac.ToArray();
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512, DryRun = true }));
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(Message), Mac = Stream(mac), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512, DryRun = true }));
        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512 }));
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key.KeyId, Message = Stream(Message), Mac = Stream(mac), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512 }));
    }

    // FIPS 180-4 examples (NIST CSRC "SHA224.pdf").
    [Theory]
    [InlineData("", "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")]
    [InlineData("abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")]
    public void Sha224_matches_the_FIPS_examples(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha224.HashData(System.Text.Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void Sha224_of_a_million_a_matches_FIPS() =>
        Assert.Equal("20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67", Convert.ToHexStringLower(Sha224.HashData(Enumerable.Repeat((byte)'a', 1_000_000).ToArray())));

    // RFC 4231 test cases 1, 2, 6 (key longer than the block) and 7.
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e")]
    public void Hmac_sha224_matches_RFC_4231(string key, string data, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha224.Hmac(Convert.FromHexString(key), Convert.FromHexString(data))));

    [Fact]
    public void Hmac_sha224_matches_openssl_for_every_length_around_the_block_size()
    {
        using var openssl = new OpenSsl();
        foreach (int length in new[] { 1, 55, 56, 63, 64, 65, 119, 120, 200 })
        {
            var key = RandomNumberGenerator.GetBytes(length % 70 + 1);
            var data = RandomNumberGenerator.GetBytes(length);
            var path = openssl.Write($"m{length}.bin", data);
            var output = openssl.RunOk("dgst", "-sha224", "-mac", "HMAC", "-macopt", "hexkey:" + Convert.ToHexStringLower(key), "-r", path);
            Assert.Equal(output.Split(' ')[0], Convert.ToHexStringLower(Sha224.Hmac(key, data)));
            var digest = openssl.RunOk("dgst", "-sha224", "-r", path);
            Assert.Equal(digest.Split(' ')[0], Convert.ToHexStringLower(Sha224.HashData(data)));
        }
    }
}
