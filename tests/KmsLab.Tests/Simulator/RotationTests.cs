using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class RotationTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    private Task<GetKeyRotationStatusResponse> StatusAsync(string keyId) => Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = keyId });

    private async Task<List<RotationsListEntry>> RotationsAsync(string keyId, string? include = null) =>
        (await Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = keyId, IncludeKeyMaterial = include })).Rotations;

    [Fact]
    public async Task Rotation_is_off_by_default()
    {
        var key = await _lab.CreateKeyAsync();
        var status = await StatusAsync(key.KeyId);
        Assert.False(status.KeyRotationEnabled);
        Assert.Equal(key.Arn, status.KeyId);
        Assert.Null(status.NextRotationDate);
        Assert.Empty(await RotationsAsync(key.KeyId));
    }

    [Fact]
    public async Task Automatic_rotation_adds_material_every_period_and_old_ciphertexts_still_decrypt()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/rotating", TargetKeyId = key.KeyId });
        var before = (await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("year zero") })).CiphertextBlob.ToArray();

        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        var status = await StatusAsync(key.KeyId);
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(90, status.RotationPeriodInDays);
        Assert.Equal(TestLab.Start.AddDays(90).UtcDateTime, status.NextRotationDate);

        _lab.Lab.Clock.Advance(TimeSpan.FromDays(200));
        var rotations = await RotationsAsync(key.KeyId);
        Assert.Equal(2, rotations.Count);
        Assert.Equal([TestLab.Start.AddDays(90).UtcDateTime, TestLab.Start.AddDays(180).UtcDateTime], rotations.Select(r => r.RotationDate!.Value));
        Assert.All(rotations, r => Assert.Equal(RotationType.AUTOMATIC, r.RotationType));
        Assert.All(rotations, r => Assert.Equal(key.Arn, r.KeyId));
        Assert.Equal(TestLab.Start.AddDays(270).UtcDateTime, (await StatusAsync(key.KeyId)).NextRotationDate);

        // The key ID, ARN and alias are unchanged; new encryptions use the newest material; old ones still decrypt.
        var after = await Kms.EncryptAsync(new EncryptRequest { KeyId = "alias/rotating", Plaintext = Bytes.Stream("year one") });
        Assert.Equal(key.Arn, after.KeyId);
        var metadata = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(rotations[^1].KeyMaterialId, metadata.CurrentKeyMaterialId);
        Assert.Equal(metadata.CurrentKeyMaterialId, (await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = after.CiphertextBlob })).KeyMaterialId);
        var old = await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(before) });
        Assert.Equal("year zero", Bytes.Text(old.Plaintext));
        Assert.Equal(key.CurrentKeyMaterialId, old.KeyMaterialId);
    }

    [Fact]
    public async Task Default_period_is_365_days_and_the_allowed_range_is_90_to_2560()
    {
        var key = await _lab.CreateKeyAsync();
        int low = 89, high = 2561;
        await KmsAssert.Validation(() => Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = low }), "Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90");
        await KmsAssert.Validation(() => Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = high }), "less than or equal to 2560");
        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId });
        Assert.Equal(365, (await StatusAsync(key.KeyId)).RotationPeriodInDays);
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(365));
        Assert.Single(await RotationsAsync(key.KeyId));
    }

    [Fact]
    public async Task DisableKeyRotation_stops_rotation()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        await Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = key.KeyId });
        var status = await StatusAsync(key.KeyId);
        Assert.False(status.KeyRotationEnabled);
        Assert.Null(status.RotationPeriodInDays);
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(400));
        Assert.Empty(await RotationsAsync(key.KeyId));
    }

    [Fact]
    public async Task A_disabled_key_does_not_rotate_and_rotates_at_once_when_enabled_after_its_date()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(100));
        Assert.Empty(await RotationsAsync(key.KeyId));
        await KmsAssert.Throws<DisabledException>(() => Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));

        await Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        var rotation = Assert.Single(await RotationsAsync(key.KeyId));
        Assert.Equal(TestLab.Start.AddDays(100).UtcDateTime, rotation.RotationDate);
        Assert.Equal(TestLab.Start.AddDays(190).UtcDateTime, (await StatusAsync(key.KeyId)).NextRotationDate);
    }

    [Fact]
    public async Task RotateKeyOnDemand_rotates_now_works_without_automatic_rotation_and_stops_at_25()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = (await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("before") })).CiphertextBlob.ToArray();
        var rotated = await Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, rotated.KeyId);
        var entry = Assert.Single(await RotationsAsync(key.KeyId));
        Assert.Equal(RotationType.ON_DEMAND, entry.RotationType);
        Assert.Equal(TestLab.Start.UtcDateTime, entry.RotationDate);
        Assert.False((await StatusAsync(key.KeyId)).KeyRotationEnabled);

        for (int i = 1; i < 25; i++) await Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        await KmsAssert.Throws<LimitExceededException>(() => Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
        Assert.Equal(25, (await RotationsAsync(key.KeyId)).Count);
        Assert.Equal("before", Bytes.Text((await Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) })).Plaintext));
    }

    [Fact]
    public async Task On_demand_rotation_leaves_the_automatic_schedule_alone()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(10));
        await Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        Assert.Equal(TestLab.Start.AddDays(90).UtcDateTime, (await StatusAsync(key.KeyId)).NextRotationDate);
    }

    [Fact]
    public async Task ListKeyRotations_with_ALL_KEY_MATERIAL_includes_the_original_material()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        var all = await RotationsAsync(key.KeyId, IncludeKeyMaterial.ALL_KEY_MATERIAL);
        Assert.Equal(2, all.Count);
        Assert.Equal(key.CurrentKeyMaterialId, all[0].KeyMaterialId);
        Assert.Equal(KeyMaterialState.NON_CURRENT, all[0].KeyMaterialState);
        Assert.Equal(KeyMaterialState.CURRENT, all[1].KeyMaterialState);
        var page = await Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL, Limit = 1 });
        Assert.True(page.Truncated);
        Assert.Single(page.Rotations);
    }

    [Fact]
    public async Task Rotation_calls_need_a_usable_key()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = key.KeyId }));
        await Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key.KeyId });
        await KmsAssert.Throws<DisabledException>(() => Kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task Rotation_does_not_happen_while_a_key_is_pending_deletion()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(85));
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 10 });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(9));
        Assert.Empty(await RotationsAsync(key.KeyId));
    }
}
