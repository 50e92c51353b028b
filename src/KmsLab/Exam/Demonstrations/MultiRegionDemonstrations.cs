using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>multi-region</c> (lesson 12), shown across the simulator's Regions.</summary>
internal static class MultiRegionDemonstrations
{
    private static readonly Dictionary<string, string> Order = new() { ["order"] = "7" };

    [Proves("12.1")]
    internal static async Task<string> TheReplicaDecryptsWhatThePrimaryEncrypted(Lab lab)
    {
        var (east, west, key) = await PrimaryWithReplicaAsync(lab);
        var blob = await EncryptAsync(east, key);
        var opened = await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order });
        Demonstrate.That(opened.KeyId.StartsWith("arn:aws:kms:eu-west-1:", StringComparison.Ordinal), $"the eu-west-1 replica decrypted it (got {opened.KeyId})");
        var single = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var singleBlob = await EncryptAsync(east, single);
        var refused = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(singleBlob), EncryptionContext = Order }));
        return $"us-east-1 ciphertext decrypted by the eu-west-1 replica (its ARN answered); a single-Region key's ciphertext → {refused.ErrorCode} there";
    }

    [Proves("12.2")]
    internal static async Task<string> DisablingTheReplicaLeavesThePrimaryAlone(Lab lab)
    {
        var (east, west, key) = await PrimaryWithReplicaAsync(lab);
        var blob = await EncryptAsync(east, key);
        await west.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        var primary = (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata;
        Demonstrate.That(primary.KeyState == KeyState.Enabled, $"the primary stays Enabled (got {primary.KeyState})");
        await east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order });
        await Demonstrate.ThrowsAsync<DisabledException>(() => west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order }));
        return "replica disabled: the primary is still Enabled and decrypts; the replica → DisabledException";
    }

    [Proves("12.3")]
    internal static async Task<string> APrimaryWaitsForItsReplicas(Lab lab)
    {
        var (east, west, key) = await PrimaryWithReplicaAsync(lab);
        var scheduled = await east.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        Demonstrate.That(scheduled.KeyState == KeyState.PendingReplicaDeletion, $"the primary goes to PendingReplicaDeletion (got {scheduled.KeyState})");
        var replica = (await west.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(replica == KeyState.Enabled, $"KMS does not schedule the replica itself (got {replica})");
        await west.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        lab.Clock.Advance(TimeSpan.FromDays(KmsFacts.MinPendingWindowInDays + 1));
        var primary = (await east.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.KeyState;
        Demonstrate.That(primary == KeyState.PendingDeletion, $"once the replica is deleted, the primary is PendingDeletion (got {primary})");
        return "primary scheduled → PendingReplicaDeletion, replica still Enabled; after the replica's deletion the primary is PendingDeletion";
    }

    [Proves("mrk.convert-single-region")]
    internal static async Task<string> ASingleRegionKeyCannotBeReplicated(Lab lab)
    {
        var east = lab.CreateKmsClient(RegionEndpoint.USEast1);
        var single = (await east.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await Demonstrate.ThrowsAsync<UnsupportedOperationException>(() => east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = single, ReplicaRegion = "eu-west-1" }));
        var multi = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true })).KeyMetadata.KeyId;
        Demonstrate.That(multi.StartsWith("mrk-", StringComparison.Ordinal), "a new multi-Region key's ID starts with mrk-");
        var blob = await EncryptAsync(east, single);
        var moved = await east.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), SourceEncryptionContext = Order, DestinationKeyId = multi, DestinationEncryptionContext = Order });
        await east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = multi, ReplicaRegion = "eu-west-1" });
        var west = lab.CreateKmsClient(RegionEndpoint.EUWest1);
        await lab.WaitForKeyStateAsync(west, multi, KeyState.Enabled);
        await west.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(moved.CiphertextBlob.ToArray()), EncryptionContext = Order });
        return "ReplicateKey of a single-Region key → UnsupportedOperationException; data re-encrypted under a new mrk- key decrypts in eu-west-1";
    }

    [Proves("mrk.rotate-on-primary")]
    internal static async Task<string> RotationIsManagedOnThePrimary(Lab lab)
    {
        var (east, west, key) = await PrimaryWithReplicaAsync(lab);
        await Demonstrate.ThrowsAsync<UnsupportedOperationException>(() => west.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key }));
        await east.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
        var afterRotation = await EncryptAsync(west, key);
        await east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(afterRotation), EncryptionContext = Order });
        return "RotateKeyOnDemand on the replica → UnsupportedOperationException; rotated on the primary, eu-west-1's new ciphertext decrypts in us-east-1";
    }

    [Proves("mrk.replica-policy-is-its-own")]
    internal static async Task<string> AReplicaHasItsOwnPolicy(Lab lab)
    {
        var east = lab.CreateKmsClient(RegionEndpoint.USEast1);
        var west = lab.CreateKmsClient(RegionEndpoint.EUWest1);
        var app = lab.PrincipalArn(Lab.KeyUserName);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true, Policy = KeyPolicies.Console(lab.AccountId, [lab.AdminArn], [app]) })).KeyMetadata.KeyId;
        var blob = await EncryptAsync(east, key);
        await east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key, ReplicaRegion = "eu-west-1" });
        await lab.WaitForKeyStateAsync(west, key, KeyState.Enabled);
        await lab.CreateKmsClient(Lab.KeyUserName, RegionEndpoint.USEast1).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order });
        var refused = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() =>
            lab.CreateKmsClient(Lab.KeyUserName, RegionEndpoint.EUWest1).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order }));
        Demonstrate.That(refused.ErrorCode == "AccessDeniedException", $"the replica's default policy does not let the app decrypt (got {refused.ErrorCode})");
        await west.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = KeyPolicies.Console(lab.AccountId, [lab.AdminArn], [app]) });
        await lab.CreateKmsClient(Lab.KeyUserName, RegionEndpoint.EUWest1).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order });
        return "replicated without a policy: the app decrypts in us-east-1 but gets AccessDeniedException in eu-west-1 until the replica's own policy allows it";
    }

    [Proves("mrk.alias-per-region")]
    internal static async Task<string> AliasesStayInTheirRegion(Lab lab)
    {
        var (east, west, key) = await PrimaryWithReplicaAsync(lab);
        await east.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders", TargetKeyId = key });
        await Demonstrate.ThrowsAsync<NotFoundException>(() => EncryptAsync(west, "alias/orders"));
        await west.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders", TargetKeyId = key });
        await EncryptAsync(west, "alias/orders");
        return "alias/orders in us-east-1 only: eu-west-1's Encrypt → NotFoundException until alias/orders is created there for the replica";
    }

    [Proves("mrk.pipeline-new-region")]
    internal static async Task<string> ANewReplicaIsCreatingAtFirst(Lab lab)
    {
        var east = lab.CreateKmsClient(RegionEndpoint.USEast1);
        var sydney = lab.CreateKmsClient(RegionEndpoint.APSoutheast2);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true })).KeyMetadata.KeyId;
        var blob = await EncryptAsync(east, key);
        var replicated = await east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key, ReplicaRegion = "ap-southeast-2" });
        Demonstrate.That(replicated.ReplicaKeyMetadata.KeyState == KeyState.Creating, $"a new replica starts Creating (got {replicated.ReplicaKeyMetadata.KeyState})");
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => sydney.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order }));
        await Demonstrate.ThrowsAsync<AlreadyExistsException>(() => east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key, ReplicaRegion = "ap-southeast-2" }));
        await lab.WaitForKeyStateAsync(sydney, key, KeyState.Enabled);
        await sydney.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = Order });
        return "right after ReplicateKey the replica is Creating: Decrypt → KMSInvalidStateException, a second ReplicateKey → AlreadyExistsException; once Enabled it decrypts";
    }

    private static async Task<(IAmazonKeyManagementService East, IAmazonKeyManagementService West, string Key)> PrimaryWithReplicaAsync(Lab lab)
    {
        var east = lab.CreateKmsClient(RegionEndpoint.USEast1);
        var west = lab.CreateKmsClient(RegionEndpoint.EUWest1);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true })).KeyMetadata.KeyId;
        await east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key, ReplicaRegion = "eu-west-1" });
        await lab.WaitForKeyStateAsync(west, key, KeyState.Enabled);
        return (east, west, key);
    }

    private static async Task<byte[]> EncryptAsync(IAmazonKeyManagementService kms, string key) =>
        (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("order 7: 3 telescopes"u8.ToArray()), EncryptionContext = Order })).CiphertextBlob.ToArray();
}
