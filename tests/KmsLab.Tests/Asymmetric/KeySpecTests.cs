using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Protocol;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>CreateKey, DescribeKey and GetPublicKey for every asymmetric and HMAC key spec.</summary>
public class KeySpecTests
{
    private static readonly string[] RsaSigning =
        ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"];

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT", "RSAES_OAEP_SHA_1,RSAES_OAEP_SHA_256", "", "")]
    [InlineData("RSA_3072", "ENCRYPT_DECRYPT", "RSAES_OAEP_SHA_1,RSAES_OAEP_SHA_256", "", "")]
    [InlineData("RSA_4096", "ENCRYPT_DECRYPT", "RSAES_OAEP_SHA_1,RSAES_OAEP_SHA_256", "", "")]
    [InlineData("RSA_2048", "SIGN_VERIFY", "", "RSA", "")]
    [InlineData("RSA_3072", "SIGN_VERIFY", "", "RSA", "")]
    [InlineData("RSA_4096", "SIGN_VERIFY", "", "RSA", "")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", "", "ECDSA_SHA_256", "")]
    [InlineData("ECC_NIST_P384", "SIGN_VERIFY", "", "ECDSA_SHA_384", "")]
    [InlineData("ECC_NIST_P521", "SIGN_VERIFY", "", "ECDSA_SHA_512", "")]
    [InlineData("ECC_SECG_P256K1", "SIGN_VERIFY", "", "ECDSA_SHA_256", "")]
    [InlineData("HMAC_224", "GENERATE_VERIFY_MAC", "", "", "HMAC_SHA_224")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC", "", "", "HMAC_SHA_256")]
    [InlineData("HMAC_384", "GENERATE_VERIFY_MAC", "", "", "HMAC_SHA_384")]
    [InlineData("HMAC_512", "GENERATE_VERIFY_MAC", "", "", "HMAC_SHA_512")]
    public async Task CreateKey_and_DescribeKey_list_the_algorithms_of_each_spec(string spec, string usage, string encryption, string signing, string mac)
    {
        var lab = new TestLab().Pooled();
        var created = await lab.CreateKeyAsync(spec, usage);
        var described = (await lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = created.KeyId })).KeyMetadata;
        foreach (var metadata in new[] { created, described })
        {
            Assert.Equal(spec, metadata.KeySpec.Value);
#pragma warning disable CS0618 // the deprecated twin must still be filled in
            Assert.Equal(spec, metadata.CustomerMasterKeySpec.Value);
#pragma warning restore CS0618
            Assert.Equal(usage, metadata.KeyUsage.Value);
            Assert.Equal("Enabled", metadata.KeyState.Value);
            Assert.True(metadata.Enabled);
            Assert.Equal("AWS_KMS", metadata.Origin.Value);
            Assert.Equal(Split(encryption), (metadata.EncryptionAlgorithms ?? []));
            Assert.Equal(signing == "RSA" ? RsaSigning : Split(signing), (metadata.SigningAlgorithms ?? []));
            Assert.Equal(Split(mac), (metadata.MacAlgorithms ?? []));
            // KeyMaterialId is a symmetric-encryption-key notion.
            Assert.Null(metadata.CurrentKeyMaterialId);
            Assert.Null(metadata.ExpirationModel);
        }
    }

