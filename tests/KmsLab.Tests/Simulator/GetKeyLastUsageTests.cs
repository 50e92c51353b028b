using Amazon.KeyManagementService.Model;

namespace KmsLab.Tests.Simulator;

/// <summary>GetKeyLastUsage through the SDK client, as its doc text in AWSSDK.KeyManagementService 4.1.0 describes it.</summary>
public class GetKeyLastUsageTests
{
    [Fact]
    public async Task A_new_key_has_an_empty_last_usage_and_tracking_from_its_creation()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var usage = await lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.Arn });
        Assert.Equal(key.KeyId, usage.KeyId);
        Assert.Equal(key.CreationDate, usage.KeyCreationDate);
        Assert.Equal(key.CreationDate, usage.TrackingStartDate);
        Assert.Null(usage.KeyLastUsage?.Operation);
    }

    [Fact]
    public async Task The_last_successful_cryptographic_call_is_reported_with_its_request_and_event_IDs()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        var encrypted = await lab.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) });
        await lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId }); // not cryptographic: not a use
        var usage = (await lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId })).KeyLastUsage;
        Assert.Equal("Encrypt", usage.Operation.Value);
        Assert.Equal(encrypted.ResponseMetadata.RequestId, usage.KmsRequestId);
        var audited = lab.Lab.AuditTrail.Query(operation: "Encrypt").Single();
        Assert.Equal(audited.EventId, usage.CloudTrailEventId);
        Assert.Equal(TestLab.Start.UtcDateTime, usage.Timestamp!.Value.ToUniversalTime());
    }

    [Fact]
    public async Task Aliases_are_not_accepted_and_the_caller_needs_kms_GetKeyLastUsage()
    {
        var lab = new TestLab();
        var key = await lab.CreateKeyAsync();
        await lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/used", TargetKeyId = key.KeyId });
        await Assert.ThrowsAsync<NotFoundException>(() => lab.Kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = "alias/used" }));
        var user = lab.Lab.CreateKmsClient("myKeyUser");
        await KmsAssert.Code("AccessDeniedException", () => user.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId }), "kms:GetKeyLastUsage");
    }
}
