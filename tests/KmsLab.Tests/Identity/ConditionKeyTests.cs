using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Hosting;

namespace KmsLab.Tests.Identity;

/// <summary>
/// Condition keys of KMS and IAM in key and identity policies: kms:RequestAlias,
/// kms:ResourceAliases, aws:ResourceTag/*, aws:RequestTag/*, aws:TagKeys (ABAC), kms:KeySpec,
/// kms:KeyUsage, kms:KeyOrigin, aws:SourceIp and aws:SourceVpce (a simulated VPC endpoint), and
/// CreateGrant's kms:GrantOperations, kms:GranteePrincipal, kms:RetiringPrincipal and kms:GrantConstraintType.
/// </summary>
public class ConditionKeyTests
{
    private readonly TestLab _lab = new();

    private IAmazonKeyManagementService User => _lab.Lab.CreateKmsClient("myKeyUser");

    private string UserArn => $"arn:aws:iam::{_lab.Lab.AccountId}:user/myKeyUser";

    /// <summary>A key policy: the account root may do everything; myKeyUser may do <paramref name="actions"/> under <paramref name="condition"/>.</summary>
    private string Policy(string actions, string condition) => $$"""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{_lab.Lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
          {"Effect":"Allow","Principal":{"AWS":"{{UserArn}}"},"Action":{{actions}},"Resource":"*","Condition":{{condition}}}]}
        """;

