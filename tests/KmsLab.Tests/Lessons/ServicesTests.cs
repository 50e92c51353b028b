using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.Services;

namespace KmsLab.Tests.Lessons;

/// <summary>AWS managed keys and the simulated S3 bucket that calls KMS on a principal's behalf.</summary>
public sealed class ServicesTests
{
    private readonly TestLab _t = new();

    [Fact]
    public async Task TheAwsManagedKeyIsCreatedOnFirstUseAndUsableOnlyThroughS3()
    {
        var aliases = (await _t.Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases;
        // Before first use, AWS lists the predefined alias without a TargetKeyId.
        Assert.Null(Assert.Single(aliases, a => a.AliasName == "alias/aws/s3").TargetKeyId);
        var bucket = _t.Lab.CreateS3Bucket("reports");
        await bucket.PutObjectAsync("a.txt", "hello"u8.ToArray(), Lab.KeyUserName);
        Assert.Equal("hello"u8.ToArray(), await bucket.GetObjectAsync("a.txt", Lab.KeyUserName));

        var key = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, key.KeyManager);
        Assert.Equal(key.Arn, bucket.HeadObject("a.txt").KmsKeyArn);
        Assert.True((await _t.Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId })).KeyRotationEnabled);
        var policy = (await _t.Kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy;
        Assert.Contains("\"kms:ViaService\" : \"s3.us-east-1.amazonaws.com\"", policy, StringComparison.Ordinal);

        await KmsAssert.Code("AccessDeniedException", () => _t.Lab.CreateKmsClient(Lab.KeyUserName).EncryptAsync(new EncryptRequest { KeyId = "alias/aws/s3", Plaintext = new MemoryStream("x"u8.ToArray()) }));
        await KmsAssert.Code("AccessDeniedException", () => _t.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("x"u8.ToArray()) }));
        await KmsAssert.Code("AccessDeniedException", () => _t.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));
        await KmsAssert.Code("AccessDeniedException", () => _t.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId }));
    }

    [Fact]
    public async Task DescribeKeyOnThePredefinedAliasCreatesTheKey()
    {
        var key = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, key.KeyManager);
        Assert.Equal(key.KeyId, (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/s3" })).KeyMetadata.KeyId);
        await Assert.ThrowsAsync<NotFoundException>(() => _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/unknown-service" }));
    }

    [Fact]
    public async Task S3CallsAreAuditedAsTheCallerInvokedByS3WithTheObjectContext()
    {
        var bucket = _t.Lab.CreateS3Bucket("reports");
        await bucket.PutObjectAsync("2026/q3.csv", "x"u8.ToArray(), Lab.KeyUserName);
        await bucket.GetObjectAsync("2026/q3.csv", Lab.KeyUserName);
        var events = _t.Lab.AuditTrail.Query(principal: Lab.KeyUserName);
        Assert.Equal(["GenerateDataKey", "Decrypt"], events.Select(e => e.EventName));
        Assert.All(events, e =>
        {
            Assert.Equal("s3.amazonaws.com", e.UserIdentity.InvokedBy);
            Assert.Equal("s3.amazonaws.com", e.SourceIpAddress);
            Assert.Equal("arn:aws:s3:::reports/2026/q3.csv", e.RequestParameters!["encryptionContext"]!["aws:s3:arn"]!.GetValue<string>());
        });
        Assert.Contains("\"invokedBy\":\"s3.amazonaws.com\"", events[0].ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACustomerManagedKeyGuardsTheObjectsAndItsStateMatters()
    {
        _t.Lab.CreateUser("alice");
        var key = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = KeyPolicies.Console(_t.Lab.AccountId, [], [_t.Lab.GetCredentials("alice").Arn]) })).KeyMetadata;
        var bucket = _t.Lab.CreateS3Bucket("hr-docs", new S3BucketEncryption(key.Arn));
        await bucket.PutObjectAsync("c.pdf", "contract"u8.ToArray(), "alice");
        var denied = await Assert.ThrowsAsync<S3Exception>(() => bucket.GetObjectAsync("c.pdf", Lab.KeyUserName));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal("AccessDeniedException", denied.KmsErrorCode);

        await _t.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        var disabled = await Assert.ThrowsAsync<S3Exception>(() => bucket.GetObjectAsync("c.pdf", "alice"));
        Assert.Equal("KMS.DisabledException", disabled.ErrorCode);
        await Assert.ThrowsAsync<S3Exception>(() => bucket.GetObjectAsync("missing", "alice"));
    }

    [Fact]
    public async Task ABucketKeySavesKmsRequestsAndBindsTheBucketArn()
    {
        var key = await _t.CreateKeyAsync();
        var plain = _t.Lab.CreateS3Bucket("plain", new S3BucketEncryption(key.Arn));
        var keyed = _t.Lab.CreateS3Bucket("keyed", new S3BucketEncryption(key.Arn, BucketKeyEnabled: true));
        foreach (var b in new[] { plain, keyed })
        {
            for (int i = 0; i < 20; i++) await b.PutObjectAsync($"o{i}", [(byte)i], Lab.AdministratorName);
            for (int i = 0; i < 20; i++) Assert.Equal([(byte)i], await b.GetObjectAsync($"o{i}"));
        }
        Assert.Equal(40, plain.KmsRequests);
        // One GenerateDataKey for the writes, one Decrypt of the bucket key for the reads.
        Assert.Equal(2, keyed.KmsRequests);
        var s3Calls = _t.Lab.AuditTrail.Events.Where(e => e.RequestParameters?["encryptionContext"]?.ToJsonString().Contains("arn:aws:s3:::keyed\"", StringComparison.Ordinal) == true).Select(e => e.EventName).ToList();
        Assert.Equal(["GenerateDataKey", "Decrypt"], s3Calls);
        Assert.Equal("arn:aws:s3:::keyed", keyed.HeadObject("o0").EncryptionContext["aws:s3:arn"]);
        Assert.True(keyed.HeadObject("o0").BucketKeyEnabled);

        // The bucket key is time-limited: after its lifetime, S3 asks KMS again.
        _t.Lab.Clock.Advance(SimulatedS3Bucket.BucketKeyLifetime + TimeSpan.FromMinutes(1));
        await keyed.PutObjectAsync("late", [1]);
        await keyed.GetObjectAsync("o0");
        Assert.Equal(4, keyed.KmsRequests);
    }

    [Fact]
    public void BucketNamesFollowS3Rules()
    {
        Assert.Throws<ArgumentException>(() => _t.Lab.CreateS3Bucket("Bad_Name"));
        Assert.Throws<ArgumentException>(() => _t.Lab.CreateS3Bucket("ab"));
    }
}