    [Fact]
    public async Task The_deprecated_CustomerMasterKeySpec_creates_the_same_key()
    {
        var lab = new TestLab();
#pragma warning disable CS0618 // deprecated on purpose: KMS still accepts it
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { CustomerMasterKeySpec = CustomerMasterKeySpec.ECC_NIST_P384, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
#pragma warning restore CS0618
        Assert.Equal("ECC_NIST_P384", key.KeySpec.Value);
        Assert.Equal(["ECDSA_SHA_384"], key.SigningAlgorithms);
    }

    [Theory]
    [InlineData("ECC_NIST_P256", null)] // KeyUsage defaults to ENCRYPT_DECRYPT, which ECC keys do not allow
    [InlineData("ECC_NIST_P256", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_SECG_P256K1", "KEY_AGREEMENT")]
    [InlineData("HMAC_256", null)]
    [InlineData("HMAC_256", "SIGN_VERIFY")]
    [InlineData("RSA_2048", "GENERATE_VERIFY_MAC")]
    [InlineData("RSA_2048", "KEY_AGREEMENT")]
    [InlineData("SYMMETRIC_DEFAULT", "SIGN_VERIFY")]
    [InlineData("ECC_NIST_EDWARDS25519", "KEY_AGREEMENT")]
    [InlineData("ML_DSA_65", "ENCRYPT_DECRYPT")]
    [InlineData("ML_DSA_65", null)]
    [InlineData("ML_KEM_768", "SIGN_VERIFY")]
    [InlineData("ML_KEM_768", null)]
    [InlineData("HMAC_256", "ENCAPSULATE_DECAPSULATE")]
    public async Task A_key_usage_the_spec_does_not_allow_is_a_validation_error(string spec, string? usage)
    {
        var lab = new TestLab();
        var e = await AssertErrorAsync("ValidationException", () => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage }));
        Assert.Contains(spec, e.Message);
    }

    [Theory]
    [InlineData("SIGN_VERIFY")]
    [InlineData("ENCRYPT_DECRYPT")]
    [InlineData("KEY_AGREEMENT")]
    public async Task SM2_exists_only_in_the_China_Regions_and_KmsLab_does_not_model_it_there(string usage)
    {
        // The SDK's CreateKey KeySpec doc: "SM2 (China Regions only)".
        var lab = new TestLab();
        var e = await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "SM2", KeyUsage = usage }));
        Assert.Contains("only in the China Regions", e.Message);
        foreach (var region in new[] { Amazon.RegionEndpoint.CNNorth1, Amazon.RegionEndpoint.CNNorthWest1 })
        {
            var china = lab.Lab.CreateKmsClient(region);
            var there = await Assert.ThrowsAsync<UnsupportedOperationException>(() => china.CreateKeyAsync(new CreateKeyRequest { KeySpec = "SM2", KeyUsage = usage }));
            Assert.Contains("KmsLab does not model SM2", there.Message);
        }
    }

    [Fact]
    public async Task ML_KEM_keys_are_not_available_in_the_China_Regions()
    {
        // The SDK's CreateKey KeySpec doc: "The ML-KEM key specs are not available in China Regions."
        var lab = new TestLab();
        var china = lab.Lab.CreateKmsClient(Amazon.RegionEndpoint.CNNorth1);
        var e = await Assert.ThrowsAsync<UnsupportedOperationException>(() => china.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ML_KEM_768", KeyUsage = "ENCAPSULATE_DECAPSULATE" }));
        Assert.Contains("China", e.Message);
        var dsa = (await china.CreateKeyAsync(new CreateKeyRequest { KeySpec = "ML_DSA_44", KeyUsage = "SIGN_VERIFY" })).KeyMetadata;
        Assert.Equal("Enabled", dsa.KeyState);
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "SIGN_VERIFY")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("ECC_SECG_P256K1", "SIGN_VERIFY")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task Asymmetric_and_HMAC_keys_do_not_rotate(string spec, string usage)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, usage);
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = key.KeyId }));
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "SIGN_VERIFY")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task Data_keys_need_a_symmetric_encryption_key(string spec, string usage)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, usage);
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }));
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => lab.Kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, NumberOfBytes = 32 }));
    }

    [Theory]
    [InlineData("RSA_2048", "ENCRYPT_DECRYPT", 2048, null)]
    [InlineData("RSA_3072", "SIGN_VERIFY", 3072, null)]
    [InlineData("RSA_4096", "SIGN_VERIFY", 4096, null)]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", 256, "1.2.840.10045.3.1.7")]
    [InlineData("ECC_NIST_P384", "SIGN_VERIFY", 384, "1.3.132.0.34")]
    [InlineData("ECC_NIST_P521", "SIGN_VERIFY", 521, "1.3.132.0.35")]
    [InlineData("ECC_SECG_P256K1", "SIGN_VERIFY", 256, "1.3.132.0.10")]
    public async Task GetPublicKey_returns_DER_SubjectPublicKeyInfo_of_the_right_size_and_curve(string spec, string usage, int bits, string? curveOid)
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync(spec, usage);
        var response = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal(spec, response.KeySpec.Value);
#pragma warning disable CS0618 // the deprecated twin must still be filled in
        Assert.Equal(spec, response.CustomerMasterKeySpec.Value);
#pragma warning restore CS0618
        Assert.Equal(usage, response.KeyUsage.Value);
        Assert.Equal(key.EncryptionAlgorithms ?? [], response.EncryptionAlgorithms ?? []);
        Assert.Equal(key.SigningAlgorithms ?? [], response.SigningAlgorithms ?? []);
        var der = response.PublicKey.ToArray();
        if (curveOid is null)
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(der, out int read);
            Assert.Equal(der.Length, read);
            Assert.Equal(bits, rsa.KeySize);
        }
        else
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(der, out int read);
            Assert.Equal(der.Length, read);
            Assert.Equal(bits, ecdsa.KeySize);
            Assert.Equal(curveOid, ecdsa.ExportParameters(false).Curve.Oid.Value);
        }
        // The same public key every time: it belongs to the key, not to the call.
        var again = await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn });
        Assert.Equal(der, again.PublicKey.ToArray());
    }

    [Fact]
    public async Task Each_key_has_its_own_key_pair()
    {
        var lab = new TestLab();
        var a = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var b = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var pa = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = a.KeyId })).PublicKey.ToArray();
        var pb = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = b.KeyId })).PublicKey.ToArray();
        Assert.NotEqual(pa, pb);
    }

    [Fact]
    public async Task GetPublicKey_of_symmetric_and_HMAC_keys_is_unsupported()
    {
        var lab = new TestLab();
        var symmetric = await lab.CreateKeyAsync();
        var hmac = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = symmetric.KeyId }));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = hmac.KeyId }));
    }

    [Fact]
    public async Task GetPublicKey_follows_the_key_state_and_accepts_aliases()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/signer", TargetKeyId = key.KeyId });
        Assert.Equal(key.Arn, (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = "alias/signer" })).KeyId);

        await lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        var disabled = await Assert.ThrowsAsync<DisabledException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }));
        Assert.Equal($"{key.Arn} is disabled.", disabled.Message);
        await lab.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        var pending = await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }));
        Assert.Equal($"{key.Arn} is pending deletion.", pending.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = "alias/nothing" }));
    }

    [Fact]
    public void The_wire_adapter_routes_every_new_operation()
    {
        string[] operations = ["Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"];
        foreach (var operation in operations) Assert.Contains(operation, KmsProtocolAdapter.OperationNames);
    }

    private static string[] Split(string list) => list.Length == 0 ? [] : list.Split(',');
}
