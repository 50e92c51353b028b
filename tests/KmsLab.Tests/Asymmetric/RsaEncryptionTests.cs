using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>Encrypt, Decrypt and ReEncrypt with RSA ENCRYPT_DECRYPT keys (RSAES-OAEP).</summary>
public class RsaEncryptionTests
{
    private static readonly byte[] Secret = "the database password"u8.ToArray();

    [Theory]
    [InlineData("RSAES_OAEP_SHA_1")]
    [InlineData("RSAES_OAEP_SHA_256")]
    public async Task Encrypts_and_decrypts_with_KeyId_and_algorithm(string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var encrypted = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = algorithm });
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal(algorithm, encrypted.EncryptionAlgorithm.Value);
        var ciphertext = encrypted.CiphertextBlob.ToArray();
        Assert.Equal(256, ciphertext.Length); // raw RSA output: as long as the modulus

        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = algorithm });
        Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        Assert.Equal(key.Arn, decrypted.KeyId);
        Assert.Equal(algorithm, decrypted.EncryptionAlgorithm.Value);
        Assert.Null(decrypted.KeyMaterialId); // symmetric keys only

        // OAEP is randomised: the same plaintext encrypts differently each time.
        var again = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = algorithm });
        Assert.NotEqual(ciphertext, again.CiphertextBlob.ToArray());
    }

    [Theory]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_1", 214)]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_256", 190)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_1", 342)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_256", 318)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_1", 470)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_256", 446)]
    public async Task Plaintext_is_limited_by_key_size_and_algorithm(string spec, string algorithm, int max)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, "ENCRYPT_DECRYPT");
        var plaintext = RandomNumberGenerator.GetBytes(max);
        var encrypted = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(plaintext), EncryptionAlgorithm = algorithm });
        Assert.Equal(int.Parse(spec[4..]) / 8, encrypted.CiphertextBlob.Length);
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = encrypted.CiphertextBlob, EncryptionAlgorithm = algorithm });
        Assert.Equal(plaintext, decrypted.Plaintext.ToArray());

        var e = await AssertErrorAsync("ValidationException", () => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(new byte[max + 1]), EncryptionAlgorithm = algorithm }));
        Assert.Equal($"1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to {max}", e.Message);
    }

    [Fact]
    public async Task RSA_keys_need_an_RSA_encryption_algorithm()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_3072", "ENCRYPT_DECRYPT");
        // Without EncryptionAlgorithm, KMS assumes SYMMETRIC_DEFAULT.
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret) }));
        Assert.Equal("Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_3072.", e.Message);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.SM2PKE }));

        var ciphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob.ToArray();
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(ciphertext) }));
    }

    [Fact]
    public async Task A_symmetric_key_refuses_RSA_algorithms()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var e = await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        Assert.Equal("Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.", e.Message);
    }

    [Fact]
    public async Task Decrypt_needs_the_KeyId_because_RSA_ciphertext_names_no_key()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var ciphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1 })).CiphertextBlob.ToArray();
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1 }));
    }

    [Fact]
    public async Task Wrong_algorithm_changed_ciphertext_or_another_key_fail_with_InvalidCiphertextException()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var other = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var ciphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob.ToArray();
        Task Decrypt(string keyId, byte[] blob, string algorithm) => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = keyId, CiphertextBlob = Stream(blob), EncryptionAlgorithm = algorithm });

        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decrypt(key.KeyId, ciphertext, "RSAES_OAEP_SHA_1"));
        var changed = ciphertext.ToArray();
        changed[100] ^= 0x40;
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decrypt(key.KeyId, changed, "RSAES_OAEP_SHA_256"));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decrypt(other.KeyId, ciphertext, "RSAES_OAEP_SHA_256"));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Decrypt(key.KeyId, ciphertext[..255], "RSAES_OAEP_SHA_256"));
    }

    [Fact]
    public async Task Encryption_context_is_for_symmetric_keys_only()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var context = new Dictionary<string, string> { ["purpose"] = "test" };
        await AssertErrorAsync("ValidationException", () => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, EncryptionContext = context }));
        var ciphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob;
        await AssertErrorAsync("ValidationException", () => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = ciphertext, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, EncryptionContext = context }));
    }

    [Fact]
    public async Task ReEncrypt_moves_data_between_RSA_and_symmetric_keys()
    {
        var lab = new TestLab().Pooled();
        var rsa = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var symmetric = await lab.CreateKeyAsync();
        var context = new Dictionary<string, string> { ["app"] = "payroll" };
        var rsaCiphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = rsa.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob.ToArray();

        var toSymmetric = await lab.Kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = Stream(rsaCiphertext),
            SourceKeyId = rsa.KeyId,
            SourceEncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256,
            DestinationKeyId = symmetric.KeyId,
            DestinationEncryptionContext = context,
        });
        Assert.Equal(rsa.Arn, toSymmetric.SourceKeyId);
        Assert.Equal("RSAES_OAEP_SHA_256", toSymmetric.SourceEncryptionAlgorithm.Value);
        Assert.Equal("SYMMETRIC_DEFAULT", toSymmetric.DestinationEncryptionAlgorithm.Value);
        Assert.Null(toSymmetric.SourceKeyMaterialId);
        Assert.NotNull(toSymmetric.DestinationKeyMaterialId);
        var viaSymmetric = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = toSymmetric.CiphertextBlob, EncryptionContext = context });
        Assert.Equal(Secret, viaSymmetric.Plaintext.ToArray());

        var toRsa = await lab.Kms.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = Stream(toSymmetric.CiphertextBlob.ToArray()),
            SourceEncryptionContext = context,
            DestinationKeyId = rsa.Arn,
            DestinationEncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1,
        });
        Assert.Equal("RSAES_OAEP_SHA_1", toRsa.DestinationEncryptionAlgorithm.Value);
        Assert.Null(toRsa.DestinationKeyMaterialId);
        var viaRsa = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = rsa.KeyId, CiphertextBlob = toRsa.CiphertextBlob, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1 });
        Assert.Equal(Secret, viaRsa.Plaintext.ToArray());

        // An RSA source needs its key named.
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => lab.Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Stream(rsaCiphertext), DestinationKeyId = symmetric.KeyId }));
    }

    [Fact]
    public async Task RSA_encryption_follows_the_key_state()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var ciphertext = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 })).CiphertextBlob.ToArray();
        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        await lab.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, DryRun = true }));
    }

    [Fact]
    public async Task Data_encrypted_outside_KMS_with_the_public_key_decrypts_in_KMS()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("RSA_4096", "ENCRYPT_DECRYPT");
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        using var outside = RSA.Create();
        outside.ImportSubjectPublicKeyInfo(publicKey, out _);
        foreach (var (padding, algorithm) in new[] { (RSAEncryptionPadding.OaepSHA256, "RSAES_OAEP_SHA_256"), (RSAEncryptionPadding.OaepSHA1, "RSAES_OAEP_SHA_1") })
        {
            var ciphertext = outside.Encrypt(Secret, padding);
            var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.Arn, CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = algorithm });
            Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        }
    }
}
