using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Facts;

/// <summary>
/// Every number of <see cref="KmsFacts"/> that the simulator enforces, checked against the simulator
/// itself through the SDK client: the value works, one past it fails as AWS fails. A lesson that
/// shows a fact from the table can therefore never state a limit the simulator contradicts.
/// </summary>
public sealed class SimulatorEnforcesFactsTests
{
    public static TheoryData<string> EnforcedFacts()
    {
        var data = new TheoryData<string>();
        foreach (var fact in KmsFacts.All.Where(f => f.Enforced)) data.Add(fact.Name);
        return data;
    }

    [Fact]
    public void Every_enforced_fact_has_its_probe_and_every_probe_a_fact()
    {
        var enforced = KmsFacts.All.Where(f => f.Enforced).Select(f => f.Name).Order().ToList();
        Assert.Equal(enforced, Probes.Keys.Order().ToList());
        Assert.True(enforced.Count >= 30, $"only {enforced.Count} enforced facts");
    }

    [Theory]
    [MemberData(nameof(EnforcedFacts))]
    public async Task The_simulator_enforces(string fact)
    {
        Assert.True(Probes.TryGetValue(fact, out var probe), $"no probe checks {fact} against the simulator");
        await probe((int)KmsFacts.Get(fact).Value);
    }

