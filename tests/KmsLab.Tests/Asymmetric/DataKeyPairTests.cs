using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext.</summary>
public class DataKeyPairTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "blue" };

    [Theory]
    [InlineData("RSA_2048", 2048, null)]
    [InlineData("RSA_3072", 3072, null)]
    [InlineData("RSA_4096", 4096, null)]
    [InlineData("ECC_NIST_P256", 256, "1.2.840.10045.3.1.7")]
    [InlineData("ECC_NIST_P384", 384, "1.3.132.0.34")]
    [InlineData("ECC_NIST_P521", 521, "1.3.132.0.35")]
    [InlineData("ECC_SECG_P256K1", 256, "1.3.132.0.10")]
    public async Task Returns_an_SPKI_public_key_a_PKCS8_private_key_and_that_key_encrypted_under_the_KMS_key(string pairSpec, int bits, string? curveOid)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync();
        var pair = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = pairSpec, EncryptionContext = Context });
        Assert.Equal(key.Arn, pair.KeyId);
        Assert.Equal(pairSpec, pair.KeyPairSpec.Value);
        Assert.Equal(key.CurrentKeyMaterialId, pair.KeyMaterialId);
        var publicKey = pair.PublicKey.ToArray();
        var privateKey = pair.PrivateKeyPlaintext.ToArray();

        if (curveOid is null)
        {
            using var rsaPrivate = RSA.Create();
            rsaPrivate.ImportPkcs8PrivateKey(privateKey, out int read);
            Assert.Equal(privateKey.Length, read);
            Assert.Equal(bits, rsaPrivate.KeySize);
            Assert.Equal(publicKey, rsaPrivate.ExportSubjectPublicKeyInfo());
        }
        else
        {
            using var ecPrivate = ECDsa.Create();
            ecPrivate.ImportPkcs8PrivateKey(privateKey, out int read);
            Assert.Equal(privateKey.Length, read);
            Assert.Equal(curveOid, ecPrivate.ExportParameters(false).Curve.Oid.Value);
            Assert.Equal(bits, ecPrivate.KeySize);
            Assert.Equal(publicKey, ecPrivate.ExportSubjectPublicKeyInfo());
        }

        // The encrypted private key is an ordinary KMS ciphertext: Decrypt (with the context) gives the PKCS#8 bytes back.
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = pair.PrivateKeyCiphertextBlob, EncryptionContext = Context });
        Assert.Equal(privateKey, decrypted.Plaintext.ToArray());
        Assert.Equal(key.Arn, decrypted.KeyId);
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = pair.PrivateKeyCiphertextBlob }));
    }

    [Fact]
    public async Task Every_call_gives_a_new_pair_and_the_version_without_plaintext_omits_the_private_key()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var first = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 });
        var second = await lab.Kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key.Arn, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256, EncryptionContext = Context });
        Assert.NotEqual(first.PublicKey.ToArray(), second.PublicKey.ToArray());
        Assert.Null(second.GetType().GetProperty("PrivateKeyPlaintext"));
        Assert.Equal(key.Arn, second.KeyId);
        Assert.Equal("ECC_NIST_P256", second.KeyPairSpec.Value);

        var privateKey = (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = second.PrivateKeyCiphertextBlob, EncryptionContext = Context })).Plaintext.ToArray();
        using var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(privateKey, out _);
        Assert.Equal(second.PublicKey.ToArray(), ec.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task The_pair_works_outside_KMS_private_key_signs_public_key_verifies()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync();
        var pair = await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.RSA_2048 });
        var document = "invoice 2026-0042"u8.ToArray();
        using var signer = RSA.Create();
        signer.ImportPkcs8PrivateKey(pair.PrivateKeyPlaintext.ToArray(), out _);
        var signature = signer.SignData(document, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        using var verifier = RSA.Create();
        verifier.ImportSubjectPublicKeyInfo(pair.PublicKey.ToArray(), out _);
        Assert.True(verifier.VerifyData(document, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        // And for encryption: what the public key encrypts, the private key decrypts.
        var sealedBox = verifier.Encrypt(document, RSAEncryptionPadding.OaepSHA256);
        Assert.Equal(document, signer.Decrypt(sealedBox, RSAEncryptionPadding.OaepSHA256));
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task The_KMS_key_must_be_a_symmetric_encryption_key(string spec, string usage)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, usage);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 }));
    }

    [Fact]
    public async Task Pair_specs_are_validated()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = "RSA_1024" }));
        await AssertErrorAsync("ValidationException", () => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 }));
        var sm2 = await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.SM2 }));
        Assert.Contains("China", sm2.Message);
    }

    [Fact]
    public async Task Data_key_pairs_follow_the_key_state_and_honour_DryRun()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        await Assert.ThrowsAsync<DryRunOperationException>(() => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256, DryRun = true }));
        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 }));
        await Assert.ThrowsAsync<NotFoundException>(() => lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = "alias/missing", KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 }));
    }
}
