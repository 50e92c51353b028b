using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Identity;

/// <summary>
/// Grants to AWS service principals (SDK doc text of CreateGrant): GranteeServicePrincipal instead
/// of GranteePrincipal, with a SourceArn grant constraint and a RetiringPrincipal or
/// RetiringServicePrincipal; ListGrants shows them; the service-principal filters of ListGrants
/// and ListRetirableGrants are for callers in a service principal only.
/// </summary>
public class ServicePrincipalGrantTests
{
    private const string DbArn = "arn:aws:rds:us-east-1:111122223333:db:payroll";

    private readonly TestLab _lab = new();

    private string UserArn(string name) => $"arn:aws:iam::{_lab.Lab.AccountId}:user/{name}";

    private async Task<string> KeyAsync() => (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;

    [Fact]
    public async Task kms_GranteeServicePrincipal_and_kms_GrantConstraintSourceArn_describe_the_grant_being_created()
    {
        // Developer Guide, Controlling access to grants: CreateGrant only for a given grantee service principal and SourceArn.
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
                { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{_lab.Lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
                  { "Effect": "Allow", "Principal": { "AWS": "{{UserArn("myKeyUser")}}" }, "Action": "kms:CreateGrant", "Resource": "*",
                    "Condition": { "StringEquals": { "kms:GranteeServicePrincipal": "rds.amazonaws.com", "kms:GrantConstraintSourceArn": "{{DbArn}}" } } } ] }
                """,
        })).KeyMetadata.KeyId;
        var user = _lab.Lab.CreateKmsClient("myKeyUser");
        Task<CreateGrantResponse> Grant(string service, string sourceArn) => user.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteeServicePrincipal = service, RetiringServicePrincipal = service, Operations = ["Decrypt"], Constraints = new GrantConstraints { SourceArn = sourceArn },
        });
        await Grant("rds.amazonaws.com", DbArn);
        await KmsAssert.Code("AccessDeniedException", () => Grant("rds.amazonaws.com", DbArn + "-other"));
        await KmsAssert.Code("AccessDeniedException", () => Grant("dynamodb.amazonaws.com", DbArn));
    }

    [Fact]
    public async Task A_grant_to_a_service_principal_is_listed_with_its_SourceArn_and_retiring_service_principal()
    {
        var key = await KeyAsync();
        var created = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key,
            GranteeServicePrincipal = "rds.amazonaws.com",
            RetiringServicePrincipal = "rds.amazonaws.com",
            Operations = ["Decrypt", "GenerateDataKey"],
            Constraints = new GrantConstraints { SourceArn = DbArn },
            Name = "rds-payroll",
        });
        var grant = Assert.Single((await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
        Assert.Equal(created.GrantId, grant.GrantId);
        Assert.Equal("rds.amazonaws.com", grant.GranteeServicePrincipal);
        Assert.Equal("rds.amazonaws.com", grant.RetiringServicePrincipal);
        Assert.Null(grant.GranteePrincipal);
        Assert.Null(grant.RetiringPrincipal);
        Assert.Equal(DbArn, grant.Constraints.SourceArn);
        Assert.Null(grant.Constraints.EncryptionContextEquals);

        // The same name and parameters: the same grant (a retry).
        var again = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteeServicePrincipal = "rds.amazonaws.com", RetiringServicePrincipal = "rds.amazonaws.com",
            Operations = ["GenerateDataKey", "Decrypt"], Constraints = new GrantConstraints { SourceArn = DbArn }, Name = "rds-payroll",
        });
        Assert.Equal(created.GrantId, again.GrantId);

        // The grant is for the service, not for any IAM identity of the account.
        var user = _lab.Lab.CreateKmsClient("myKeyUser");
        await KmsAssert.Code("AccessDeniedException", () => user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256, GrantTokens = [created.GrantToken] }));

        // The key's owner can still revoke it.
        await _lab.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = created.GrantId });
        Assert.Empty((await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants ?? []);
    }

    [Fact]
    public async Task CreateGrant_enforces_the_service_principal_rules_of_the_doc_text()
    {
        var key = await KeyAsync();
        Task<CreateGrantResponse> Create(string? grantee, string? service, string? retiring, string? retiringService, string? sourceArn) =>
            _lab.Kms.CreateGrantAsync(new CreateGrantRequest
            {
                KeyId = key, GranteePrincipal = grantee, GranteeServicePrincipal = service, RetiringPrincipal = retiring, RetiringServicePrincipal = retiringService,
                Operations = ["Decrypt"], Constraints = sourceArn is null ? null : new GrantConstraints { SourceArn = sourceArn },
            });

        // GranteePrincipal or GranteeServicePrincipal, not both, not neither.
        await KmsAssert.Code("ValidationException", () => Create(UserArn("myKeyUser"), "rds.amazonaws.com", UserArn("myKeyManager"), null, DbArn));
        await KmsAssert.Code("ValidationException", () => Create(null, null, null, null, null));
        // A service grantee needs a SourceArn constraint and a retiring principal of either kind.
        await KmsAssert.Code("ValidationException", () => Create(null, "rds.amazonaws.com", UserArn("myKeyManager"), null, null));
        await KmsAssert.Code("ValidationException", () => Create(null, "rds.amazonaws.com", null, null, DbArn));
        // RetiringPrincipal or RetiringServicePrincipal, not both.
        await KmsAssert.Code("ValidationException", () => Create(null, "rds.amazonaws.com", UserArn("myKeyManager"), "rds.amazonaws.com", DbArn));
        // Names that are not service principals or ARNs.
        await KmsAssert.Code("ValidationException", () => Create(null, "RDS", UserArn("myKeyManager"), null, DbArn));
        await KmsAssert.Code("ValidationException", () => Create(null, "rds.amazonaws.com", UserArn("myKeyManager"), null, "not-an-arn-at-all-here"));

        // An IAM retiring principal for a service grant works, and can retire it.
        var grant = await Create(null, "rds.amazonaws.com", UserArn("myKeyManager"), null, DbArn);
        await _lab.Lab.CreateKmsClient("myKeyManager").RetireGrantAsync(new RetireGrantRequest { KeyId = key, GrantId = grant.GrantId });
        Assert.Empty((await _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants ?? []);
    }

    [Fact]
    public async Task The_service_principal_filters_are_for_callers_in_a_service_principal_only()
    {
        var key = await KeyAsync();
        var e = await KmsAssert.Code("ValidationException", () => _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key, GranteeServicePrincipal = "rds.amazonaws.com" }));
        Assert.Contains("service principal", e.Message);
        await KmsAssert.Code("ValidationException", () => _lab.Kms.ListRetirableGrantsAsync(new ListRetirableGrantsRequest { RetiringServicePrincipal = "rds.amazonaws.com" }));
        await KmsAssert.Code("ValidationException", () => _lab.Kms.ListRetirableGrantsAsync(new ListRetirableGrantsRequest()));
        await KmsAssert.Code("ValidationException", () => _lab.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key, GranteePrincipal = UserArn("myKeyUser"), GranteeServicePrincipal = "rds.amazonaws.com" }));
    }

    [Fact]
    public async Task A_state_file_keeps_service_principal_grants()
    {
        var key = await KeyAsync();
        await _lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteeServicePrincipal = "ebs.amazonaws.com", RetiringServicePrincipal = "ebs.amazonaws.com",
            Operations = ["Decrypt"], Constraints = new GrantConstraints { SourceArn = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0" },
        });
        var folder = Directory.CreateTempSubdirectory("kmslab-state-").FullName;
        try
        {
            var path = Path.Combine(folder, "state.json");
            using (var store = StateStore.Open(path)) store.Attach(_lab.Lab);
            var restored = Lab.Restore(StateFile.Read(path), new LabOptions { TimeSource = new FakeTimeProvider(TestLab.Start) }).CreateKmsClient();
            var grant = Assert.Single((await restored.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
            Assert.Equal("ebs.amazonaws.com", grant.GranteeServicePrincipal);
            Assert.Equal("ebs.amazonaws.com", grant.RetiringServicePrincipal);
            Assert.Null(grant.GranteePrincipal);
            Assert.Equal("arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0", grant.Constraints.SourceArn);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