    private static readonly Dictionary<string, Func<int, Task>> Probes = new()
    {
        [nameof(KmsFacts.MaxEncryptPlaintextBytes)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[n]) });
            await KmsAssert.Validation(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[n + 1]) }), $"less than or equal to {n}");
        },
        [nameof(KmsFacts.MaxCiphertextBlobBytes)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            // n bytes pass validation and fail as foreign ciphertext; n + 1 are refused before that.
            await KmsAssert.Throws<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(new byte[n]) }));
            await KmsAssert.Validation(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(new byte[n + 1]) }), $"less than or equal to {n}");
            await KmsAssert.Throws<InvalidCiphertextException>(() => kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(new byte[n]), DestinationKeyId = key }));
            await KmsAssert.Validation(() => kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(new byte[n + 1]), DestinationKeyId = key }));
        },
        [nameof(KmsFacts.MaxSignMessageBytes)] = async n =>
        {
            var kms = new TestLab().Kms;
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
            SignRequest Sign(int size) => new() { KeyId = key, Message = new MemoryStream(new byte[size]), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 };
            await kms.SignAsync(Sign(n));
            await KmsAssert.Validation(() => kms.SignAsync(Sign(n + 1)));
        },
        [nameof(KmsFacts.MaxRsa2048OaepSha256PlaintextBytes)] = n => RsaOaepAsync(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, n),
        [nameof(KmsFacts.MaxRsa2048OaepSha1PlaintextBytes)] = n => RsaOaepAsync(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_1, n),
        [nameof(KmsFacts.Aes256DataKeyBytes)] = n => DataKeySizeAsync(DataKeySpec.AES_256, n),
        [nameof(KmsFacts.Aes128DataKeyBytes)] = n => DataKeySizeAsync(DataKeySpec.AES_128, n),
        [nameof(KmsFacts.Aes256DataKeyCiphertextBlobBytes)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
            Assert.Equal(n, dataKey.CiphertextBlob.Length);
            var withoutPlaintext = await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
            Assert.Equal(n, withoutPlaintext.CiphertextBlob.Length);
        },
        [nameof(KmsFacts.MaxDataKeyBytes)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            Assert.Equal(n, (await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, NumberOfBytes = n })).Plaintext.Length);
            Assert.Single((await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, NumberOfBytes = 1 })).Plaintext.ToArray());
            await KmsAssert.Validation(() => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, NumberOfBytes = n + 1 }));
            await KmsAssert.Validation(() => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, NumberOfBytes = n - n }));
        },
        [nameof(KmsFacts.MaxRandomBytes)] = async n =>
        {
            var kms = new TestLab().Kms;
            Assert.Equal(n, (await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = n })).Plaintext.Length);
            Assert.Single((await kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1 })).Plaintext.ToArray());
            await KmsAssert.Validation(() => kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = n + 1 }));
            await KmsAssert.Validation(() => kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = n - n }));
        },
        [nameof(KmsFacts.MaxGrantTokensPerRequest)] = async n =>
        {
            var (kms, key, lab) = await KeyWithLabAsync();
            var token = (await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.Lab.PrincipalArn("myKeyUser"), Operations = ["Encrypt"] })).GrantToken;
            EncryptRequest With(int tokens) => new() { KeyId = key, Plaintext = Bytes.Stream("x"), GrantTokens = Enumerable.Repeat(token, tokens).ToList() };
            await kms.EncryptAsync(With(n));
            await KmsAssert.Validation(() => kms.EncryptAsync(With(n + 1)));
        },
        [nameof(KmsFacts.MaxDescriptionCharacters)] = async n =>
        {
            var kms = new TestLab().Kms;
            await kms.CreateKeyAsync(new CreateKeyRequest { Description = new string('d', n) });
            await KmsAssert.Validation(() => kms.CreateKeyAsync(new CreateKeyRequest { Description = new string('d', n + 1) }));
        },
        [nameof(KmsFacts.MaxAliasNameCharacters)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            string Name(int length) => "alias/" + new string('a', length - "alias/".Length);
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = Name(n), TargetKeyId = key });
            await KmsAssert.Validation(() => kms.CreateAliasAsync(new CreateAliasRequest { AliasName = Name(n + 1), TargetKeyId = key }));
        },
        [nameof(KmsFacts.MaxKeyPolicyCharacters)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key, PolicyName = "default" })).Policy;
            string Padded(int length) => policy + new string(' ', length - policy.Length);
            await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = Padded(n) });
            await KmsAssert.Validation(() => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = Padded(n + 1) }));
        },
        [nameof(KmsFacts.MinPendingWindowInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await KmsAssert.Validation(() => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = n - 1 }));
            Assert.Equal(n, (await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = n })).PendingWindowInDays);
        },
        [nameof(KmsFacts.MaxPendingWindowInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await KmsAssert.Validation(() => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = n + 1 }));
            Assert.Equal(n, (await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = n })).PendingWindowInDays);
        },
        [nameof(KmsFacts.DefaultPendingWindowInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            var scheduled = await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key });
            Assert.Equal(n, scheduled.PendingWindowInDays);
            Assert.Equal(TestLab.Start.AddDays(n).UtcDateTime, scheduled.DeletionDate);
        },
        [nameof(KmsFacts.CloudHsmConnectionMinutes)] = async n =>
        {
            using var lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
            var kms = lab.CreateKmsClient();
            var cluster = KmsLab.Services.LabServiceExtensions.CreateCloudHsmCluster(lab, "kmsuser-password");
            var id = (await kms.CreateCustomKeyStoreAsync(new CreateCustomKeyStoreRequest
            {
                CustomKeyStoreName = "probe", CloudHsmClusterId = cluster.ClusterId, TrustAnchorCertificate = cluster.TrustAnchorCertificate, KeyStorePassword = "kmsuser-password",
            })).CustomKeyStoreId;
            async Task<ConnectionStateType> State() => (await kms.DescribeCustomKeyStoresAsync(new DescribeCustomKeyStoresRequest { CustomKeyStoreId = id })).CustomKeyStores.Single().ConnectionState;
            await kms.ConnectCustomKeyStoreAsync(new ConnectCustomKeyStoreRequest { CustomKeyStoreId = id });
            lab.Clock.Advance(TimeSpan.FromMinutes(n) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(ConnectionStateType.CONNECTING, await State());
            lab.Clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(ConnectionStateType.CONNECTED, await State());
        },
        [nameof(KmsFacts.DynamoDbTableKeyCacheMinutes)] = async n =>
        {
            using var lab = Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) });
            var table = await KmsLab.Services.LabServiceExtensions.CreateDynamoDbTableAsync(lab, "probe", new KmsLab.Services.DynamoDbTableEncryption(KmsLab.Services.DynamoDbTableKey.AwsManaged));
            int Decrypts() => lab.AuditTrail.Query().Count(e => e.EventName == "Decrypt");
            table.PutItem("k", "v");
            lab.Clock.Advance(TimeSpan.FromMinutes(n) - TimeSpan.FromMilliseconds(1));
            table.GetItem("k");
            Assert.Equal(1, Decrypts());                       // within n minutes of its last use: the cached table key
            lab.Clock.Advance(TimeSpan.FromMinutes(n));
            table.GetItem("k");
            Assert.Equal(2, Decrypts());                       // n idle minutes: KMS again
        },
        [nameof(KmsFacts.MinRotationPeriodInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await KmsAssert.Validation(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = n - 1 }));
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = n });
            Assert.Equal(n, (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key })).RotationPeriodInDays);
        },
        [nameof(KmsFacts.MaxRotationPeriodInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await KmsAssert.Validation(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = n + 1 }));
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key, RotationPeriodInDays = n });
            Assert.Equal(n, (await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key })).RotationPeriodInDays);
        },
        [nameof(KmsFacts.DefaultRotationPeriodInDays)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key });
            var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key });
            Assert.Equal(n, status.RotationPeriodInDays);
            Assert.Equal(TestLab.Start.AddDays(n).UtcDateTime, status.NextRotationDate);
        },
        [nameof(KmsFacts.MaxOnDemandRotationsPerKey)] = async n =>
        {
            var (kms, key, lab) = await KeyWithLabAsync();
            for (int i = 0; i < n; i++)
            {
                await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key });
                lab.Lab.Clock.Advance(TimeSpan.FromMinutes(1));   // each on-demand rotation completes before the next is asked
            }
            await Assert.ThrowsAsync<LimitExceededException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key }));
        },
        [nameof(KmsFacts.ImportParametersValidHours)] = async n =>
        {
            var kms = new TestLab().Kms;
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
            var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
            Assert.Equal(TestLab.Start.AddHours(n).UtcDateTime, parameters.ParametersValidTo);
        },
        [nameof(KmsFacts.MaxAliasesPerKey)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            for (int i = 0; i < n; i++) await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/a{i}", TargetKeyId = key });
            await Assert.ThrowsAsync<LimitExceededException>(() => kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/one-too-many", TargetKeyId = key }));
        },
        [nameof(KmsFacts.MaxTagsPerKey)] = async n =>
        {
            var (kms, key) = await KeyAsync();
            await kms.TagResourceAsync(new TagResourceRequest { KeyId = key, Tags = Enumerable.Range(0, n).Select(i => new Tag { TagKey = $"k{i}", TagValue = "v" }).ToList() });
            await Assert.ThrowsAsync<TagException>(() => kms.TagResourceAsync(new TagResourceRequest { KeyId = key, Tags = [new Tag { TagKey = "one-too-many", TagValue = "v" }] }));
        },
        [nameof(KmsFacts.MaxGrantsPerKey)] = async n =>
        {
            var (kms, key, lab) = await KeyWithLabAsync();
            var grantee = lab.Lab.PrincipalArn("myKeyUser");
            for (int i = 0; i < n; i++) await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = grantee, Operations = ["Decrypt"] });   // unnamed: each call is a new grant
            await Assert.ThrowsAsync<LimitExceededException>(() => kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = grantee, Operations = ["Decrypt"], Name = "one-too-many" }));
        },
        [nameof(KmsFacts.SymmetricCryptographicRequestsPerSecond)] = n => QuotaAsync(n, kms => kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 1 })),
        [nameof(KmsFacts.AsymmetricRequestsPerSecond)] = async n =>
        {
            var lab = QuotaLab();
            var kms = lab.CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;
            await UpToTheQuotaAsync(n, () => kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key }));
        },
        [nameof(KmsFacts.CreateKeyRequestsPerSecond)] = n => QuotaAsync(n, kms => kms.CreateKeyAsync(new CreateKeyRequest())),
        [nameof(KmsFacts.CreateAliasRequestsPerSecond)] = async n =>
        {
            var kms = QuotaLab().CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            int i = 0;
            await UpToTheQuotaAsync(n, () => kms.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/q{i++}", TargetKeyId = key }));
        },
        [nameof(KmsFacts.EnableDisableKeyRequestsPerSecond)] = async n =>
        {
            var kms = QuotaLab().CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            int i = 0;
            await UpToTheQuotaAsync(n, () => i++ % 2 == 0 ? kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key }) : kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key }));
        },
        [nameof(KmsFacts.EnableKeyRotationRequestsPerSecond)] = async n =>
        {
            var kms = QuotaLab().CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await UpToTheQuotaAsync(n, () => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key }));
        },
        [nameof(KmsFacts.PutKeyPolicyRequestsPerSecond)] = async n =>
        {
            var kms = QuotaLab().CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key, PolicyName = "default" })).Policy;
            await UpToTheQuotaAsync(n, () => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = policy }));
        },
        [nameof(KmsFacts.DescribeKeyRequestsPerSecond)] = async n =>
        {
            var kms = QuotaLab().CreateKmsClient();
            var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
            await UpToTheQuotaAsync(n, () => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));
        },
        [nameof(KmsFacts.ListKeysRequestsPerSecond)] = n => QuotaAsync(n, kms => kms.ListKeysAsync(new ListKeysRequest())),
    };

    private static async Task<(IAmazonKeyManagementService Kms, string Key)> KeyAsync()
    {
        var (kms, key, _) = await KeyWithLabAsync();
        return (kms, key);
    }

    private static async Task<(IAmazonKeyManagementService Kms, string Key, TestLab Lab)> KeyWithLabAsync()
    {
        var lab = new TestLab();
        return (lab.Kms, (await lab.CreateKeyAsync()).KeyId, lab);
    }

    private static async Task RsaOaepAsync(EncryptionAlgorithmSpec algorithm, int n)
    {
        var kms = new TestLab().Kms;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT })).KeyMetadata.KeyId;
        EncryptRequest Encrypt(int size) => new() { KeyId = key, Plaintext = new MemoryStream(new byte[size]), EncryptionAlgorithm = algorithm };
        await kms.EncryptAsync(Encrypt(n));
        await KmsAssert.Validation(() => kms.EncryptAsync(Encrypt(n + 1)));
    }

    private static async Task DataKeySizeAsync(DataKeySpec spec, int n)
    {
        var (kms, key) = await KeyAsync();
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = spec });
        Assert.Equal(n, dataKey.Plaintext.Length);
        Assert.Equal(n, (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob })).Plaintext.Length);
    }

    /// <summary>A lab with the standard quotas on, on a frozen clock: every call falls in the same second.</summary>
    private static Lab QuotaLab() => Lab.Simulator(new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start), RequestQuotas = RequestQuotas.Standard });

    private static Task QuotaAsync(int n, Func<IAmazonKeyManagementService, Task> call)
    {
        var kms = QuotaLab().CreateKmsClient();
        return UpToTheQuotaAsync(n, () => call(kms));
    }

    /// <summary>n calls in one second succeed; the next is throttled.</summary>
    private static async Task UpToTheQuotaAsync(int n, Func<Task> call)
    {
        for (int i = 0; i < n; i++) await call();
        await KmsAssert.Code("ThrottlingException", call);
    }
}
