using KmsLab.KeyTools;
using KmsLab.Simulation;
using KmsLab.Simulation.Model;

namespace KmsLab.Tests.Identity;

/// <summary>kms:ViaService and kms:GrantIsForAWSResource hold only when an AWS service calls on the caller's behalf.</summary>
public class ViaServiceTests
{
    private readonly Lab _lab = Lab.Simulator();

    private CallContext As(string user, string? via) =>
        new(_lab.AccountId, "us-east-1", _lab.World.Principals.Find(user, _lab.AccountId)!, "req", via);

    [Fact]
    public void ViaService_conditions_admit_only_calls_made_through_the_named_service()
    {
        var policy = $$$$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{{_lab.AccountId}}}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{{_lab.AccountId}}}}:user/myKeyUser"},"Action":"kms:GenerateDataKey","Resource":"*",
               "Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}
            """;
        var key = _lab.Engine.Keys.CreateKey(As("labAdmin", null), new CreateKeyRequest { Policy = policy }).KeyMetadata!.KeyId;
        var request = new GenerateDataKeyRequest { KeyId = key, KeySpec = "AES_256" };
        var direct = Assert.Throws<KmsException>(() => _lab.Engine.Crypto.GenerateDataKey(As("myKeyUser", null), request));
        Assert.Equal("AccessDeniedException", direct.ErrorCode);
        Assert.Equal(32, _lab.Engine.Crypto.GenerateDataKey(As("myKeyUser", "s3.us-east-1.amazonaws.com"), request).Plaintext!.Length);
        Assert.Throws<KmsException>(() => _lab.Engine.Crypto.GenerateDataKey(As("myKeyUser", "ebs.us-east-1.amazonaws.com"), request));
    }

    [Fact]
    public void The_console_policy_lets_key_users_create_grants_only_for_AWS_resources()
    {
        var policy = KeyPolicies.Console(_lab.AccountId, [], [$"arn:aws:iam::{_lab.AccountId}:user/myKeyUser"]);
        var key = _lab.Engine.Keys.CreateKey(As("labAdmin", null), new CreateKeyRequest { Policy = policy }).KeyMetadata!.KeyId;
        var grant = new CreateGrantRequest { KeyId = key, GranteePrincipal = "arn:aws:iam::111122223333:role/EbsVolumeRole", Operations = ["Decrypt"] };
        Assert.Equal("AccessDeniedException", Assert.Throws<KmsException>(() => _lab.Engine.Grants.CreateGrant(As("myKeyUser", null), grant)).ErrorCode);
        Assert.NotNull(_lab.Engine.Grants.CreateGrant(As("myKeyUser", "ec2.us-east-1.amazonaws.com"), grant).GrantId);
    }
}
