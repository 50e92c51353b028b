using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Simulation;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>Keys with your own key material: Origin EXTERNAL, GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial, expiry.</summary>
public class ImportTests
{
    private static readonly byte[] Secret = "imported-key secret"u8.ToArray();

    private static async Task<KeyMetadata> CreateExternalKeyAsync(TestLab lab, string spec = "SYMMETRIC_DEFAULT", string usage = "ENCRYPT_DECRYPT") =>
        await lab.CreateKeyAsync(spec, usage, origin: "EXTERNAL");

    private static async Task<KeyMetadata> DescribeAsync(TestLab lab, string keyId) =>
        (await lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;

    [Fact]
    public async Task An_EXTERNAL_key_starts_pending_import_and_is_unusable()
    {
        var lab = new TestLab();
        var key = await CreateExternalKeyAsync(lab);
        Assert.Equal("EXTERNAL", key.Origin.Value);
        Assert.Equal("PendingImport", key.KeyState.Value);
        Assert.False(key.Enabled);
        Assert.Null(key.CurrentKeyMaterialId);
        Assert.Null(key.ExpirationModel);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret) }));
        Assert.Equal($"{key.Arn} is pending import.", e.Message);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }));
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId }));
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_1")]
    [InlineData("RSAES_OAEP_SHA_256")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_1")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_256")]
    public async Task Imported_symmetric_material_encrypts_decrypts_and_makes_data_keys(string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var imported = await lab.ImportAsync(key.KeyId, material, algorithm);
        Assert.Equal(key.Arn, imported.KeyId);
        Assert.Matches("^[0-9a-f]{64}$", imported.KeyMaterialId);

        var described = await DescribeAsync(lab, key.KeyId);
        Assert.Equal("Enabled", described.KeyState.Value);
        Assert.True(described.Enabled);
        Assert.Equal("KEY_MATERIAL_DOES_NOT_EXPIRE", described.ExpirationModel.Value);
        Assert.Null(described.ValidTo);
        Assert.Equal(imported.KeyMaterialId, described.CurrentKeyMaterialId);

        var encrypted = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret) });
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob });
        Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        Assert.Equal(imported.KeyMaterialId, decrypted.KeyMaterialId);
        var dataKey = await lab.Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 });
        Assert.Equal(dataKey.Plaintext.ToArray(), (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob })).Plaintext.ToArray());
    }

    [Fact]
    public async Task The_imported_bytes_really_are_the_AES_GCM_key_of_the_ciphertext()
    {
        // Outside check: decrypt KmsLab's ciphertext blob with the material we imported, reading its
        // documented layout with the platform's ASN.1 reader: a 58-byte header (authenticated), then a
        // CMS EncryptedData whose AES-GCM nonce and content (11 bytes, the plaintext, the tag) it names.
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        await lab.ImportAsync(key.KeyId, material);
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret) })).CiphertextBlob.ToArray();

        var (nonce, content) = Simulator.CiphertextLayoutTests.ReadFrame(blob.AsMemory(58));
        var opened = new byte[content.Length - 16];
        using var aes = new AesGcm(material, 16);
        aes.Decrypt(nonce.Span, content.Span[..^16], content.Span[^16..], opened, blob.AsSpan(0, 58));
        Assert.Equal(new byte[11], opened[..11]);
        var plaintext = opened[11..];
        Assert.Equal(Secret, plaintext);
    }

    [Fact]
    public async Task A_blob_of_the_simulators_first_layout_still_decrypts()
    {
        // KmsLab's blobs before they took real KMS's layout: 0x01, key ID, material ID, IV, tag and
        // ciphertext, with the 49-byte header and the context authenticated. Built here from the material.
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var imported = await lab.ImportAsync(key.KeyId, material);
        var header = new byte[49];
        header[0] = 0x01;
        Assert.True(Guid.Parse(key.KeyId).TryWriteBytes(header.AsSpan(1, 16), bigEndian: true, out _));
        Convert.FromHexString(imported.KeyMaterialId).CopyTo(header, 17);
        var iv = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var ciphertext = new byte[Secret.Length];
        using (var aes = new AesGcm(material, 16)) aes.Encrypt(iv, Secret, ciphertext, tag, header);
        byte[] blob = [.. header, .. iv, .. tag, .. ciphertext];

        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) });
        Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        Assert.Equal(imported.KeyMaterialId, decrypted.KeyMaterialId);
        blob[^1] ^= 1;
        await KmsAssert.Code("InvalidCiphertextException", () => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) }));
    }

    [Fact]
    public async Task GetParametersForImport_returns_an_RSA_wrapping_key_and_a_token_valid_24_hours()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        foreach (var (spec, bits) in new[] { ("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096) })
        {
            var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.Arn, WrappingAlgorithm = AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec = spec });
            Assert.Equal(key.Arn, parameters.KeyId);
            Assert.Equal(TestLab.Start.UtcDateTime.AddHours(24), parameters.ParametersValidTo);
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(parameters.PublicKey.ToArray(), out _);
            Assert.Equal(bits, rsa.KeySize);
            Assert.True(parameters.ImportToken.Length > 0);
        }
        var a = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var b = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        Assert.NotEqual(a.ImportToken.ToArray(), b.ImportToken.ToArray());
    }

    [Fact]
    public async Task GetParametersForImport_refuses_what_KMS_refuses()
    {
        var lab = new TestLab().Pooled();
        var external = await CreateExternalKeyAsync(lab);
        var generated = await lab.CreateKeyAsync();
        Task Get(string keyId, string algorithm, string spec) => lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = keyId, WrappingAlgorithm = algorithm, WrappingKeySpec = spec });

        var pkcs1 = await Assert.ThrowsAsync<UnsupportedOperationException>(() => Get(external.KeyId, "RSAES_PKCS1_V1_5", "RSA_2048"));
        Assert.Contains("RSAES_PKCS1_V1_5", pkcs1.Message);
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => Get(external.KeyId, "SM2PKE", "SM2"));
        var notExternal = await Assert.ThrowsAsync<UnsupportedOperationException>(() => Get(generated.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048"));
        Assert.Contains("Origin AWS_KMS", notExternal.Message);
        await AssertErrorAsync("ValidationException", () => Get(external.KeyId, "RSAES_OAEP_SHA_512", "RSA_2048"));
        await AssertErrorAsync("ValidationException", () => Get(external.KeyId, "RSAES_OAEP_SHA_256", "RSA_1024"));
        await AssertErrorAsync("ValidationException", () => lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingKeySpec = WrappingKeySpec.RSA_2048 }));
        // Key-management calls take key IDs and ARNs, not aliases.
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/byok", TargetKeyId = external.KeyId });
        await Assert.ThrowsAsync<NotFoundException>(() => Get("alias/byok", "RSAES_OAEP_SHA_256", "RSA_2048"));
        await lab.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = external.KeyId, PendingWindowInDays = 7 });
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => Get(external.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048"));
    }

    [Fact]
    public async Task Expired_material_returns_the_key_to_PendingImport_and_reimporting_the_same_material_restores_old_ciphertexts()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var validTo = TestLab.Start.UtcDateTime.AddDays(30);
        var first = await lab.ImportAsync(key.KeyId, material, "RSA_AES_KEY_WRAP_SHA_256", validTo);
        var described = await DescribeAsync(lab, key.KeyId);
        Assert.Equal("KEY_MATERIAL_EXPIRES", described.ExpirationModel.Value);
        Assert.Equal(validTo, described.ValidTo);
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret), EncryptionContext = new() { ["k"] = "v" } })).CiphertextBlob.ToArray();

        lab.Lab.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.Equal("Enabled", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
        lab.Lab.Clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await DescribeAsync(lab, key.KeyId);
        Assert.Equal("PendingImport", expired.KeyState.Value);
        Assert.False(expired.Enabled);
        Assert.Null(expired.ValidTo);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob), EncryptionContext = new() { ["k"] = "v" } }));
        Assert.Equal($"{key.Arn} is pending import.", e.Message);

        var second = await lab.ImportAsync(key.KeyId, material, "RSAES_OAEP_SHA_1");
        Assert.Equal(first.KeyMaterialId, second.KeyMaterialId); // same bytes, same key: same KeyMaterialId
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob), EncryptionContext = new() { ["k"] = "v" } });
        Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        Assert.Equal("KEY_MATERIAL_DOES_NOT_EXPIRE", (await DescribeAsync(lab, key.KeyId)).ExpirationModel.Value);
        lab.Lab.Clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal("Enabled", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
    }

    [Fact]
    public async Task Different_material_for_a_key_that_had_material_is_IncorrectKeyMaterialException()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        await lab.ImportAsync(key.KeyId, material);

        // While the material is there...
        var e = await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, RandomNumberGenerator.GetBytes(32)));
        Assert.Contains(key.Arn, e.Message);
        // ...and after it was deleted: the key stays bound to its first material.
        var deleted = await lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, deleted.KeyId);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, RandomNumberGenerator.GetBytes(32)));
        await lab.ImportAsync(key.KeyId, material);
        Assert.Equal("Enabled", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
    }

    [Fact]
    public async Task The_same_material_in_two_keys_gets_two_KeyMaterialIds_and_ciphertexts_stay_with_their_key()
    {
        var lab = new TestLab().Pooled();
        var a = await CreateExternalKeyAsync(lab);
        var b = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var ia = await lab.ImportAsync(a.KeyId, material);
        var ib = await lab.ImportAsync(b.KeyId, material);
        Assert.NotEqual(ia.KeyMaterialId, ib.KeyMaterialId);
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = a.KeyId, Plaintext = Stream(Secret) })).CiphertextBlob;
        await Assert.ThrowsAsync<IncorrectKeyException>(() => lab.Kms.DecryptAsync(new DecryptRequest { KeyId = b.KeyId, CiphertextBlob = blob }));
    }

    [Fact]
    public async Task DeleteImportedKeyMaterial_makes_the_key_pending_import_until_the_material_comes_back()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var imported = await lab.ImportAsync(key.KeyId, material);
        var blob = (await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Stream(Secret) })).CiphertextBlob.ToArray();

        await AssertErrorAsync("NotFoundException", () => lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId, KeyMaterialId = new string('a', 64) }));
        var deleted = await lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.Arn, KeyMaterialId = imported.KeyMaterialId });
        Assert.Equal(imported.KeyMaterialId, deleted.KeyMaterialId);
        var described = await DescribeAsync(lab, key.KeyId);
        Assert.Equal("PendingImport", described.KeyState.Value);
        Assert.Null(described.ExpirationModel);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) }));
        // Deleting again is harmless.
        await lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId });

        await lab.ImportAsync(key.KeyId, material, "RSA_AES_KEY_WRAP_SHA_1");
        Assert.Equal(Secret, (await lab.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Stream(blob) })).Plaintext.ToArray());
    }

    [Fact]
    public async Task DeleteImportedKeyMaterial_and_ImportKeyMaterial_need_an_EXTERNAL_key()
    {
        var lab = new TestLab().Pooled();
        var generated = await lab.CreateKeyAsync();
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = generated.KeyId }));
        var external = await CreateExternalKeyAsync(lab);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = generated.KeyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Stream(Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", new byte[32])),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
    }

    [Fact]
    public async Task A_pending_deletion_key_whose_material_expires_stays_pending_deletion_and_cancelling_leaves_it_pending_import()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        await lab.ImportAsync(key.KeyId, RandomNumberGenerator.GetBytes(32), validTo: TestLab.Start.UtcDateTime.AddDays(2));
        await lab.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        lab.Lab.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal("PendingDeletion", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
        await lab.Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key.KeyId });
        Assert.Equal("PendingImport", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
    }

    [Fact]
    public async Task A_token_for_another_key_or_a_changed_token_is_InvalidImportTokenException()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var other = await CreateExternalKeyAsync(lab);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = other.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var wrapped = Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32));
        Task Import(byte[] token) => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = Stream(token), EncryptedKeyMaterial = Stream(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE });

        var token = parameters.ImportToken.ToArray();
        var e = await Assert.ThrowsAsync<InvalidImportTokenException>(() => Import(token));
        Assert.Contains("different KMS key", e.Message);
        var changed = token.ToArray();
        changed[40] ^= 1;
        await Assert.ThrowsAsync<InvalidImportTokenException>(() => Import(changed));
        await Assert.ThrowsAsync<InvalidImportTokenException>(() => Import(RandomNumberGenerator.GetBytes(600)));

        // A token from another lab (another simulated AWS) does not open here either.
        var elsewhere = new TestLab().Pooled();
        var foreignKey = await CreateExternalKeyAsync(elsewhere);
        var foreign = await elsewhere.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = foreignKey.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        await Assert.ThrowsAsync<InvalidImportTokenException>(() => Import(foreign.ImportToken.ToArray()));
    }

    [Fact]
    public async Task A_token_older_than_24_hours_is_ExpiredImportTokenException()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var material = RandomNumberGenerator.GetBytes(32);
        var request = () => new ImportKeyMaterialRequest
        {
            KeyId = key.KeyId,
            ImportToken = Stream(parameters.ImportToken.ToArray()),
            EncryptedKeyMaterial = Stream(Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        };
        lab.Lab.Clock.Advance(TimeSpan.FromHours(24));
        var e = await Assert.ThrowsAsync<ExpiredImportTokenException>(() => lab.Kms.ImportKeyMaterialAsync(request()));
        Assert.Contains("GetParametersForImport", e.Message);

        // Just inside the 24 hours it is fine.
        var fresh = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        parameters = fresh;
        lab.Lab.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1));
        await lab.Kms.ImportKeyMaterialAsync(request());
    }

    [Fact]
    public async Task Material_not_wrapped_with_this_token_s_key_and_algorithm_is_InvalidCiphertextException()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var otherParameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        Task Import(byte[] encrypted) => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = parameters.ImportToken, EncryptedKeyMaterial = Stream(encrypted), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE });

        var e = await Assert.ThrowsAsync<InvalidCiphertextException>(() => Import(Wrap(otherParameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)));
        Assert.Contains("RSAES_OAEP_SHA_256", e.Message);
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Import(Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_1", material)));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Import(Wrap(parameters.PublicKey.ToArray(), "RSA_AES_KEY_WRAP_SHA_256", material)));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Import(RandomNumberGenerator.GetBytes(256)));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => Import(material));
        Assert.Equal("PendingImport", (await DescribeAsync(lab, key.KeyId)).KeyState.Value);
    }

    [Fact]
    public async Task A_corrupted_RSA_AES_key_wrap_payload_is_InvalidCiphertextException()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var wrapped = Wrap(parameters.PublicKey.ToArray(), "RSA_AES_KEY_WRAP_SHA_256", RandomNumberGenerator.GetBytes(32));
        wrapped[^3] ^= 0x10; // inside the AES-KWP part: its integrity check fails
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = parameters.ImportToken, EncryptedKeyMaterial = Stream(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE }));
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = parameters.ImportToken, EncryptedKeyMaterial = Stream(wrapped[..260]), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE }));
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", 16)]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", 33)]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC", 31)]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC", 65)]
    [InlineData("HMAC_224", "GENERATE_VERIFY_MAC", 27)]
    [InlineData("HMAC_512", "GENERATE_VERIFY_MAC", 63)]
    public async Task Material_of_the_wrong_size_is_IncorrectKeyMaterialException(string spec, string usage, int length)
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab, spec, usage);
        var e = await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, RandomNumberGenerator.GetBytes(length)));
        Assert.Contains(spec, e.Message);
    }

    [Fact]
    public async Task Expiration_model_and_ValidTo_are_validated()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var wrapped = Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32));
        Task Import(string? model, DateTime? validTo) => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = parameters.ImportToken, EncryptedKeyMaterial = Stream(wrapped), ExpirationModel = model, ValidTo = validTo });
        var now = TestLab.Start.UtcDateTime;

        var missing = await AssertErrorAsync("ValidationException", () => Import(null, null)); // the default model is KEY_MATERIAL_EXPIRES
        Assert.Contains("ValidTo", missing.Message);
        await AssertErrorAsync("ValidationException", () => Import("KEY_MATERIAL_DOES_NOT_EXPIRE", now.AddDays(1)));
        await AssertErrorAsync("ValidationException", () => Import("KEY_MATERIAL_EXPIRES", now.AddMinutes(-1)));
        await AssertErrorAsync("ValidationException", () => Import("KEY_MATERIAL_EXPIRES", now.AddDays(366)));
        await AssertErrorAsync("ValidationException", () => Import("SOMETIMES", now.AddDays(1)));
        await AssertErrorAsync("ValidationException", () => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, EncryptedKeyMaterial = Stream(wrapped), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE }));
        await Import("KEY_MATERIAL_EXPIRES", now.AddDays(365));
        Assert.Equal(now.AddDays(365), (await DescribeAsync(lab, key.KeyId)).ValidTo);
    }

    [Fact]
    public async Task ImportType_and_KeyMaterialId_are_checked_against_the_material()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        var material = RandomNumberGenerator.GetBytes(32);
        async Task<ImportKeyMaterialResponse> Import(byte[] m, string? importType, string? materialId)
        {
            var parameters = await lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
            return await lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
            {
                KeyId = key.KeyId,
                ImportToken = parameters.ImportToken,
                EncryptedKeyMaterial = Stream(Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", m)),
                ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
                ImportType = importType,
                KeyMaterialId = materialId,
            });
        }

        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => Import(material, "EXISTING_KEY_MATERIAL", null));
        var first = await Import(material, "NEW_KEY_MATERIAL", null);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => Import(material, "NEW_KEY_MATERIAL", null));
        var pending = await Import(RandomNumberGenerator.GetBytes(32), "NEW_KEY_MATERIAL", null); // waits for RotateKeyOnDemand
        Assert.NotEqual(first.KeyMaterialId, pending.KeyMaterialId);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => Import(RandomNumberGenerator.GetBytes(32), "NEW_KEY_MATERIAL", null)); // one pending at a time
        await AssertErrorAsync("ValidationException", () => Import(material, "NEW_KEY_MATERIAL", first.KeyMaterialId));
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => Import(material, "EXISTING_KEY_MATERIAL", new string('0', 64)));
        await AssertErrorAsync("ValidationException", () => Import(material, null, "XYZ"));
        var again = await Import(material, "EXISTING_KEY_MATERIAL", first.KeyMaterialId);
        Assert.Equal(first.KeyMaterialId, again.KeyMaterialId);
    }

    [Fact]
    public async Task Imported_keys_do_not_rotate_automatically_and_ListKeyRotations_shows_their_import_state()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab);
        Assert.Empty((await lab.Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL })).Rotations ?? []);
        var imported = await lab.ImportAsync(key.KeyId, RandomNumberGenerator.GetBytes(32), validTo: TestLab.Start.UtcDateTime.AddDays(10));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));
        // On demand, an imported key rotates only to new material imported beforehand (PENDING_ROTATION).
        var onDemand = await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
        Assert.Contains("NEW_KEY_MATERIAL", onDemand.Message);

        // The default (ROTATIONS_ONLY) lists rotations: there are none. ALL_KEY_MATERIAL shows the imported material.
        Assert.Empty((await lab.Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId })).Rotations ?? []);
        var entry = Assert.Single((await lab.Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL })).Rotations);
        Assert.Equal(imported.KeyMaterialId, entry.KeyMaterialId);
        Assert.Equal("IMPORTED", entry.ImportState.Value);
        Assert.Equal("CURRENT", entry.KeyMaterialState.Value);
        Assert.Equal("KEY_MATERIAL_EXPIRES", entry.ExpirationModel.Value);
        Assert.Equal(TestLab.Start.UtcDateTime.AddDays(10), entry.ValidTo);
        Assert.Null(entry.RotationType);

        lab.Lab.Clock.Advance(TimeSpan.FromDays(10));
        entry = Assert.Single((await lab.Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL })).Rotations);
        Assert.Equal("PENDING_IMPORT", entry.ImportState.Value);
        Assert.Equal(imported.KeyMaterialId, entry.KeyMaterialId);
    }

    [Fact]
    public async Task HMAC_material_can_be_imported_and_the_MAC_matches_one_computed_outside()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab, "HMAC_256", "GENERATE_VERIFY_MAC");
        var material = RandomNumberGenerator.GetBytes(48); // HMAC_256 takes 32 to 64 bytes
        var imported = await lab.ImportAsync(key.KeyId, material, "RSAES_OAEP_SHA_256");
        Assert.Null(imported.KeyMaterialId); // KeyMaterialId is for symmetric encryption keys
        var message = "hello"u8.ToArray();
        var mac = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key.KeyId, Message = Stream(message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
        Assert.Equal(HMACSHA256.HashData(material, message), mac.Mac.ToArray());

        var hmac224 = await CreateExternalKeyAsync(lab, "HMAC_224", "GENERATE_VERIFY_MAC");
        var material224 = RandomNumberGenerator.GetBytes(28);
        await lab.ImportAsync(hmac224.KeyId, material224, "RSA_AES_KEY_WRAP_SHA_1");
        var mac224 = await lab.Kms.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac224.KeyId, Message = Stream(message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_224 });
        Assert.Equal(Sha224.Hmac(material224, message), mac224.Mac.ToArray());
    }

    [Theory]
    [InlineData("ECC_NIST_P256", "RSAES_OAEP_SHA_256")]
    [InlineData("ECC_SECG_P256K1", "RSA_AES_KEY_WRAP_SHA_256")]
    [InlineData("ECC_NIST_P521", "RSA_AES_KEY_WRAP_SHA_1")]
    public async Task An_EC_private_key_can_be_imported_and_signs_for_its_own_public_key(string spec, string algorithm)
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab, spec, "SIGN_VERIFY");
        using var ec = ECDsa.Create(ECCurve.CreateFromValue(KeySpecInfo.Get(spec).CurveOid!));
        await lab.ImportAsync(key.KeyId, ec.ExportPkcs8PrivateKey(), algorithm);
        var publicKey = (await lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        Assert.Equal(ec.ExportSubjectPublicKeyInfo(), publicKey);
        var signingAlgorithm = spec == "ECC_NIST_P521" ? "ECDSA_SHA_512" : "ECDSA_SHA_256";
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Secret), SigningAlgorithm = signingAlgorithm })).Signature.ToArray();
        Assert.True(ec.VerifyData(Secret, signature, SignVerifyTests.HashName(signingAlgorithm), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task An_RSA_private_key_needs_RSA_AES_key_wrap_and_the_right_size()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab, "RSA_2048", "ENCRYPT_DECRYPT");
        var oaep = await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_4096 }));
        Assert.Contains("RSA_AES_KEY_WRAP", oaep.Message);

        using var wrongSize = RSA.Create(3072);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, wrongSize.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256"));
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, ecKey.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256"));

        using var rsa = RSA.Create(2048);
        await lab.ImportAsync(key.KeyId, rsa.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256");
        var ciphertext = rsa.Encrypt(Secret, RSAEncryptionPadding.OaepSHA256);
        var decrypted = await lab.Kms.DecryptAsync(new DecryptRequest { KeyId = key.KeyId, CiphertextBlob = Stream(ciphertext), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 });
        Assert.Equal(Secret, decrypted.Plaintext.ToArray());
        // Another RSA key is different material: refused.
        using var another = RSA.Create(2048);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, another.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256"));
    }

    [Fact]
    public async Task An_EC_key_on_the_wrong_curve_is_IncorrectKeyMaterialException_and_P521_needs_a_big_enough_wrapping()
    {
        var lab = new TestLab().Pooled();
        var p256 = await CreateExternalKeyAsync(lab, "ECC_NIST_P256", "SIGN_VERIFY");
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(p256.KeyId, p384.ExportPkcs8PrivateKey()));
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(p256.KeyId, RandomNumberGenerator.GetBytes(100)));

        var p521 = await CreateExternalKeyAsync(lab, "ECC_NIST_P521", "SIGN_VERIFY");
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = p521.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_1, WrappingKeySpec = WrappingKeySpec.RSA_2048 }));
    }

    [Fact]
    public async Task Asymmetric_material_is_bound_to_its_key_and_expires_like_symmetric_material()
    {
        var lab = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(lab, "ECC_NIST_P384", "SIGN_VERIFY");
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await lab.ImportAsync(key.KeyId, ec.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256", TestLab.Start.UtcDateTime.AddDays(1));
        lab.Lab.Clock.Advance(TimeSpan.FromDays(2));
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Secret), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_384 }));
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => lab.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId }));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => lab.ImportAsync(key.KeyId, other.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256"));
        await AssertErrorAsync("ValidationException", () => lab.Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest { KeyId = key.KeyId, ImportToken = Stream(new byte[8]), EncryptedKeyMaterial = Stream(new byte[8]), ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE, ImportType = ImportType.EXISTING_KEY_MATERIAL }));
        await lab.ImportAsync(key.KeyId, ec.ExportPkcs8PrivateKey(), "RSA_AES_KEY_WRAP_SHA_256");
        var signature = (await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Secret), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_384 })).Signature.ToArray();
        Assert.True(ec.VerifyData(Secret, signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task A_world_restored_with_its_secrets_opens_old_tokens_and_recognises_old_material()
    {
        // What a state file must carry across a restart of kmslab serve: the world's secrets.
        var first = new TestLab().Pooled();
        var key = await CreateExternalKeyAsync(first);
        var material = RandomNumberGenerator.GetBytes(32);
        var parameters = await first.Kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var imported = await first.ImportAsync(key.KeyId, material);
        var secrets = first.Lab.World.Secrets.Export();

        var restored = WorldSecrets.FromExported(secrets);
        Assert.Equal(first.Lab.World.Secrets.ImportedMaterialId(Guid.Parse(key.KeyId), material), restored.ImportedMaterialId(Guid.Parse(key.KeyId), material));
        Assert.Equal(imported.KeyMaterialId, Convert.ToHexStringLower(restored.ImportedMaterialId(Guid.Parse(key.KeyId), material)));
        var token = ImportToken.Open(restored.ImportTokenKey, parameters.ImportToken.ToArray());
        Assert.NotNull(token);
        Assert.Equal(Guid.Parse(key.KeyId), token.KeyId);
        Assert.Equal("RSAES_OAEP_SHA_256", token.WrappingAlgorithm);
        Assert.Null(ImportToken.Open(new TestLab().Lab.World.Secrets.ImportTokenKey, parameters.ImportToken.ToArray()));
    }
}
