using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Persistence;
using KmsLab.Tests.Asymmetric;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Simulator;

/// <summary>
/// Multi-Region keys through the SDK client: CreateKey with MultiRegion, ReplicateKey,
/// UpdatePrimaryRegion, what the related keys share and what each keeps, deletion of a primary
/// with replicas, authorization and condition keys, imported material, and the state file.
/// Each behaviour follows the SDK's doc text (AWSSDK.KeyManagementService 4.1.0).
/// </summary>
public partial class MultiRegionKeyTests
{
    [GeneratedRegex("^mrk-[0-9a-f]{32}$")]
    private static partial Regex MrkId();

    // A variable: the SDK's analyzer refuses a literal that breaks the model's pattern.
    private static readonly string NotARegion = "Europe";

    private static readonly RegionEndpoint East = RegionEndpoint.USEast1;
    private static readonly RegionEndpoint West = RegionEndpoint.EUWest1;

    private sealed class World
    {
        public World()
        {
            Lab = new TestLab().Pooled();
            EastKms = Lab.Kms;
            WestKms = Lab.Lab.CreateKmsClient(West);
        }

        public TestLab Lab { get; }
        public IAmazonKeyManagementService EastKms { get; }
        public IAmazonKeyManagementService WestKms { get; }

        public void Advance(TimeSpan by) => Lab.Lab.Clock.Advance(by);

