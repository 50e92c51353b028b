using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using static KmsLab.Tests.Asymmetric.AsymmetricTestSupport;

namespace KmsLab.Tests.Asymmetric;

/// <summary>Key policies, condition keys and the audit trail for the asymmetric, MAC and import operations.</summary>
public class AccessAndAuditTests
{
    private static readonly byte[] Message = "audited message"u8.ToArray();

    [Fact]
    public async Task Signing_needs_kms_Sign_and_the_SigningAlgorithm_condition_key_works()
    {
        var lab = new TestLab().Pooled();
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var userArn = $"arn:aws:iam::{lab.Lab.AccountId}:user/{Lab.KeyUserName}";
        // The console's key-user statement for symmetric keys does not include kms:Sign.
        var key = (await lab.Kms.CreateKeyAsync(new CreateKeyRequest
        {
            KeySpec = KeySpec.RSA_2048,
            KeyUsage = KeyUsageType.SIGN_VERIFY,
            Policy = KeyPolicies.Console(lab.Lab.AccountId, [], [userArn]),
        })).KeyMetadata;
        var denied = await AssertErrorAsync("AccessDeniedException", () => user.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 }));
        Assert.Contains("kms:Sign", denied.Message);

        var policy = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"PSS only","Effect":"Allow","Principal":{"AWS":"USER"},"Action":["kms:Sign","kms:Verify","kms:GetPublicKey"],"Resource":"*",
           "Condition":{"StringEquals":{"kms:SigningAlgorithm":"RSASSA_PSS_SHA_256"}}}]}
        """.Replace("ACCOUNT", lab.Lab.AccountId, StringComparison.Ordinal).Replace("USER", userArn, StringComparison.Ordinal);
        await lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default", Policy = policy });
        var signed = await user.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 });
        Assert.True((await user.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream(Message), Signature = signed.Signature, SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 })).SignatureValid);
        await AssertErrorAsync("AccessDeniedException", () => user.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256 }));
    }

    [Fact]
    public async Task A_grant_for_Sign_and_GetPublicKey_lets_its_grantee_sign_and_its_token_is_accepted()
    {
        var lab = new TestLab();
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await AssertErrorAsync("AccessDeniedException", () => user.SignAsync(new SignRequest { KeyId = key.Arn, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        var grant = await lab.Kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key.KeyId,
            GranteePrincipal = $"arn:aws:iam::{lab.Lab.AccountId}:user/{Lab.KeyUserName}",
            Operations = ["Sign", "GetPublicKey"],
        });
        var signed = await user.SignAsync(new SignRequest { KeyId = key.Arn, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256, GrantTokens = [grant.GrantToken] });
        Assert.Equal(key.Arn, signed.KeyId);
        await user.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn });
        await AssertErrorAsync("AccessDeniedException", () => user.VerifyAsync(new VerifyRequest { KeyId = key.Arn, Message = Stream(Message), Signature = signed.Signature, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        await Assert.ThrowsAsync<InvalidGrantTokenException>(() => lab.Kms.SignAsync(new SignRequest { KeyId = key.Arn, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256, GrantTokens = ["not-a-grant-token"] }));
    }

    [Fact]
    public async Task MAC_and_import_operations_are_authorized_by_their_own_actions()
    {
        var lab = new TestLab().Pooled();
        var user = lab.Lab.CreateKmsClient(Lab.KeyUserName);
        var hmac = await lab.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await AssertErrorAsync("AccessDeniedException", () => user.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 }));
        var external = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        var e = await AssertErrorAsync("AccessDeniedException", () => user.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 }));
        Assert.Contains("kms:GetParametersForImport", e.Message);
        await AssertErrorAsync("AccessDeniedException", () => user.DeleteImportedKeyMaterialAsync(new DeleteImportedKeyMaterialRequest { KeyId = external.KeyId }));

        lab.Lab.PutIdentityPolicy(Lab.KeyUserName, "Mac", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:GenerateMac","kms:VerifyMac"],"Resource":"*","Condition":{"StringEquals":{"kms:MacAlgorithm":"HMAC_SHA_256"}}}]}""");
        var mac = await user.GenerateMacAsync(new GenerateMacRequest { KeyId = hmac.KeyId, Message = Stream(Message), MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 });
        Assert.True((await user.VerifyMacAsync(new VerifyMacRequest { KeyId = hmac.KeyId, Message = Stream(Message), Mac = mac.Mac, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256 })).MacValid);
    }

    [Fact]
    public async Task The_audit_trail_records_the_new_operations_without_messages_signatures_or_key_material()
    {
        var lab = new TestLab().Pooled();
        var key = await lab.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        var signature = await lab.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = Stream(Message), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 });
        await Assert.ThrowsAsync<KMSInvalidSignatureException>(() => lab.Kms.VerifyAsync(new VerifyRequest { KeyId = key.KeyId, Message = Stream("tampered"u8.ToArray()), Signature = signature.Signature, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        var symmetric = await lab.CreateKeyAsync();
        await lab.Kms.GenerateDataKeyPairAsync(new GenerateDataKeyPairRequest { KeyId = symmetric.KeyId, KeyPairSpec = DataKeyPairSpec.ECC_NIST_P256 });
        var external = await lab.CreateKeyAsync("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", origin: "EXTERNAL");
        await lab.ImportAsync(external.KeyId, new byte[32]);

        var sign = Assert.Single(lab.Lab.AuditTrail.Query(operation: "Sign"));
        Assert.Equal([key.Arn], sign.ResourceArns);
        Assert.Equal("ECDSA_SHA_256", sign.RequestParameters!["signingAlgorithm"]!.GetValue<string>());
        var verify = Assert.Single(lab.Lab.AuditTrail.Query(operation: "Verify"));
        Assert.Equal("KMSInvalidSignatureException", verify.ErrorCode);
        Assert.NotNull(Assert.Single(lab.Lab.AuditTrail.Query(operation: "GenerateDataKeyPair")).RequestParameters);
        Assert.Single(lab.Lab.AuditTrail.Query(operation: "GetParametersForImport"));
        var import = Assert.Single(lab.Lab.AuditTrail.Query(operation: "ImportKeyMaterial"));
        Assert.Equal("KEY_MATERIAL_DOES_NOT_EXPIRE", import.RequestParameters!["expirationModel"]!.GetValue<string>());

        foreach (var audit in lab.Lab.AuditTrail.Events)
        {
            var json = audit.ToJson();
            foreach (var secret in new[] { "message", "signature", "privateKeyPlaintext", "privateKeyCiphertextBlob", "publicKey", "importToken", "encryptedKeyMaterial" })
            {
                Assert.DoesNotContain($"\"{secret}\"", json);
            }
            Assert.DoesNotContain(Convert.ToBase64String(Message), json);
        }
    }
}
