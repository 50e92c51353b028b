using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Tests.Lessons;

/// <summary>The simulated EBS volume: a data key nobody sees on creation, a grant for EC2's infrastructure on attach, and the decryption by it.</summary>
public sealed class EbsVolumeTests
{
    private readonly TestLab _t = new();

    private Task<string> UsersKeyAsync() => _t.CreateConsolePolicyKeyAsync();

    [Fact]
    public async Task Creating_asks_for_a_data_key_without_plaintext_and_attaching_grants_ec2s_infrastructure_decrypt_for_that_volume()
    {
        var key = await UsersKeyAsync();
        var volume = _t.Lab.CreateEbsVolume(key, Lab.KeyUserName);
        Assert.Matches("^vol-[0-9a-f]{17}$", volume.VolumeId);
        Assert.Equal(key, volume.KmsKeyArn);
        var created = Assert.Single(_t.Lab.AuditTrail.Query(principal: Lab.KeyUserName));
        Assert.Equal("GenerateDataKeyWithoutPlaintext", created.EventName);
        Assert.Equal(64, created.RequestParameters!["numberOfBytes"]!.GetValue<int>());
        Assert.Equal(volume.VolumeId, created.RequestParameters["encryptionContext"]!["aws:ebs:id"]!.GetValue<string>());
        Assert.Equal("ec2.amazonaws.com", created.UserIdentity.InvokedBy);

        volume.AttachTo("i-81e2f56c0123abcde", Lab.KeyUserName);
        Assert.True(volume.KeyInHostMemory);
        var grant = Assert.Single((await _t.Kms.ListGrantsAsync(new ListGrantsRequest { KeyId = key })).Grants);
        Assert.Equal($"{_t.Lab.AccountId}:aws:ec2-infrastructure:i-81e2f56c0123abcde", grant.GranteePrincipal);
        Assert.Equal(["Decrypt"], grant.Operations);
        Assert.Equal(volume.EncryptionContext, grant.Constraints.EncryptionContextSubset);
        var decrypt = _t.Lab.AuditTrail.Query(operation: "Decrypt").Single();
        Assert.Equal("AssumedRole", decrypt.UserIdentity.Type);
        Assert.Equal($"arn:aws:sts::{_t.Lab.AccountId}:assumed-role/aws:ec2-infrastructure/i-81e2f56c0123abcde", decrypt.UserIdentity.Arn);
        Assert.Equal($"{_t.Lab.AccountId}:aws:ec2-infrastructure:i-81e2f56c0123abcde", decrypt.UserIdentity.PrincipalId);
        Assert.Null(decrypt.UserIdentity.InvokedBy);
        Assert.True(decrypt.Succeeded);
        Assert.Equal(3, volume.KmsRequests);
    }

    [Fact]
    public async Task Without_a_key_the_volume_uses_aws_ebs_and_attaches_with_it()
    {
        var volume = _t.Lab.CreateEbsVolume(principal: Lab.KeyUserName);
        var managed = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        Assert.Equal(managed.Arn, volume.KmsKeyArn);
        volume.AttachTo("i-0a1b2c3d4e5f60718", Lab.KeyUserName);
        Assert.True(volume.KeyInHostMemory);
    }

    [Fact]
    public async Task Nobody_else_may_name_ec2s_infrastructure_and_a_disabled_key_fails_the_attach()
    {
        var key = await UsersKeyAsync();
        // The infrastructure grantee is not an ARN: only a request through EC2 may name it.
        await KmsAssert.Validation(() => _t.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = $"{_t.Lab.AccountId}:aws:ec2-infrastructure:i-81e2f56c0123abcde", Operations = ["Decrypt"],
        }), "not a valid principal");
        var volume = _t.Lab.CreateEbsVolume(key, Lab.KeyUserName);
        await _t.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        var refused = Assert.Throws<EbsException>(() => volume.AttachTo("i-81e2f56c0123abcde", Lab.KeyUserName));
        Assert.Equal("DisabledException", refused.KmsErrorCode);
        Assert.False(volume.KeyInHostMemory);
        Assert.Equal("InvalidInstanceID.Malformed", Assert.Throws<EbsException>(() => volume.AttachTo("web-1")).ErrorCode);
        // A principal the key policy does not let use the key cannot create the volume.
        Assert.Equal("AccessDenied", Assert.Throws<EbsException>(() => _t.Lab.CreateEbsVolume(key, Lab.KeyManagerName)).ErrorCode);
    }
}
