using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Tests.Identity;

/// <summary>
/// An AWS service calling with its own identity (a service principal), through the SDK client of
/// <c>lab.CreateServicePrincipalKmsClient</c>: a grant to it (GranteeServicePrincipal with a SourceArn
/// constraint, SDK doc of CreateGrant and GrantConstraints.SourceArn) allows its calls for that
/// resource only; without the grant KMS denies them; CloudTrail records them as AWS documents a
/// service principal's KMS call (userIdentity type AWSService with invokedBy, the service as
/// sourceIPAddress and userAgent).
/// </summary>
public class ServicePrincipalCallerTests
{
    private const string DbArn = "arn:aws:rds:us-east-1:111122223333:db:payroll";
    private const string OtherDbArn = "arn:aws:rds:us-east-1:111122223333:db:other";

    private readonly TestLab _lab = new();

    private async Task<string> KeyAsync() => (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;

    private Task<CreateGrantResponse> GrantToRdsAsync(string key, string sourceArn = DbArn) => _lab.Kms.CreateGrantAsync(new CreateGrantRequest
    {
        KeyId = key,
        GranteeServicePrincipal = "rds.amazonaws.com",
        RetiringServicePrincipal = "rds.amazonaws.com",
        Operations = ["GenerateDataKey", "Decrypt"],
        Constraints = new GrantConstraints { SourceArn = sourceArn },
    });

    private static Task<GenerateDataKeyResponse> DataKeyAsync(IAmazonKeyManagementService kms, string key) =>
        kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });

    [Fact]
    public async Task Without_a_grant_or_key_policy_statement_KMS_denies_the_service_principal()
    {
        var key = await KeyAsync();
        using var rds = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", DbArn);
        // The default key policy trusts the account (its root), which lets IAM identities in, never a service principal.
        var denied = await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(rds, key));
        Assert.Contains("rds.amazonaws.com is not authorized to perform: kms:GenerateDataKey", denied.Message, StringComparison.Ordinal);
        var record = _lab.Lab.AuditTrail.Query(operation: "GenerateDataKey").Single().ToJsonObject();
        Assert.StartsWith("AccessDenied", record["errorCode"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("AWSService", record["userIdentity"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_grant_to_the_service_principal_allows_its_calls_for_the_grants_SourceArn_only()
    {
        var key = await KeyAsync();
        await GrantToRdsAsync(key);
        using var rds = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", DbArn);
        var dataKey = await DataKeyAsync(rds, key);
        var plaintext = await rds.DecryptAsync(new DecryptRequest { CiphertextBlob = dataKey.CiphertextBlob, KeyId = key });
        Assert.Equal(dataKey.Plaintext.ToArray(), plaintext.Plaintext.ToArray());

        // Not an operation of the grant.
        await KmsAssert.Code("AccessDeniedException", () => rds.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) }));
        // The same service for another resource: the SourceArn constraint does not match.
        using var forOtherDb = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", OtherDbArn);
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(forOtherDb, key));
        // Another service.
        using var ebs = _lab.Lab.CreateServicePrincipalKmsClient("ebs.amazonaws.com", DbArn);
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(ebs, key));
        // No IAM identity of the account is the grantee either.
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(_lab.Lab.CreateKmsClient("myKeyUser"), key));
    }

    [Fact]
    public async Task A_grant_with_a_SourceArn_constraint_allows_no_call_made_for_no_resource()
    {
        var key = await KeyAsync();
        var user = _lab.Lab.CreateKmsClient("myKeyUser");
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = _lab.Lab.PrincipalArn("myKeyUser"), Operations = ["GenerateDataKey"], Constraints = new GrantConstraints { SourceArn = DbArn },
        });
        // "effectively the same as having the aws:SourceArn global condition key in the grant": a direct IAM call has no aws:SourceArn.
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(user, key));
    }

    [Fact]
    public async Task CloudTrail_records_the_service_principals_call_as_an_AWSService_identity()
    {
        var key = await KeyAsync();
        await GrantToRdsAsync(key);
        using var rds = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", DbArn);
        await DataKeyAsync(rds, key);

        var e = _lab.Lab.AuditTrail.Query(operation: "GenerateDataKey").Single();
        Assert.Equal("AWSService", e.UserIdentity.Type);
        Assert.Equal("rds.amazonaws.com", e.UserIdentity.InvokedBy);
        var record = e.ToJsonObject();
        // As the documented record of ebs.amazonaws.com's Decrypt: "userIdentity": {"type": "AWSService", "invokedBy": "ebs.amazonaws.com"},
        // the service as sourceIPAddress and userAgent, the key owner as recipientAccountId.
        var identity = record["userIdentity"]!.AsObject();
        Assert.Equal(["type", "invokedBy"], identity.Select(p => p.Key));
        Assert.Equal("rds.amazonaws.com", identity["invokedBy"]!.GetValue<string>());
        Assert.Equal("rds.amazonaws.com", record["sourceIPAddress"]!.GetValue<string>());
        Assert.Equal("rds.amazonaws.com", record["userAgent"]!.GetValue<string>());
        Assert.Equal("AwsApiCall", record["eventType"]!.GetValue<string>());
        Assert.Equal(_lab.Lab.AccountId, record["recipientAccountId"]!.GetValue<string>());
        Assert.Equal(key, record["resources"]![0]!["ARN"]!.GetValue<string>());
        Assert.Null(record["errorCode"]);
        // A query by principal finds it.
        Assert.Single(_lab.Lab.AuditTrail.Query(principal: "rds.amazonaws.com"));
    }

    [Fact]
    public async Task A_key_policy_can_name_the_service_principal_and_test_aws_SourceArn()
    {
        var admin = _lab.Lab.AdminArn;
        var policy = "{\"Version\":\"2012-10-17\",\"Statement\":["
            + $"{{\"Sid\":\"Admin\",\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"{admin}\"}},\"Action\":\"kms:*\",\"Resource\":\"*\"}},"
            + "{\"Sid\":\"Rds\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"rds.amazonaws.com\"},\"Action\":\"kms:GenerateDataKey\",\"Resource\":\"*\","
            + $"\"Condition\":{{\"ArnEquals\":{{\"aws:SourceArn\":\"{DbArn}\"}},\"StringEquals\":{{\"aws:SourceAccount\":\"{_lab.Lab.AccountId}\"}}}}}}]}}";
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.Arn;
        using var rds = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", DbArn);
        await DataKeyAsync(rds, key);
        using var forOtherDb = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", OtherDbArn);
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(forOtherDb, key));
    }

    [Fact]
    public async Task The_retiring_service_principal_retires_its_grant_and_the_service_filters_are_not_for_IAM_callers()
    {
        var key = await KeyAsync();
        var grant = await GrantToRdsAsync(key);
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = _lab.Lab.PrincipalArn("myKeyUser"), Operations = ["Decrypt"] });
        using var rds = _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", DbArn);

        // An IAM caller may not use the service-principal filter.
        await KmsAssert.Code("ValidationException", () => _lab.Kms.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringServicePrincipal = "rds.amazonaws.com" }));

        // The retiring service principal retires the grant (no kms:RetireGrant permission needed), after which its calls are denied.
        await rds.RetireGrantAsync(new RetireGrantRequest { KeyId = key, GrantId = grant.GrantId });
        var left = await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key });
        Assert.DoesNotContain(left.Grants, g => g.GrantId == grant.GrantId);
        await KmsAssert.Code("AccessDeniedException", () => DataKeyAsync(rds, key));
    }

    [Fact]
    public void A_service_principal_client_needs_a_service_principal_and_a_resource_ARN()
    {
        Assert.Throws<ArgumentException>(() => _lab.Lab.CreateServicePrincipalKmsClient("arn:aws:iam::111122223333:user/x", DbArn));
        Assert.Throws<ArgumentException>(() => _lab.Lab.CreateServicePrincipalKmsClient("rds.amazonaws.com", "payroll"));
    }
}
