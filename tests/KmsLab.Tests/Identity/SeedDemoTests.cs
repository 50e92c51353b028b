using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;

namespace KmsLab.Tests.Identity;

/// <summary>The seed's CMK demo: a key administrator who manages but cannot use, a key user who uses but cannot manage.</summary>
public class SeedDemoTests
{
    private readonly TestLab _lab = new();

    private string Arn(string user) => $"arn:aws:iam::{_lab.Lab.AccountId}:user/{user}";

    [Fact]
    public async Task Key_administrators_manage_and_key_users_use_as_the_console_policy_says()
    {
        var policy = KeyPolicies.Console(_lab.Lab.AccountId, [Arn("myKeyManager")], [Arn("myKeyUser")]);
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Description = "seed demo CMK", Policy = policy })).KeyMetadata;
        var manager = _lab.Lab.CreateKmsClient("myKeyManager");
        var user = _lab.Lab.CreateKmsClient("myKeyUser");

        // The key user uses the key...
        var blob = (await user.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("payroll") })).CiphertextBlob;
        Assert.Equal("payroll", Bytes.Text((await user.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
        Assert.Equal(32, (await user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 })).Plaintext.Length);
        await user.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId });

        // ...but cannot manage it.
        var scheduleDenied = await KmsAssert.Code("AccessDeniedException", () => user.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 }));
        // The console policy trusts the account root, so IAM could have allowed it: AWS names the missing identity-based policy.
        Assert.Equal($"User: {Arn("myKeyUser")} is not authorized to perform: kms:ScheduleKeyDeletion on resource: {key.Arn} because no identity-based policy allows the kms:ScheduleKeyDeletion action", scheduleDenied.Message);
        var putDenied = await KmsAssert.Code("AccessDeniedException", () => user.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = policy }));
        Assert.Contains("myKeyUser", putDenied.Message);
        Assert.Contains("kms:PutKeyPolicy", putDenied.Message);
        await KmsAssert.Code("AccessDeniedException", () => user.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));

        // The key administrator manages the key...
        Assert.Equal(key.Arn, (await manager.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.Arn);
        await manager.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "owner", TagValue = "finance" }] });
        await manager.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await manager.EnableKeyAsync(new EnableKeyRequest { KeyId = key.KeyId });
        await manager.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key.KeyId });

        // ...but cannot use it.
        var encryptDenied = await KmsAssert.Code("AccessDeniedException", () => manager.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x") }));
        Assert.Equal($"User: {Arn("myKeyManager")} is not authorized to perform: kms:Encrypt on resource: {key.Arn} because no identity-based policy allows the kms:Encrypt action", encryptDenied.Message);
        await KmsAssert.Code("AccessDeniedException", () => manager.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }));
        await KmsAssert.Code("AccessDeniedException", () => manager.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = DataKeySpec.AES_256 }));

        await manager.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 });
        Assert.Equal(KeyState.PendingDeletion, (await manager.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);
    }

    [Fact]
    public async Task The_console_policy_has_the_console_statements()
    {
        var policy = KeyPolicies.Console("111122223333", [Arn("myKeyManager")], [Arn("myKeyUser")]);
        using var doc = System.Text.Json.JsonDocument.Parse(policy);
        var sids = doc.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()).ToList();
        Assert.Equal(["Enable IAM User Permissions", "Allow access for Key Administrators", "Allow use of the key", "Allow attachment of persistent resources"], sids);
        var grants = doc.RootElement.GetProperty("Statement")[3];
        Assert.Equal("true", grants.GetProperty("Condition").GetProperty("Bool").GetProperty("kms:GrantIsForAWSResource").GetString());
        await Task.CompletedTask;
    }
}

public class ConsolePolicyForOtherKeysTests
{
    [Fact]
    public async Task Users_of_a_signing_key_may_sign_and_verify_but_not_encrypt()
    {
        var lab = new TestLab();
        var user = $"arn:aws:iam::{lab.Lab.AccountId}:user/myKeyUser";
        var policy = KeyPolicies.Console(lab.Lab.AccountId, [], [user], "ECC_NIST_P256", "SIGN_VERIFY");
        Assert.DoesNotContain("persistent resources", policy);
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY, Policy = policy })).KeyMetadata.KeyId;
        var kms = lab.Lab.CreateKmsClient("myKeyUser");
        var signature = await kms.SignAsync(new SignRequest { KeyId = key, Message = Bytes.Stream("signed"), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 });
        Assert.True((await kms.VerifyAsync(new VerifyRequest { KeyId = key, Message = Bytes.Stream("signed"), Signature = signature.Signature, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).SignatureValid);
        await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key });
        await KmsAssert.Code("AccessDeniedException", () => kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key }));
    }
}
