using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

public class KeyLifecycleTests
{
    private readonly TestLab _lab = new();
    private IAmazonKeyManagementService Kms => _lab.Kms;

    [Fact]
    public async Task CreateKey_returns_the_metadata_KMS_returns_for_a_symmetric_key()
    {
        var created = (await Kms.CreateKeyAsync(new CreateKeyRequest { Description = "my first CMK" })).KeyMetadata;

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", created.KeyId);
        Assert.Equal($"arn:aws:kms:us-east-1:111122223333:key/{created.KeyId}", created.Arn);
        Assert.Equal("111122223333", created.AWSAccountId);
        Assert.Equal(TestLab.Start.UtcDateTime, created.CreationDate);
        Assert.True(created.Enabled);
        Assert.Equal("my first CMK", created.Description);
        Assert.Equal(KeyState.Enabled, created.KeyState);
        Assert.Equal(KeyUsageType.ENCRYPT_DECRYPT, created.KeyUsage);
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, created.KeySpec);
#pragma warning disable CS0618 // the deprecated twin of KeySpec is still returned
        Assert.Equal(CustomerMasterKeySpec.SYMMETRIC_DEFAULT, created.CustomerMasterKeySpec);
#pragma warning restore CS0618
        Assert.Equal(OriginType.AWS_KMS, created.Origin);
        Assert.Equal(KeyManagerType.CUSTOMER, created.KeyManager);
        Assert.Equal(["SYMMETRIC_DEFAULT"], created.EncryptionAlgorithms);
        Assert.False(created.MultiRegion);
        Assert.Null(created.DeletionDate);
        Assert.Matches("^[0-9a-f]{64}$", created.CurrentKeyMaterialId);
    }

    [Fact]
    public async Task DescribeKey_accepts_key_id_key_arn_alias_name_and_alias_arn()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = key.KeyId });

        foreach (var id in new[] { key.KeyId, key.Arn, "alias/app", "arn:aws:kms:us-east-1:111122223333:alias/app" })
        {
            var described = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = id })).KeyMetadata;
            Assert.Equal(key.Arn, described.Arn);
        }
    }

    [Fact]
    public async Task DescribeKey_of_unknown_keys_and_aliases_is_NotFoundException()
    {
        var e = await KmsAssert.Throws<NotFoundException>(() => Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" }));
        Assert.Equal("Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist", e.Message);
        var alias = await KmsAssert.Throws<NotFoundException>(() => Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/nothing" }));
        Assert.Equal("Alias 'arn:aws:kms:us-east-1:111122223333:alias/nothing' is not found.", alias.Message);
        await KmsAssert.Throws<NotFoundException>(() => Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "not-a-key" }));
        await KmsAssert.Validation(() => Kms.DescribeKeyAsync(new DescribeKeyRequest()), "Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "SIGN_VERIFY")]
    [InlineData("SYMMETRIC_DEFAULT", "GENERATE_VERIFY_MAC")]
    [InlineData("SYMMETRIC_DEFAULT", "KEY_AGREEMENT")]
    [InlineData("HMAC_256", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_NIST_P256", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_SECG_P256K1", "KEY_AGREEMENT")]
    [InlineData("RSA_2048", "GENERATE_VERIFY_MAC")]
    [InlineData("RSA_2048", "KEY_AGREEMENT")]
    public async Task CreateKey_rejects_spec_and_usage_pairs_KMS_rejects(string spec, string usage)
    {
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = usage }), $"KeyUsage {usage} is not compatible with KeySpec {spec}");
    }

    [Fact]
    public async Task CreateKey_for_HMAC_needs_an_explicit_key_usage()
    {
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256 }), "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256");
    }

    [Fact]
    public async Task CreateKey_validates_its_members()
    {
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = "AES_512" }), "Member must satisfy enum value set");
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { KeyUsage = "ENCRYPT" }), "at 'keyUsage'");
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { Description = new string('d', 8193) }), "Member must have length less than or equal to 8192");
#pragma warning disable CS0618
        await KmsAssert.Validation(() => Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.SYMMETRIC_DEFAULT, CustomerMasterKeySpec = CustomerMasterKeySpec.SYMMETRIC_DEFAULT }), "KeySpec");