        public async Task<KeyMetadata> PrimaryAsync(string? keySpec = null, string? keyUsage = null, string? origin = null) =>
            (await EastKms.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true, KeySpec = keySpec, KeyUsage = keyUsage, Origin = origin })).KeyMetadata;

        /// <summary>Replicates to eu-west-1 and lets the replica finish creating.</summary>
        public async Task<KeyMetadata> ReplicaAsync(KeyMetadata primary)
        {
            await EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = West.SystemName });
            Advance(TimeSpan.FromSeconds(10));
            return await DescribeAsync(WestKms, primary.KeyId);
        }

        public static async Task<KeyMetadata> DescribeAsync(IAmazonKeyManagementService kms, string keyId) =>
            (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS")]
    [InlineData("RSA_2048", "SIGN_VERIFY", "AWS_KMS")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", "AWS_KMS")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS")]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "EXTERNAL")]
    public async Task CreateKey_with_MultiRegion_makes_a_primary_key_whose_ID_is_mrk_and_32_hex_digits(string keySpec, string keyUsage, string origin)
    {
        var w = new World();
        var key = await w.PrimaryAsync(keySpec, keyUsage, origin);

        Assert.Matches(MrkId(), key.KeyId);
        Assert.Equal($"arn:aws:kms:us-east-1:111122223333:key/{key.KeyId}", key.Arn);
        Assert.True(key.MultiRegion);
        Assert.Equal(MultiRegionKeyType.PRIMARY, key.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(key.Arn, key.MultiRegionConfiguration.PrimaryKey.Arn);
        Assert.Equal("us-east-1", key.MultiRegionConfiguration.PrimaryKey.Region);
        Assert.Empty(key.MultiRegionConfiguration.ReplicaKeys ?? []);
        Assert.Equal(origin == "EXTERNAL" ? KeyState.PendingImport : KeyState.Enabled, key.KeyState);

        // Found by mrk- ID and by ARN; ListKeys shows the mrk- ID.
        Assert.Equal(key.Arn, (await World.DescribeAsync(w.EastKms, key.Arn)).Arn);
        Assert.Contains((await w.EastKms.ListKeysAsync(new ListKeysRequest())).Keys, k => k.KeyId == key.KeyId);
        // The UUID form of the same ID does not name a multi-Region key.
        var uuid = Guid.ParseExact(key.KeyId[4..], "N").ToString("D");
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = uuid }));
    }

    [Fact]
    public async Task A_single_Region_key_says_MultiRegion_false_and_has_no_configuration()
    {
        var w = new World();
        var key = (await w.EastKms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.False(key.MultiRegion);
        Assert.Null(key.MultiRegionConfiguration);
        Assert.DoesNotContain("mrk-", key.KeyId);
        var e = await KmsAssert.Throws<UnsupportedOperationException>(() =>
            w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key.KeyId, ReplicaRegion = "eu-west-1" }));
        Assert.Contains("single-Region", e.Message);
    }

    [Fact]
    public async Task ReplicateKey_creates_a_replica_with_the_same_key_ID_that_is_Creating_and_then_Enabled_on_the_clock()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        var response = await w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest
        {
            KeyId = primary.Arn,
            ReplicaRegion = "eu-west-1",
            Description = "the Dublin copy",
            Tags = [new Tag { TagKey = "site", TagValue = "dublin" }],
        });

        var replica = response.ReplicaKeyMetadata;
        Assert.Equal(primary.KeyId, replica.KeyId);
        Assert.Equal($"arn:aws:kms:eu-west-1:111122223333:key/{primary.KeyId}", replica.Arn);
        Assert.Equal(KeyState.Creating, replica.KeyState);
        Assert.False(replica.Enabled);
        Assert.Equal("the Dublin copy", replica.Description);
        Assert.True(replica.MultiRegion);
        Assert.Equal(MultiRegionKeyType.REPLICA, replica.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(primary.Arn, replica.MultiRegionConfiguration.PrimaryKey.Arn);
        Assert.Equal([replica.Arn], replica.MultiRegionConfiguration.ReplicaKeys.Select(k => k.Arn));
        Assert.Equal("dublin", Assert.Single(response.ReplicaTags).TagValue);
        Assert.Contains("arn:aws:iam::111122223333:root", response.ReplicaPolicy);

        // While Creating the replica can be managed but not used.
        var creating = await KmsAssert.Throws<KMSInvalidStateException>(() =>
            w.WestKms.EncryptAsync(new EncryptRequest { KeyId = replica.KeyId, Plaintext = Bytes.Stream("too soon") }));
        Assert.Contains("is creating", creating.Message);
        await w.WestKms.TagResourceAsync(new TagResourceRequest { KeyId = replica.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "eu" }] });

        w.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(KeyState.Enabled, (await World.DescribeAsync(w.WestKms, replica.KeyId)).KeyState);
        var fromPrimary = await World.DescribeAsync(w.EastKms, primary.KeyId);
        Assert.Equal(MultiRegionKeyType.PRIMARY, fromPrimary.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal([("eu-west-1", replica.Arn)], fromPrimary.MultiRegionConfiguration.ReplicaKeys.Select(k => (k.Region, k.Arn)));

        // One replica per Region; the primary's own Region and replicas cannot be replicated to or from.
        await KmsAssert.Throws<AlreadyExistsException>(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1" }));
        await KmsAssert.Validation(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "us-east-1" }));
        await KmsAssert.Validation(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = NotARegion }), "replicaRegion");
        await KmsAssert.Throws<UnsupportedOperationException>(() => w.WestKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = replica.KeyId, ReplicaRegion = "ap-southeast-2" }));
        await KmsAssert.Throws<UnsupportedOperationException>(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "cn-north-1" }));
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = "alias/nope", ReplicaRegion = "ap-southeast-2" }));

        // A second Region is fine, and every key lists every replica.
        await w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" });
        var again = await World.DescribeAsync(w.WestKms, primary.KeyId);
        Assert.Equal(["eu-west-1", "ap-southeast-2"], again.MultiRegionConfiguration.ReplicaKeys.Select(k => k.Region));
    }

    [Fact]
    public async Task The_audit_trail_records_ReplicateKey_naming_both_keys_and_UpdatePrimaryRegion_once_in_each_Region()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        await w.EastKms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "eu-west-1" });
        var replicaArn = $"arn:aws:kms:eu-west-1:111122223333:key/{primary.KeyId}";
        var replicate = Assert.Single(w.Lab.Lab.AuditTrail.Events, e => e.EventName == "ReplicateKey");
        Assert.True(replicate.Succeeded);
        Assert.False(replicate.ReadOnly);
        Assert.Equal("us-east-1", replicate.AwsRegion);
        Assert.Equal([primary.Arn, replicaArn], replicate.ResourceArns);

        // KMS Developer Guide, ct-update-primary-region: "The UpdatePrimaryRegion operation writes two CloudTrail log
        // entries: one in the Region with the multi-Region primary key that is converted to a replica key, and one in
        // the Region with a multi-Region replica key that is converted to a primary key"; each names its Region's key.
        var updates = w.Lab.Lab.AuditTrail.Events.Where(e => e.EventName == "UpdatePrimaryRegion").ToList();
        Assert.Equal(["us-east-1", "eu-west-1"], updates.Select(e => e.AwsRegion));
        Assert.Equal([primary.Arn], updates[0].ResourceArns);
        Assert.Equal([replicaArn], updates[1].ResourceArns);
        Assert.All(updates, e => Assert.True(e.Succeeded && !e.ReadOnly));
        Assert.Equal(updates[0].RequestId, updates[1].RequestId);
        Assert.NotEqual(updates[0].EventId, updates[1].EventId);
        Assert.All(updates, e => Assert.Equal("eu-west-1", e.ToJsonObject()["requestParameters"]!["primaryRegion"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ReplicateKey_is_also_a_CreateKey_event_in_the_replicas_Region()
    {
        // KMS Developer Guide, ct-replicate-key: "A ReplicateKey request results in a ReplicateKey operation and a CreateKey operation."
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        var replicaArn = $"arn:aws:kms:eu-west-1:111122223333:key/{primary.KeyId}";
        var replicate = Assert.Single(w.Lab.Lab.AuditTrail.Events, e => e.EventName == "ReplicateKey");
        var created = Assert.Single(w.Lab.Lab.AuditTrail.Events, e => e.EventName == "CreateKey" && e.AwsRegion == "eu-west-1");
        Assert.Equal([replicaArn], created.ResourceArns);
        Assert.Equal(replicate.RequestId, created.RequestId);
        Assert.NotEqual(replicate.EventId, created.EventId);
        Assert.Equal(replicate.UserIdentity.Arn, created.UserIdentity.Arn);
        Assert.False(created.ReadOnly);
        Assert.True(created.Succeeded);
        var parameters = created.RequestParameters!;
        Assert.True(parameters["multiRegion"]!.GetValue<bool>());
        Assert.Equal("SYMMETRIC_DEFAULT", parameters["keySpec"]!.GetValue<string>());
        Assert.Equal("ENCRYPT_DECRYPT", parameters["keyUsage"]!.GetValue<string>());
        Assert.Equal("AWS_KMS", parameters["origin"]!.GetValue<string>());
        var order = w.Lab.Lab.AuditTrail.Events.Select(e => e.EventId).ToList();
        Assert.True(order.IndexOf(replicate.EventId) < order.IndexOf(created.EventId), "the CreateKey event follows the ReplicateKey event");

        // A refused ReplicateKey creates nothing, so it is no CreateKey either.
        await KmsAssert.Throws<AlreadyExistsException>(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1" }));
        Assert.Single(w.Lab.Lab.AuditTrail.Events, e => e.EventName == "CreateKey" && e.AwsRegion == "eu-west-1");
    }

    [Fact]
    public async Task A_ciphertext_made_in_one_Region_decrypts_with_the_related_key_in_another()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        var replica = await w.ReplicaAsync(primary);
        var context = new Dictionary<string, string> { ["purpose"] = "dr" };

        var east = await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("made in Virginia"), EncryptionContext = context });
        var inWest = await w.WestKms.DecryptAsync(new DecryptRequest { CiphertextBlob = east.CiphertextBlob, EncryptionContext = context });
        Assert.Equal("made in Virginia", Bytes.Text(inWest.Plaintext));
        Assert.Equal(replica.Arn, inWest.KeyId);

        var west = await w.WestKms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = replica.Arn, KeySpec = DataKeySpec.AES_256 });
        var inEast = await w.EastKms.DecryptAsync(new DecryptRequest { CiphertextBlob = west.CiphertextBlob, KeyId = primary.KeyId });
        Assert.Equal(west.Plaintext.ToArray(), inEast.Plaintext.ToArray());
        Assert.Equal(primary.Arn, inEast.KeyId);

        // A single-Region key's ciphertext still does not decrypt elsewhere.
        var regional = (await w.EastKms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = regional.KeyId, Plaintext = Bytes.Stream("stay") })).CiphertextBlob;
        await KmsAssert.Throws<InvalidCiphertextException>(() => w.WestKms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }));
    }

    [Fact]
    public async Task Asymmetric_and_HMAC_replicas_share_the_key_pair_and_the_secret()
    {
        var w = new World();
        var signing = await w.PrimaryAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await w.ReplicaAsync(signing);
        var message = Bytes.Stream("signed in Ireland");
        var signature = (await w.WestKms.SignAsync(new SignRequest { KeyId = signing.KeyId, Message = message, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature;
        var east = await w.EastKms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = signing.KeyId });
        var west = await w.WestKms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = signing.KeyId });
        Assert.Equal(east.PublicKey.ToArray(), west.PublicKey.ToArray());
        // Checked outside KMS with the primary's public key.
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(east.PublicKey.ToArray(), out _);
        Assert.True(ecdsa.VerifyData("signed in Ireland"u8, signature.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var mac = await w.PrimaryAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await w.ReplicaAsync(mac);
        var tag = (await w.EastKms.GenerateMacAsync(new GenerateMacRequest { KeyId = mac.KeyId, Message = Bytes.Stream("m"), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).Mac;
        var verified = await w.WestKms.VerifyMacAsync(new VerifyMacRequest { KeyId = mac.KeyId, Message = Bytes.Stream("m"), Mac = tag, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
        Assert.True(verified.MacValid);
    }

    [Theory]
    [InlineData("ML_DSA_44", "SIGN_VERIFY")]
    [InlineData("ECC_NIST_EDWARDS25519", "SIGN_VERIFY")]
    [InlineData("ECC_NIST_P384", "KEY_AGREEMENT")]
    [InlineData("ML_KEM_768", "ENCAPSULATE_DECAPSULATE")]
    public async Task Replicas_of_the_2025_key_specs_share_the_key_pair(string spec, string usage)
    {
        var w = new World();
        var key = await w.PrimaryAsync(spec, usage);
        await w.ReplicaAsync(key);
        var east = (await w.EastKms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        var west = (await w.WestKms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        Assert.Equal(east, west);
        switch (usage)
        {
            case "SIGN_VERIFY":
                var algorithm = spec == "ML_DSA_44" ? SigningAlgorithmSpec.ML_DSA_SHAKE_256 : SigningAlgorithmSpec.ED25519_SHA_512;
                var signature = (await w.WestKms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Bytes.Stream("signed in Ireland"), MessageType = MessageType.RAW, SigningAlgorithm = algorithm })).Signature;
                Assert.True((await w.EastKms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Bytes.Stream("signed in Ireland"), MessageType = MessageType.RAW, Signature = signature, SigningAlgorithm = algorithm })).SignatureValid);
                break;
            case "KEY_AGREEMENT":
                using (var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384))
                {
                    var request = () => new DeriveSharedSecretRequest { KeyId = key.KeyId, KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH, PublicKey = new MemoryStream(peer.ExportSubjectPublicKeyInfo()) };
                    Assert.Equal((await w.EastKms.DeriveSharedSecretAsync(request())).SharedSecret.ToArray(), (await w.WestKms.DeriveSharedSecretAsync(request())).SharedSecret.ToArray());
                }
                break;
            default:
                var sealedSecret = await w.EastKms.EncapsulateAsync(new EncapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = EncapsulationAlgorithmSpec.ML_KEM });
                var opened = await w.WestKms.DecapsulateAsync(new DecapsulateRequest { KeyId = key.KeyId, EncapsulationAlgorithm = EncapsulationAlgorithmSpec.ML_KEM, SharedSecretCiphertextBlob = sealedSecret.SharedSecretCiphertextBlob });
                Assert.Equal(sealedSecret.SharedSecret.ToArray(), opened.SharedSecret.ToArray());
                break;
        }
    }

    [Fact]
    public async Task Policy_aliases_tags_description_and_enabled_state_are_each_keys_own()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        await w.WestKms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/dr", TargetKeyId = primary.KeyId });
        await w.WestKms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = primary.KeyId, Description = "west only" });
        await w.WestKms.DisableKeyAsync(new DisableKeyRequest { KeyId = primary.KeyId });

        var east = await World.DescribeAsync(w.EastKms, primary.KeyId);
        Assert.Equal(KeyState.Enabled, east.KeyState);
        Assert.NotEqual("west only", east.Description);
        Assert.Equal(KeyState.Disabled, (await World.DescribeAsync(w.WestKms, primary.KeyId)).KeyState);
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/dr" }));
        await KmsAssert.Throws<DisabledException>(() => w.WestKms.EncryptAsync(new EncryptRequest { KeyId = "alias/dr", Plaintext = Bytes.Stream("x") }));
        await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("x") });
    }

    [Fact]
    public async Task Rotation_is_managed_on_the_primary_and_every_replica_gets_the_new_material()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);

        // On a replica, rotation cannot be changed.
        await KmsAssert.Throws<UnsupportedOperationException>(() => w.WestKms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = primary.KeyId }));
        await KmsAssert.Throws<UnsupportedOperationException>(() => w.WestKms.DisableKeyRotationAsync(new DisableKeyRotationRequest { KeyId = primary.KeyId }));
        var refused = await KmsAssert.Throws<UnsupportedOperationException>(() => w.WestKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId }));
        Assert.Contains("us-east-1", refused.Message);

        var before = await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("old") });
        await w.EastKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId });
        await w.EastKms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = primary.KeyId, RotationPeriodInDays = 90 });

        var status = await w.WestKms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = primary.KeyId });
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(90, status.RotationPeriodInDays);

        async Task<List<string>> Materials(IAmazonKeyManagementService kms) =>
            (await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = primary.KeyId, IncludeKeyMaterial = IncludeKeyMaterial.ALL_KEY_MATERIAL }))
                .Rotations.Select(r => $"{r.KeyMaterialId} {r.KeyMaterialState} {r.RotationType}").ToList();
        Assert.Equal(2, (await Materials(w.EastKms)).Count);
        Assert.Equal(await Materials(w.EastKms), await Materials(w.WestKms));

        // The new material encrypts in Ireland and decrypts in Virginia, and the old still decrypts everywhere.
        var after = await w.WestKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("new") });
        Assert.Equal("new", Bytes.Text((await w.EastKms.DecryptAsync(new DecryptRequest { CiphertextBlob = after.CiphertextBlob })).Plaintext));
        Assert.Equal("old", Bytes.Text((await w.WestKms.DecryptAsync(new DecryptRequest { CiphertextBlob = before.CiphertextBlob })).Plaintext));
        var current = (await w.EastKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = primary.KeyId })).KeyMetadata.CurrentKeyMaterialId;
        Assert.Equal(current, (await World.DescribeAsync(w.WestKms, primary.KeyId)).CurrentKeyMaterialId);

        // Automatic rotation happens on the primary's schedule and reaches the replica.
        w.Advance(TimeSpan.FromDays(91));
        Assert.Equal(3, (await Materials(w.WestKms)).Count);
        Assert.Equal(await Materials(w.EastKms), await Materials(w.WestKms));
    }

    [Fact]
    public async Task A_primary_with_replicas_is_PendingReplicaDeletion_until_its_last_replica_is_deleted()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);

        var scheduled = await w.EastKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 10 });
        Assert.Equal(KeyState.PendingReplicaDeletion, scheduled.KeyState);
        Assert.Null(scheduled.DeletionDate);
        Assert.Equal(10, scheduled.PendingWindowInDays);
        var described = await World.DescribeAsync(w.EastKms, primary.KeyId);
        Assert.Equal(KeyState.PendingReplicaDeletion, described.KeyState);
        Assert.Null(described.DeletionDate);
        Assert.Equal(10, described.PendingDeletionWindowInDays);
        await KmsAssert.Throws<KMSInvalidStateException>(() => w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("x") }));
        await KmsAssert.Throws<KMSInvalidStateException>(() => w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" }));

        // Waiting does nothing while the replica lives.
        w.Advance(TimeSpan.FromDays(40));
        Assert.Equal(KeyState.PendingReplicaDeletion, (await World.DescribeAsync(w.EastKms, primary.KeyId)).KeyState);

        var replicaGone = (await w.WestKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 })).DeletionDate;
        Assert.Equal(KeyState.PendingDeletion, (await World.DescribeAsync(w.WestKms, primary.KeyId)).KeyState);
        w.Advance(TimeSpan.FromDays(7));
        await KmsAssert.Throws<NotFoundException>(() => w.WestKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = primary.KeyId }));
        var pending = await World.DescribeAsync(w.EastKms, primary.KeyId);
        Assert.Equal(KeyState.PendingDeletion, pending.KeyState);
        Assert.Equal(replicaGone!.Value.AddDays(10), pending.DeletionDate);
        Assert.Empty(pending.MultiRegionConfiguration.ReplicaKeys ?? []);

        w.Advance(TimeSpan.FromDays(10));
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = primary.KeyId }));
    }

    [Fact]
    public async Task One_jump_of_the_clock_deletes_the_replica_and_then_its_primary()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        await w.EastKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 });
        await w.WestKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 });
        w.Advance(TimeSpan.FromDays(15));
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = primary.KeyId }));
        await KmsAssert.Throws<NotFoundException>(() => w.WestKms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = primary.KeyId }));
    }

    [Fact]
    public async Task Cancelling_the_deletion_of_a_primary_pending_replica_deletion_leaves_it_Disabled()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        await w.EastKms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = primary.KeyId });
        await w.EastKms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = primary.KeyId });
        var key = await World.DescribeAsync(w.EastKms, primary.KeyId);
        Assert.Equal(KeyState.Disabled, key.KeyState);
        Assert.Null(key.PendingDeletionWindowInDays);
    }

    [Fact]
    public async Task UpdatePrimaryRegion_swaps_the_roles_after_both_keys_were_Updating_for_a_while()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);

        await KmsAssert.Throws<UnsupportedOperationException>(() => w.WestKms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "us-east-1" }));
        await KmsAssert.Throws<NotFoundException>(() => w.EastKms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "ap-southeast-2" }));
        await KmsAssert.Validation(() => w.EastKms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId }), "primaryRegion");

        await w.EastKms.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.Arn, PrimaryRegion = "eu-west-1" });
        Assert.Equal(KeyState.Updating, (await World.DescribeAsync(w.EastKms, primary.KeyId)).KeyState);
        Assert.Equal(KeyState.Updating, (await World.DescribeAsync(w.WestKms, primary.KeyId)).KeyState);
        // While Updating the keys work, but cannot be disabled.
        var blob = (await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("during") })).CiphertextBlob;
        Assert.Equal("during", Bytes.Text((await w.WestKms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
        await KmsAssert.Throws<KMSInvalidStateException>(() => w.EastKms.DisableKeyAsync(new DisableKeyRequest { KeyId = primary.KeyId }));

        w.Advance(TimeSpan.FromSeconds(5));
        var east = await World.DescribeAsync(w.EastKms, primary.KeyId);
        var west = await World.DescribeAsync(w.WestKms, primary.KeyId);
        Assert.Equal(KeyState.Enabled, east.KeyState);
        Assert.Equal(KeyState.Enabled, west.KeyState);
        Assert.Equal(MultiRegionKeyType.REPLICA, east.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(MultiRegionKeyType.PRIMARY, west.MultiRegionConfiguration.MultiRegionKeyType);
        Assert.Equal(west.Arn, east.MultiRegionConfiguration.PrimaryKey.Arn);
        Assert.Equal([east.Arn], west.MultiRegionConfiguration.ReplicaKeys.Select(k => k.Arn));

        // Rotation and replication now belong to eu-west-1.
        await KmsAssert.Throws<UnsupportedOperationException>(() => w.EastKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId }));
        await w.WestKms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId });
        Assert.Equal(
            (await World.DescribeAsync(w.WestKms, primary.KeyId)).CurrentKeyMaterialId,
            (await World.DescribeAsync(w.EastKms, primary.KeyId)).CurrentKeyMaterialId);
        await w.WestKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" });
    }

    [Fact]
    public async Task ReplicateKey_needs_kms_ReplicateKey_on_the_primary_and_kms_CreateKey_and_kms_TagResource_in_the_replica_Region()
    {
        var w = new World();
        var lab = w.Lab.Lab;
        var primary = await w.PrimaryAsync();
        var user = lab.CreateKmsClient(Lab.KeyManagerName);
        var request = new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1" };

        var e = await KmsAssert.Code("AccessDeniedException", () => user.ReplicateKeyAsync(request));
        Assert.Contains("kms:ReplicateKey", e.Message);
        Assert.Contains(primary.Arn, e.Message);

        lab.PutIdentityPolicy(Lab.KeyManagerName, "replicate", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ReplicateKey","Resource":"*"}]}""");
        e = await KmsAssert.Code("AccessDeniedException", () => user.ReplicateKeyAsync(request));
        Assert.Contains("kms:CreateKey", e.Message);

        // kms:CreateKey in the replica's Region only (aws:RequestedRegion), and kms:TagResource for tags.
        lab.PutIdentityPolicy(Lab.KeyManagerName, "create", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1","kms:MultiRegionKeyType":"REPLICA"}}}]}""");
        var tagged = new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1", Tags = [new Tag { TagKey = "a", TagValue = "b" }] };
        e = await KmsAssert.Code("AccessDeniedException", () => user.ReplicateKeyAsync(tagged));
        Assert.Contains("kms:TagResource", e.Message);
        var replica = (await user.ReplicateKeyAsync(request)).ReplicaKeyMetadata;
        Assert.Equal(KeyState.Creating, replica.KeyState);

        // kms:ReplicaRegion limits where a key may be replicated.
        lab.PutIdentityPolicy(Lab.KeyManagerName, "not-sydney", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:ReplicateKey","Resource":"*","Condition":{"StringEquals":{"kms:ReplicaRegion":"ap-southeast-2"}}}]}""");
        e = await KmsAssert.Code("AccessDeniedException", () => user.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" }));
        Assert.Contains("explicit deny", e.Message);
    }

    [Fact]
    public async Task The_condition_keys_MultiRegion_and_MultiRegionKeyType_are_tested_on_CreateKey_and_on_the_key()
    {
        var w = new World();
        var lab = w.Lab.Lab;
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        lab.PutIdentityPolicy(Lab.KeyUserName, "regional-only", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*","Condition":{"Bool":{"kms:MultiRegion":"false"}}}]}""");
        await user.CreateKeyAsync(new CreateKeyRequest());
        var e = await KmsAssert.Code("AccessDeniedException", () => user.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true }));
        Assert.Contains("kms:CreateKey", e.Message);

        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        // Encrypt with replicas only, wherever they are.
        lab.PutIdentityPolicy(Lab.KeyUserName, "replicas", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:MultiRegionKeyType":"REPLICA"},"Bool":{"kms:MultiRegion":"true"}}}]}""");
        await lab.CreateKmsClient(Lab.KeyUserName, West).EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("ok") });
        await KmsAssert.Code("AccessDeniedException", () => user.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("no") }));
    }

    [Fact]
    public async Task UpdatePrimaryRegion_needs_kms_UpdatePrimaryRegion_on_both_keys()
    {
        var w = new World();
        var lab = w.Lab.Lab;
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        var user = lab.CreateKmsClient(Lab.KeyManagerName);
        lab.PutIdentityPolicy(Lab.KeyManagerName, "update", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:UpdatePrimaryRegion","Resource":"*","Condition":{"StringEquals":{"kms:PrimaryRegion":"eu-west-1"}}}]}""");
        // The replica's own key policy denies it.
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Sid":"no","Effect":"Deny","Principal":{"AWS":"{{lab.PrincipalArn(Lab.KeyManagerName)}}"},"Action":"kms:UpdatePrimaryRegion","Resource":"*"}]}""";
        await w.WestKms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = primary.KeyId, PolicyName = "default", Policy = policy });
        var e = await KmsAssert.Code("AccessDeniedException", () => user.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "eu-west-1" }));
        Assert.Contains("arn:aws:kms:eu-west-1:", e.Message);
        Assert.Equal(KeyState.Enabled, (await World.DescribeAsync(w.EastKms, primary.KeyId)).KeyState);

        await w.WestKms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = primary.KeyId, PolicyName = "default", Policy = policy.Replace("\"Deny\"", "\"Allow\"") });
        await user.UpdatePrimaryRegionAsync(new UpdatePrimaryRegionRequest { KeyId = primary.KeyId, PrimaryRegion = "eu-west-1" });
    }

    [Fact]
    public async Task An_EXTERNAL_multi_Region_key_takes_the_same_imported_material_in_every_Region()
    {
        var w = new World();
        var primary = await w.PrimaryAsync(origin: "EXTERNAL");
        var replica = await w.ReplicaAsync(primary);
        Assert.Equal(KeyState.PendingImport, replica.KeyState);
        var material = RandomNumberGenerator.GetBytes(32);
        var west = new TestLabView(w.Lab.Lab, w.WestKms);

        // The primary first.
        var early = await KmsAssert.Throws<IncorrectKeyMaterialException>(() => west.ImportAsync(primary.KeyId, material));
        Assert.Contains("primary key in us-east-1", early.Message);
        var imported = await w.Lab.ImportAsync(primary.KeyId, material);

        // Other bytes are refused in the replica; the same bytes are accepted and get the same KeyMaterialId.
        await KmsAssert.Throws<IncorrectKeyMaterialException>(() => west.ImportAsync(primary.KeyId, RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(KeyState.PendingImport, (await World.DescribeAsync(w.WestKms, primary.KeyId)).KeyState);
        var again = await west.ImportAsync(primary.KeyId, material, ImportType.EXISTING_KEY_MATERIAL);
        Assert.Equal(imported.KeyMaterialId, again.KeyMaterialId);
        Assert.Equal(KeyState.Enabled, (await World.DescribeAsync(w.WestKms, primary.KeyId)).KeyState);

        var blob = (await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("mine") })).CiphertextBlob;
        Assert.Equal("mine", Bytes.Text((await w.WestKms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));

        // A replica made after the import waits for the same material too.
        await w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" });
        w.Advance(TimeSpan.FromSeconds(5));
        var sydney = new TestLabView(w.Lab.Lab, w.Lab.Lab.CreateKmsClient(RegionEndpoint.APSoutheast2));
        Assert.Equal(KeyState.PendingImport, (await World.DescribeAsync(sydney.Kms, primary.KeyId)).KeyState);
        await KmsAssert.Throws<IncorrectKeyMaterialException>(() => sydney.ImportAsync(primary.KeyId, RandomNumberGenerator.GetBytes(32)));
        await sydney.ImportAsync(primary.KeyId, material, ImportType.EXISTING_KEY_MATERIAL);
    }

    /// <summary>GetParametersForImport and ImportKeyMaterial through a client of one Region.</summary>
    private sealed record TestLabView(Lab Lab, IAmazonKeyManagementService Kms)
    {
        public async Task<ImportKeyMaterialResponse> ImportAsync(string keyId, byte[] material, ImportType? importType = null)
        {
            var parameters = await Kms.GetParametersForImportAsync(new GetParametersForImportRequest
            {
                KeyId = keyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048,
            });
            return await Kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
            {
                KeyId = keyId,
                ImportToken = parameters.ImportToken,
                EncryptedKeyMaterial = Bytes.Stream(AsymmetricTestSupport.Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
                ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
                ImportType = importType,
            });
        }
    }

    [Fact]
    public async Task The_state_file_keeps_the_multi_Region_relationships()
    {
        var w = new World();
        var primary = await w.PrimaryAsync();
        await w.ReplicaAsync(primary);
        await w.EastKms.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "ap-southeast-2" });
        var blob = (await w.EastKms.EncryptAsync(new EncryptRequest { KeyId = primary.KeyId, Plaintext = Bytes.Stream("kept") })).CiphertextBlob;

        var path = Path.Combine(Directory.CreateTempSubdirectory("kmslab-mrk-").FullName, "state.json");
        try
        {
            File.WriteAllBytes(path, StateFile.Serialize(w.Lab.Lab.Snapshot()));
            var after = Lab.Restore(StateFile.Read(path), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
            var east = after.CreateKmsClient(East);
            var west = after.CreateKmsClient(West);
            var sydney = after.CreateKmsClient(RegionEndpoint.APSoutheast2);

            var restored = await World.DescribeAsync(east, primary.KeyId);
            Assert.True(restored.MultiRegion);
            Assert.Equal(MultiRegionKeyType.PRIMARY, restored.MultiRegionConfiguration.MultiRegionKeyType);
            Assert.Equal(["eu-west-1", "ap-southeast-2"], restored.MultiRegionConfiguration.ReplicaKeys.Select(k => k.Region));
            Assert.Equal(MultiRegionKeyType.REPLICA, (await World.DescribeAsync(west, primary.KeyId)).MultiRegionConfiguration.MultiRegionKeyType);
            // The Sydney replica was still Creating: it settles on the restored clock.
            Assert.Equal(KeyState.Creating, (await World.DescribeAsync(sydney, primary.KeyId)).KeyState);
            after.Clock.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(KeyState.Enabled, (await World.DescribeAsync(sydney, primary.KeyId)).KeyState);
            Assert.Equal("kept", Bytes.Text((await west.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));

            // Rotation on the restored primary still reaches the replicas; replicas still refuse it.
            await east.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId });
            Assert.Equal((await World.DescribeAsync(east, primary.KeyId)).CurrentKeyMaterialId, (await World.DescribeAsync(sydney, primary.KeyId)).CurrentKeyMaterialId);
            await KmsAssert.Throws<UnsupportedOperationException>(() => west.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = primary.KeyId }));
            await KmsAssert.Throws<AlreadyExistsException>(() => east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = primary.KeyId, ReplicaRegion = "eu-west-1" }));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