    private async Task<KeyMetadata> KeyWithPolicyAsync(string actions, string condition) =>
        (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy(actions, condition) })).KeyMetadata;

    private Task<EncryptResponse> EncryptAsync(IAmazonKeyManagementService kms, string keyId) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes.Stream("x") });

    [Fact]
    public async Task kms_RequestAlias_is_the_alias_the_request_named_the_key_by()
    {
        var key = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"StringEquals":{"kms:RequestAlias":"alias/orders"}}""");
        await _lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/orders", TargetKeyId = key.KeyId });
        await _lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/other", TargetKeyId = key.KeyId });
        await EncryptAsync(User, "alias/orders");
        await EncryptAsync(User, $"arn:aws:kms:us-east-1:{_lab.Lab.AccountId}:alias/orders");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.Arn));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, "alias/other"));
    }

    [Fact]
    public async Task kms_ResourceAliases_are_the_key_s_aliases_whatever_the_request_named()
    {
        var key = await KeyWithPolicyAsync("[\"kms:Encrypt\",\"kms:DescribeKey\"]", """{"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/finance/*"}}""");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
        await _lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/plain", TargetKeyId = key.KeyId });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
        await _lab.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/finance/payroll", TargetKeyId = key.KeyId });
        await EncryptAsync(User, key.KeyId);
        await User.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/plain" });
        await _lab.Kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/finance/payroll" });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
    }

    [Fact]
    public async Task ABAC_with_aws_ResourceTag_aws_RequestTag_and_aws_TagKeys_in_a_key_policy()
    {
        var key = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"StringEquals":{"aws:ResourceTag/team":"red"}}""");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
        await _lab.Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "red" }] });
        await EncryptAsync(User, key.KeyId);
        await _lab.Kms.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "blue" }] });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));

        // Tagging allowed only with team=red and no other tag key.
        var tagging = await KeyWithPolicyAsync("\"kms:TagResource\"", """{"StringEquals":{"aws:RequestTag/team":"red"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}""");
        await User.TagResourceAsync(new TagResourceRequest { KeyId = tagging.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "red" }] });
        await KmsAssert.Code("AccessDeniedException", () => User.TagResourceAsync(new TagResourceRequest { KeyId = tagging.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "blue" }] }));
        await KmsAssert.Code("AccessDeniedException", () => User.TagResourceAsync(new TagResourceRequest { KeyId = tagging.KeyId, Tags = [new Tag { TagKey = "team", TagValue = "red" }, new Tag { TagKey = "cost", TagValue = "1" }] }));
    }

    [Fact]
    public async Task kms_KeySpec_kms_KeyUsage_and_kms_KeyOrigin_describe_the_key()
    {
        _lab.Lab.PutIdentityPolicy("myKeyUser", "SymmetricOnly", """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*",
              "Condition":{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"ENCRYPT_DECRYPT","kms:KeyOrigin":"AWS_KMS"}}}]}
            """);
        var symmetric = await _lab.CreateKeyAsync();
        var hmac = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC })).KeyMetadata;
        var external = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;
        await User.DescribeKeyAsync(new DescribeKeyRequest { KeyId = symmetric.KeyId });
        await KmsAssert.Code("AccessDeniedException", () => User.DescribeKeyAsync(new DescribeKeyRequest { KeyId = hmac.KeyId }));
        await KmsAssert.Code("AccessDeniedException", () => User.DescribeKeyAsync(new DescribeKeyRequest { KeyId = external.KeyId }));
    }

    [Fact]
    public async Task CreateGrant_condition_keys_describe_the_grant_being_created()
    {
        // The Developer Guide's examples: ForAllValues limits the grant's operations, ForAnyValue requires one of them.
        var manager = $"arn:aws:iam::{_lab.Lab.AccountId}:user/myKeyManager";
        Task<CreateGrantResponse> Grant(string keyId, List<string> operations, string? retiring = null, GrantConstraints? constraints = null) =>
            User.CreateGrantAsync(new CreateGrantRequest { KeyId = keyId, GranteePrincipal = manager, Operations = operations, RetiringPrincipal = retiring, Constraints = constraints });

        var onlyEncrypt = await KeyWithPolicyAsync("\"kms:CreateGrant\"", """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Encrypt","ReEncryptTo"]}}""");
        await Grant(onlyEncrypt.KeyId, ["Encrypt"]);
        await Grant(onlyEncrypt.KeyId, ["Encrypt", "ReEncryptTo"]);
        await KmsAssert.Code("AccessDeniedException", () => Grant(onlyEncrypt.KeyId, ["Encrypt", "Decrypt"]));

        var anyEncrypt = await KeyWithPolicyAsync("\"kms:CreateGrant\"", """{"ForAnyValue:StringEquals":{"kms:GrantOperations":["Encrypt","ReEncryptTo"]}}""");
        await Grant(anyEncrypt.KeyId, ["Encrypt", "Decrypt"]);
        await KmsAssert.Code("AccessDeniedException", () => Grant(anyEncrypt.KeyId, ["Decrypt"]));

        var forManager = await KeyWithPolicyAsync("\"kms:CreateGrant\"", $$$"""{"StringEquals":{"kms:GranteePrincipal":"{{{manager}}}","kms:RetiringPrincipal":"{{{UserArn}}}"}}""");
        await Grant(forManager.KeyId, ["Decrypt"], retiring: UserArn);
        await KmsAssert.Code("AccessDeniedException", () => Grant(forManager.KeyId, ["Decrypt"]));
        await KmsAssert.Code("AccessDeniedException", () => User.CreateGrantAsync(new CreateGrantRequest { KeyId = forManager.KeyId, GranteePrincipal = UserArn, RetiringPrincipal = UserArn, Operations = ["Decrypt"] }));

        var constrained = await KeyWithPolicyAsync("\"kms:CreateGrant\"", """{"StringEquals":{"kms:GrantConstraintType":"EncryptionContextEquals"}}""");
        await Grant(constrained.KeyId, ["Decrypt"], constraints: new GrantConstraints { EncryptionContextEquals = new() { ["app"] = "payroll" } });
        await KmsAssert.Code("AccessDeniedException", () => Grant(constrained.KeyId, ["Decrypt"], constraints: new GrantConstraints { EncryptionContextSubset = new() { ["app"] = "payroll" } }));
        await KmsAssert.Code("AccessDeniedException", () => Grant(constrained.KeyId, ["Decrypt"]));
    }

    [Fact]
    public async Task aws_SourceIp_is_the_caller_s_address()
    {
        // In-process clients call from 127.0.0.1.
        var key = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"IpAddress":{"aws:SourceIp":["127.0.0.0/8","192.0.2.10"]}}""");
        await EncryptAsync(User, key.KeyId);
        var elsewhere = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, elsewhere.KeyId));
        var notFrom = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""");
        await EncryptAsync(User, notFrom.KeyId);
    }

    [Fact]
    public async Task aws_SourceVpce_is_set_by_a_simulated_VPC_endpoint_which_has_no_aws_SourceIp()
    {
        var endpoint = new SimulatorEndpoint(_lab.Lab) { VpcEndpointId = "vpce-0123456789abcdef0" };
        using var throughVpce = SimulatorEndpoint.CreateClient(endpoint.CreateHandler(), _lab.Lab.GetCredentials("myKeyUser"), RegionEndpoint.USEast1);
        var key = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"StringEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}""");
        await EncryptAsync(throughVpce, key.KeyId);
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(User, key.KeyId));
        var byIp = await KeyWithPolicyAsync("\"kms:Encrypt\"", """{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}""");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(throughVpce, byIp.KeyId));
        await EncryptAsync(User, byIp.KeyId);
        // A plain endpoint (no VPC endpoint ID) is not a VPC endpoint.
        using var plain = SimulatorEndpoint.CreateClient(new SimulatorEndpoint(_lab.Lab).CreateHandler(), _lab.Lab.GetCredentials("myKeyUser"), RegionEndpoint.USEast1);
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(plain, key.KeyId));
    }
}