#pragma warning restore CS0618
        await KmsAssert.Throws<CustomKeyStoreNotFoundException>(() => Kms.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = "cks-1234567890abcdef0" }));
        await KmsAssert.Throws<MalformedPolicyDocumentException>(() => Kms.CreateKeyAsync(new CreateKeyRequest { Policy = "{not json" }));
        Assert.Empty((await Kms.ListKeysAsync(new ListKeysRequest())).Keys);
    }

    [Fact]
    public async Task CreateKey_with_the_deprecated_CustomerMasterKeySpec_still_works()
    {
#pragma warning disable CS0618
        var key = (await Kms.CreateKeyAsync(new CreateKeyRequest { CustomerMasterKeySpec = CustomerMasterKeySpec.SYMMETRIC_DEFAULT })).KeyMetadata;
#pragma warning restore CS0618
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, key.KeySpec);
    }

    [Fact]
    public async Task ListKeys_pages_with_Limit_and_Marker_and_returns_every_key_once()
    {
        var created = new List<string>();
        for (int i = 0; i < 7; i++) created.Add((await _lab.CreateKeyAsync()).Arn);

        var seen = new List<string>();
        string? marker = null;
        int pages = 0;
        do
        {
            var page = await Kms.ListKeysAsync(new ListKeysRequest { Limit = 3, Marker = marker });
            Assert.True(page.Keys.Count <= 3);
            seen.AddRange(page.Keys.Select(k => k.KeyArn));
            Assert.All(page.Keys, k => Assert.EndsWith(k.KeyId, k.KeyArn));
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            marker = page.NextMarker;
            pages++;
        }
        while (marker is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
        await KmsAssert.Throws<InvalidMarkerException>(() => Kms.ListKeysAsync(new ListKeysRequest { Marker = "bogus" }));
        int tooSmall = 0, tooLarge = 1001; // the SDK's analyzer rejects constants; learners' computed values reach KMS
        await KmsAssert.Validation(() => Kms.ListKeysAsync(new ListKeysRequest { Limit = tooSmall }), "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await KmsAssert.Validation(() => Kms.ListKeysAsync(new ListKeysRequest { Limit = tooLarge }), "less than or equal to 1000");
    }

    [Fact]
    public async Task UpdateKeyDescription_changes_the_description()
    {
        var key = await _lab.CreateKeyAsync("before");
        await Kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = key.Arn, Description = "after" });
        Assert.Equal("after", (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.Description);
        await KmsAssert.Validation(() => Kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = key.KeyId }), "Value null at 'description'");
    }

    [Fact]
    public async Task DisableKey_and_EnableKey_switch_the_state_and_disabled_keys_refuse_cryptography()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        var disabled = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(KeyState.Disabled, disabled.KeyState);
        Assert.False(disabled.Enabled);

        var e = await KmsAssert.Throws<DisabledException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x") }));
        Assert.Equal($"{key.Arn} is disabled.", e.Message);

        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }); // idempotent
        await Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        Assert.True((await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.Enabled);
        await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x") });
    }

    [Fact]
    public async Task Key_management_calls_do_not_accept_aliases()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/mgmt", TargetKeyId = key.KeyId });
        await KmsAssert.Throws<NotFoundException>(() => Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = "alias/mgmt" }));
        await KmsAssert.Throws<NotFoundException>(() => Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = "alias/mgmt" }));
        await KmsAssert.Throws<NotFoundException>(() => Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = "alias/mgmt", Policy = "{}" }));
    }

    [Fact]
    public async Task ScheduleKeyDeletion_sets_PendingDeletion_and_the_key_disappears_at_its_DeletionDate()
    {
        var key = await _lab.CreateKeyAsync();
        var scheduled = await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(key.Arn, scheduled.KeyId);
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        Assert.Equal(TestLab.Start.AddDays(7).UtcDateTime, scheduled.DeletionDate);

        var pending = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(KeyState.PendingDeletion, pending.KeyState);
        Assert.Equal(7, pending.PendingDeletionWindowInDays);
        Assert.False(pending.Enabled);

        _lab.Lab.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId });
        _lab.Lab.Clock.Advance(TimeSpan.FromSeconds(1));
        await KmsAssert.Throws<NotFoundException>(() => Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }));
        Assert.Empty((await Kms.ListKeysAsync(new ListKeysRequest())).Keys);

        // The engine checks the key named last first: a key named by ARN just before it is deleted is gone too.
        var byArn = await _lab.CreateKeyAsync();
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = byArn.KeyId, PendingWindowInDays = 7 });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = byArn.Arn });
        _lab.Lab.Clock.Advance(TimeSpan.FromSeconds(1));
        await KmsAssert.Throws<NotFoundException>(() => Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = byArn.Arn }));
    }

    [Fact]
    public async Task ScheduleKeyDeletion_defaults_to_30_days_and_allows_7_to_30()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Validation(() => Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 6 }),
            "Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7");
        await KmsAssert.Validation(() => Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 31 }), "less than or equal to 30");
        var scheduled = await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId });
        Assert.Equal(30, scheduled.PendingWindowInDays);
        Assert.Equal(TestLab.Start.AddDays(30).UtcDateTime, scheduled.DeletionDate);
        var again = await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId }));
        Assert.Equal($"{key.Arn} is pending deletion.", again.Message);
    }

    [Fact]
    public async Task CancelKeyDeletion_leaves_the_key_Disabled_not_Enabled()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        var cancelled = await Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, cancelled.KeyId);
        var metadata = (await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(KeyState.Disabled, metadata.KeyState);
        Assert.Null(metadata.DeletionDate);
        Assert.Null(metadata.PendingDeletionWindowInDays);

        _lab.Lab.Clock.Advance(TimeSpan.FromDays(60));
        await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }); // not deleted
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task Keys_pending_deletion_follow_the_key_state_table()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = (await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("secret") })).CiphertextBlob.ToArray();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/doomed", TargetKeyId = key.KeyId });
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        string pending = $"{key.Arn} is pending deletion.";

        // Cryptographic operations: KMSInvalidStateException.
        Assert.Equal(pending, (await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x") }))).Message);
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, NumberOfBytes = 16 }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), DestinationKeyId = key.KeyId }));
        // EnableKey, DisableKey: KMSInvalidStateException.
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));
        // CreateAlias, Tag/Untag, UpdateKeyDescription: KMSInvalidStateException.
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/another", TargetKeyId = key.KeyId }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "k", TagValue = "v" }] }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.UntagResourceAsync(new UntagResourceRequest { KeyId = key.KeyId, TagKeys = ["k"] }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => Kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = key.KeyId, Description = "d" }));
        // Describe, Get/PutKeyPolicy, List*, DeleteAlias: allowed.
        await Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId });
        var policy = (await Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;
        await Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy });
        await Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId });
        await Kms.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = key.KeyId });
        await Kms.ListAliasesAsync(new ListAliasesRequest { KeyId = key.KeyId });
        await Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        await Kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
        await Kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/doomed" });
    }

    [Fact]
    public async Task Disabled_keys_follow_the_key_state_table()
    {
        var key = await _lab.CreateKeyAsync();
        var blob = (await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("secret") })).CiphertextBlob.ToArray();
        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });

        await KmsAssert.Throws<DisabledException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) }));
        await KmsAssert.Throws<DisabledException>(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_128 }));
        var other = await _lab.CreateKeyAsync();
        await KmsAssert.Throws<DisabledException>(() => Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), DestinationKeyId = other.KeyId }));
        // Management is still allowed on a disabled key.
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/sleeping", TargetKeyId = key.KeyId });
        await Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "k", TagValue = "v" }] });
        await Kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = key.KeyId, Description = "d" });
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
    }

    [Fact]
    public async Task A_deleted_key_takes_its_aliases_with_it_and_its_ciphertexts_can_never_decrypt()
    {
        var key = await _lab.CreateKeyAsync();
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/shredded", TargetKeyId = key.KeyId });
        var blob = (await Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("secret") })).CiphertextBlob.ToArray();
        await Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        _lab.Lab.Clock.Advance(TimeSpan.FromDays(8));

        Assert.DoesNotContain((await Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.TargetKeyId is not null); // predefined alias/aws/* have none
        var e = await KmsAssert.Throws<NotFoundException>(() => Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes.Stream(blob) }));
        Assert.Contains(key.KeyId, e.Message);
    }

    [Fact]
    public async Task DryRun_reports_success_without_doing_it()
    {
        var key = await _lab.CreateKeyAsync();
        await KmsAssert.Throws<DryRunOperationException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x"), DryRun = true }));
        await KmsAssert.Throws<DryRunOperationException>(() => Kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256, DryRun = true }));
        await Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        // A dry run still reports the error the real call would meet.
        await KmsAssert.Throws<DisabledException>(() => Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x"), DryRun = true }));
    }
}
