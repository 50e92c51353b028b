using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Persistence;
using KmsLab.Tests.Asymmetric;
using Microsoft.Extensions.Time.Testing;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Simulator;

/// <summary>
/// Rotating imported key material (KMS, 2025), as the SDK's doc text describes it: ImportKeyMaterial
/// with ImportType NEW_KEY_MATERIAL adds material in state PENDING_ROTATION; RotateKeyOnDemand makes
/// it CURRENT and the previous material NON_CURRENT (decrypt only); ListKeyRotations lists them
/// (ROTATIONS_ONLY by default, ALL_KEY_MATERIAL adds the first and pending material);
/// DeleteImportedKeyMaterial deletes one material by KeyMaterialId (the current one without it).
/// </summary>
public class ImportedMaterialRotationTests
{
    private static async Task<ImportKeyMaterialResponse> ImportAsync(IAmazonKeyManagementService kms, string keyId, byte[] material,
        string? importType = null, string? description = null, string? keyMaterialId = null, DateTime? validTo = null)
    {
        var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = keyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        return await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Stream(Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
            ExpirationModel = validTo is null ? ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE : ExpirationModelType.KEY_MATERIAL_EXPIRES,
            ValidTo = validTo,
            ImportType = importType,
            KeyMaterialDescription = description,
            KeyMaterialId = keyMaterialId,
        });
    }

    private static async Task<List<RotationsListEntry>> RotationsAsync(IAmazonKeyManagementService kms, string keyId, bool all) =>
        (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId, IncludeKeyMaterial = all ? IncludeKeyMaterial.ALL_KEY_MATERIAL : null })).Rotations ?? [];

    private static async Task<KeyMetadata> DescribeAsync(IAmazonKeyManagementService kms, string keyId) =>
        (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;

    private static async Task<MemoryStream> EncryptAsync(IAmazonKeyManagementService kms, string keyId, string text) =>
        (await kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Stream(Encoding.UTF8.GetBytes(text)) })).CiphertextBlob;

    [Fact]
    public async Task New_material_waits_in_PENDING_ROTATION_and_RotateKeyOnDemand_makes_it_current_while_old_ciphertexts_still_decrypt()
    {
        var lab = new TestLab().Pooled();
        var kms = lab.Kms;
        var key = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        // The first import defaults to NEW_KEY_MATERIAL and is current at once.
        var a = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), description: "first material");
        Assert.Equal(a.KeyMaterialId, (await DescribeAsync(kms, key.KeyId)).CurrentKeyMaterialId);
        var c1 = (await EncryptAsync(kms, key.KeyId, "one")).ToArray();

        var b = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL, "second material");
        Assert.NotEqual(a.KeyMaterialId, b.KeyMaterialId);
        Assert.Matches("^[0-9a-f]{64}$", b.KeyMaterialId);
        var all = await RotationsAsync(kms, key.KeyId, all: true);
        Assert.Equal([a.KeyMaterialId, b.KeyMaterialId], all.Select(r => r.KeyMaterialId));
        Assert.Equal(["CURRENT", "PENDING_ROTATION"], all.Select(r => r.KeyMaterialState.Value));
        Assert.Equal(["IMPORTED", "IMPORTED"], all.Select(r => r.ImportState.Value));
        Assert.Equal(["first material", "second material"], all.Select(r => r.KeyMaterialDescription));
        // RotationDate and RotationType are absent for the first material and for pending material.
        Assert.All(all, r => { Assert.Null(r.RotationDate); Assert.Null(r.RotationType); });
        Assert.Empty(await RotationsAsync(kms, key.KeyId, all: false));
        // Pending material is not used yet.
        Assert.Equal(a.KeyMaterialId, (await DescribeAsync(kms, key.KeyId)).CurrentKeyMaterialId);
        Assert.Equal(a.KeyMaterialId, (await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 })).KeyMaterialId);

        lab.Lab.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(key.Arn, (await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId })).KeyId);
        Assert.Equal(b.KeyMaterialId, (await DescribeAsync(kms, key.KeyId)).CurrentKeyMaterialId);
        var rotation = Assert.Single(await RotationsAsync(kms, key.KeyId, all: false));
        Assert.Equal(b.KeyMaterialId, rotation.KeyMaterialId);
        Assert.Equal("CURRENT", rotation.KeyMaterialState.Value);
        Assert.Equal("ON_DEMAND", rotation.RotationType.Value);
        Assert.Equal(TestLab.Start.AddHours(1).UtcDateTime, rotation.RotationDate);
        all = await RotationsAsync(kms, key.KeyId, all: true);
        Assert.Equal(["NON_CURRENT", "CURRENT"], all.Select(r => r.KeyMaterialState.Value));

        // New ciphertexts use the new material; the old one still decrypts with the old material.
        var c2 = (await EncryptAsync(kms, key.KeyId, "two")).ToArray();
        var d1 = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c1) });
        Assert.Equal("one", Encoding.UTF8.GetString(d1.Plaintext.ToArray()));
        Assert.Equal(a.KeyMaterialId, d1.KeyMaterialId);
        Assert.Equal(b.KeyMaterialId, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c2) })).KeyMaterialId);
        var re = await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(c1), DestinationKeyId = key.KeyId });
        Assert.Equal(a.KeyMaterialId, re.SourceKeyMaterialId);
        Assert.Equal(b.KeyMaterialId, re.DestinationKeyMaterialId);
        Assert.Equal(b.KeyMaterialId, (await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 })).KeyMaterialId);

        // No more pending material: another rotation needs new material first.
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
        // Automatic rotation stays unavailable for imported material.
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task Deleting_material_by_KeyMaterialId_pending_material_is_forgotten_bound_material_makes_the_key_PendingImport_until_reimported()
    {
        var lab = new TestLab().Pooled();
        var kms = lab.Kms;
        var key = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        var first = RandomNumberGenerator.GetBytes(32);
        var a = await ImportAsync(kms, key.KeyId, first, description: "A");
        var c1 = (await EncryptAsync(kms, key.KeyId, "one")).ToArray();

        // Only one material pending rotation at a time; deleting it (not bound) leaves the key Enabled.
        var wrong = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL));
        var deleted = await kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId, KeyMaterialId = wrong.KeyMaterialId });
        Assert.Equal(wrong.KeyMaterialId, deleted.KeyMaterialId);
        Assert.Equal("Enabled", (await DescribeAsync(kms, key.KeyId)).KeyState.Value);
        Assert.Equal([a.KeyMaterialId], (await RotationsAsync(kms, key.KeyId, all: true)).Select(r => r.KeyMaterialId));

        var b = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL);
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        var c2 = (await EncryptAsync(kms, key.KeyId, "two")).ToArray();

        // Deleting NON_CURRENT material makes the key unusable (PendingImport), as AWS says: its state, not a ciphertext error.
        await kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId, KeyMaterialId = a.KeyMaterialId });
        var described = await DescribeAsync(kms, key.KeyId);
        Assert.Equal("PendingImport", described.KeyState.Value);
        Assert.Equal(b.KeyMaterialId, described.CurrentKeyMaterialId);
        var e = await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c1) }));
        Assert.Contains("pending import", e.Message);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c2) }));
        var entries = await RotationsAsync(kms, key.KeyId, all: true);
        Assert.Equal(["PENDING_IMPORT", "IMPORTED"], entries.Select(r => r.ImportState.Value));
        Assert.Null(entries[0].ExpirationModel);
        Assert.Equal("A", entries[0].KeyMaterialDescription); // the metadata stays

        // Bound material cannot be replaced: different bytes are refused, the same bytes come back.
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.EXISTING_KEY_MATERIAL));
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportAsync(kms, key.KeyId, first, ImportType.EXISTING_KEY_MATERIAL, keyMaterialId: b.KeyMaterialId));
        var back = await ImportAsync(kms, key.KeyId, first, ImportType.EXISTING_KEY_MATERIAL, keyMaterialId: a.KeyMaterialId);
        Assert.Equal(a.KeyMaterialId, back.KeyMaterialId);
        Assert.Equal("Enabled", (await DescribeAsync(kms, key.KeyId)).KeyState.Value);
        Assert.Equal("one", Encoding.UTF8.GetString((await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c1) })).Plaintext.ToArray()));
        // Without a KeyMaterialDescription, KMS keeps the one given before.
        Assert.Equal("A", (await RotationsAsync(kms, key.KeyId, all: true))[0].KeyMaterialDescription);

        // Without KeyMaterialId, DeleteImportedKeyMaterial deletes the current material.
        var current = await kms.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId });
        Assert.Equal(b.KeyMaterialId, current.KeyMaterialId);
        Assert.Equal("PendingImport", (await DescribeAsync(kms, key.KeyId)).KeyState.Value);
        await Assert.ThrowsAsync<KMSInvalidStateException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task Expiry_is_per_material_ValidTo_is_the_earliest_bound_expiry_and_pending_material_that_expires_is_dropped()
    {
        var lab = new TestLab().Pooled();
        var kms = lab.Kms;
        var start = TestLab.Start.UtcDateTime;
        var key = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), validTo: start.AddDays(20));
        await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL, validTo: start.AddDays(5));
        var described = await DescribeAsync(kms, key.KeyId);
        Assert.Equal(start.AddDays(20), described.ValidTo); // pending material is not bound to the key
        Assert.Equal("KEY_MATERIAL_EXPIRES", described.ExpirationModel.Value);

        lab.Lab.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Single(await RotationsAsync(kms, key.KeyId, all: true));
        Assert.Equal("Enabled", (await DescribeAsync(kms, key.KeyId)).KeyState.Value);

        var b = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL);
        await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        lab.Lab.Clock.Advance(TimeSpan.FromDays(15)); // the first (now NON_CURRENT) material expires
        described = await DescribeAsync(kms, key.KeyId);
        Assert.Equal("PendingImport", described.KeyState.Value);
        Assert.Equal(b.KeyMaterialId, described.CurrentKeyMaterialId);
        Assert.Null(described.ValidTo);
        Assert.Equal("KEY_MATERIAL_DOES_NOT_EXPIRE", described.ExpirationModel.Value);
    }

    [Fact]
    public async Task ImportType_KeyMaterialId_and_KeyMaterialDescription_are_for_symmetric_keys_only()
    {
        var lab = new TestLab().Pooled();
        var hmac = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC", origin: "EXTERNAL");
        await AssertErrorAsync("ValidationException", () => ImportAsync(lab.Kms, hmac.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL));
        await AssertErrorAsync("ValidationException", () => ImportAsync(lab.Kms, hmac.KeyId, RandomNumberGenerator.GetBytes(32), description: "mac key"));
        Assert.Null((await ImportAsync(lab.Kms, hmac.KeyId, RandomNumberGenerator.GetBytes(32))).KeyMaterialId);
        // An HMAC key stays bound to its first material and never rotates.
        await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportAsync(lab.Kms, hmac.KeyId, RandomNumberGenerator.GetBytes(32)));
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => lab.Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = hmac.KeyId }));
        await AssertErrorAsync("ValidationException", () => ImportAsync(lab.Kms, hmac.KeyId, RandomNumberGenerator.GetBytes(32), description: "not/allowed?"));
    }

    [Fact]
    public async Task A_state_file_keeps_every_imported_material_its_state_description_expiry_and_the_pending_one()
    {
        var folder = Directory.CreateTempSubdirectory("kmslab-state-").FullName;
        try
        {
            var path = Path.Combine(folder, "state.json");
            var before = new TestLab();
            var kms = before.Kms;
            var start = TestLab.Start.UtcDateTime;
            var key = await before.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
            var firstBytes = RandomNumberGenerator.GetBytes(32);
            await ImportAsync(kms, key.KeyId, firstBytes, description: "first", validTo: start.AddDays(100));
            var c1 = (await EncryptAsync(kms, key.KeyId, "one")).ToArray();
            await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL, "second");
            before.Lab.Clock.Advance(TimeSpan.FromDays(1));
            await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
            var c2 = (await EncryptAsync(kms, key.KeyId, "two")).ToArray();
            var third = await ImportAsync(kms, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.NEW_KEY_MATERIAL, "third", validTo: start.AddDays(50));
            var listed = await RotationsAsync(kms, key.KeyId, all: true);
            var described = await DescribeAsync(kms, key.KeyId);

            using (var store = StateStore.Open(path)) store.Attach(before.Lab);
            var after = Lab.Restore(StateFile.Read(path), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
            var restored = after.CreateKmsClient();

            static string View(RotationsListEntry r) => $"{r.KeyMaterialId} {r.KeyMaterialDescription} {r.KeyMaterialState} {r.ImportState} {r.ExpirationModel} {r.ValidTo:O} {r.RotationDate:O} {r.RotationType}";
            Assert.Equal(listed.Select(View), (await RotationsAsync(restored, key.KeyId, all: true)).Select(View));
            var restoredKey = await DescribeAsync(restored, key.KeyId);
            Assert.Equal(described.CurrentKeyMaterialId, restoredKey.CurrentKeyMaterialId);
            Assert.Equal(described.ValidTo, restoredKey.ValidTo);
            Assert.Equal("one", Encoding.UTF8.GetString((await restored.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c1) })).Plaintext.ToArray()));
            Assert.Equal("two", Encoding.UTF8.GetString((await restored.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(c2) })).Plaintext.ToArray()));

            // The pending material kept its secret: it rotates in after the restart.
            await restored.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
            Assert.Equal(third.KeyMaterialId, (await DescribeAsync(restored, key.KeyId)).CurrentKeyMaterialId);
            var c3 = await EncryptAsync(restored, key.KeyId, "three");
            Assert.Equal(third.KeyMaterialId, (await restored.DecryptAsync(new DecryptRequest { CiphertextBlob = c3 })).KeyMaterialId);
            // A deleted material's ID survives too: only the same bytes can come back.
            await restored.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId, KeyMaterialId = listed[0].KeyMaterialId });
            using (var store = StateStore.Open(path)) store.Attach(after);
            var again = Lab.Restore(StateFile.Read(path), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) }).CreateKmsClient();
            Assert.Equal("PENDING_IMPORT", (await RotationsAsync(again, key.KeyId, all: true))[0].ImportState.Value);
            await Assert.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportAsync(again, key.KeyId, RandomNumberGenerator.GetBytes(32), ImportType.EXISTING_KEY_MATERIAL));
            await ImportAsync(again, key.KeyId, firstBytes, ImportType.EXISTING_KEY_MATERIAL);
            Assert.Equal("Enabled", (await DescribeAsync(again, key.KeyId)).KeyState.Value);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
