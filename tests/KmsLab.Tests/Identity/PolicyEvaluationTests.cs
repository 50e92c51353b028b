using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;

namespace KmsLab.Tests.Identity;

public class PolicyEvaluationTests
{
    private readonly TestLab _lab = new();
    private string Account => _lab.Lab.AccountId;
    private string UserArn(string name) => $"arn:aws:iam::{Account}:user/{name}";
    private IAmazonKeyManagementService As(string principal) => _lab.Lab.CreateKmsClient(principal);

    private static string Policy(params string[] statements) => $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private string RootStatement => $$"""{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"kms:*","Resource":"*"}""";

    private static string Allow(string principal, string action, string condition = "") =>
        $$"""{"Effect":"Allow","Principal":{"AWS":"{{principal}}"},"Action":{{action}},"Resource":"*"{{(condition == "" ? "" : ",\"Condition\":" + condition)}}}""";

    private async Task<string> KeyWithPolicyAsync(params string[] statements) =>
        (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = Policy([RootStatement, .. statements]) })).KeyMetadata.KeyId;

    private static Task<EncryptResponse> EncryptAsync(IAmazonKeyManagementService kms, string keyId, Dictionary<string, string>? context = null) =>
        kms.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = Bytes.Stream("x"), EncryptionContext = context });

    [Fact]
    public async Task An_explicit_Deny_wins_over_any_Allow()
    {
        var key = await KeyWithPolicyAsync(
            Allow(UserArn("myKeyUser"), "\"kms:*\""),
            $$"""{"Effect":"Deny","Principal":{"AWS":"{{UserArn("myKeyUser")}}"},"Action":"kms:Decrypt","Resource":"*"}""");
        var user = As("myKeyUser");
        var blob = (await EncryptAsync(user, key)).CiphertextBlob;
        var e = await KmsAssert.Code("AccessDeniedException", () => user.DecryptAsync(new DecryptRequest { CiphertextBlob = blob }));
        Assert.EndsWith("with an explicit deny in a resource-based policy", e.Message);

        // A Deny in the caller's own IAM policy wins too, even over the key policy's Allow.
        _lab.Lab.PutIdentityPolicy("myKeyUser", "no-encrypt", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]}""");
        var identityDeny = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));
        Assert.EndsWith("with an explicit deny in an identity-based policy", identityDeny.Message);
    }

    [Fact]
    public async Task Action_wildcards_and_NotAction_match_as_in_IAM()
    {
        var key = await KeyWithPolicyAsync(Allow(UserArn("myKeyUser"), "\"kms:Generate*\""), Allow(UserArn("myKeyManager"), "\"kms:*\""));
        var user = As("myKeyUser");
        await user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
        await user.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key, NumberOfBytes = 16 });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        var notAction = await KeyWithPolicyAsync($$"""{"Effect":"Allow","Principal":{"AWS":"{{UserArn("myKeyUser")}}"},"NotAction":["kms:ScheduleKeyDeletion","kms:PutKeyPolicy"],"Resource":"*"}""");
        await EncryptAsync(user, notAction);
        await KmsAssert.Code("AccessDeniedException", () => user.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = notAction }));
    }

    [Fact]
    public async Task Principal_forms_ARN_account_and_everyone()
    {
        var byStar = await KeyWithPolicyAsync("""{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}""");
        await EncryptAsync(As("myKeyUser"), byStar);
        var byAwsStar = await KeyWithPolicyAsync("""{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Encrypt","Resource":"*"}""");
        await EncryptAsync(As("myKeyManager"), byAwsStar);
        var byArn = await KeyWithPolicyAsync(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\""));
        await EncryptAsync(As("myKeyUser"), byArn);
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(As("myKeyManager"), byArn));
    }

    [Fact]
    public async Task The_root_statement_delegates_to_IAM_policies_and_without_it_IAM_policies_do_nothing()
    {
        var withRoot = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId; // the default policy
        var user = As("myKeyUser");
        var e = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, withRoot));
        Assert.EndsWith("because no identity-based policy allows the kms:Encrypt action", e.Message);

        _lab.Lab.PutIdentityPolicy("myKeyUser", "encrypt", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"arn:aws:kms:*:111122223333:key/*"}]}""");
        await EncryptAsync(user, withRoot);

        var adminOnly = Policy($$"""{"Effect":"Allow","Principal":{"AWS":"{{_lab.Lab.AdminArn}}"},"Action":"kms:*","Resource":"*"}""");
        var withoutRoot = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = adminOnly })).KeyMetadata.KeyId;
        var denied = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, withoutRoot));
        Assert.EndsWith("because no resource-based policy allows the kms:Encrypt action", denied.Message);
    }

    [Fact]
    public async Task Identity_policy_resources_are_matched_against_the_key_ARN()
    {
        var allowed = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var other = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        _lab.Lab.PutIdentityPolicy("myKeyUser", "one-key", $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"{{allowed.Arn}}"}]}""");
        await EncryptAsync(As("myKeyUser"), allowed.KeyId);
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(As("myKeyUser"), other.KeyId));
    }

    [Fact]
    public async Task Requests_on_no_key_are_decided_by_identity_policies()
    {
        var e = await KmsAssert.Code("AccessDeniedException", () => As("myKeyUser").CreateKeyAsync(new CreateKeyRequest()));
        Assert.Equal($"User: {UserArn("myKeyUser")} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy allows the kms:CreateKey action", e.Message);
        await As("myKeyUser").ListKeysAsync(new ListKeysRequest()); // the lab gives key users list permissions
        await KmsAssert.Code("AccessDeniedException", () => As("myKeyUser").GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 8 }));
    }

    [Fact]
    public async Task Encryption_context_condition_keys()
    {
        var key = await KeyWithPolicyAsync(
            Allow(UserArn("myKeyUser"), "\"kms:Encrypt\"", """{"StringEquals":{"kms:EncryptionContext:department":"finance"}}"""),
            Allow(UserArn("myKeyManager"), "\"kms:Encrypt\"", """{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["department","project"]},"Null":{"kms:EncryptionContextKeys":"false"}}"""));
        var user = As("myKeyUser");
        await EncryptAsync(user, key, new() { ["department"] = "finance" });
        await EncryptAsync(user, key, new() { ["department"] = "finance", ["other"] = "x" });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key, new() { ["department"] = "Finance" }));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        var manager = As("myKeyManager");
        await EncryptAsync(manager, key, new() { ["project"] = "x" });
        await EncryptAsync(manager, key, new() { ["project"] = "x", ["department"] = "y" });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(manager, key, new() { ["project"] = "x", ["secret"] = "y" }));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(manager, key)); // Null: false requires a context
    }

    [Fact]
    public async Task ForAnyValue_and_StringLike_conditions()
    {
        var key = await KeyWithPolicyAsync(
            Allow(UserArn("myKeyUser"), "\"kms:Encrypt\"", """{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"app-*"}}"""));
        var user = As("myKeyUser");
        await EncryptAsync(user, key, new() { ["app-id"] = "1", ["x"] = "2" });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key, new() { ["x"] = "2" }));
    }

    [Fact]
    public async Task CallerAccount_and_PrincipalArn_conditions()
    {
        var key = await KeyWithPolicyAsync(
            $$$$"""{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"{{{{Account}}}}"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::{{{{Account}}}}:user/myKey*"}}}""");
        await EncryptAsync(As("myKeyUser"), key);
        await EncryptAsync(As("myKeyManager"), key);
        _lab.Lab.CreateUser("intern");
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(As("intern"), key));
        _lab.Lab.CreateUser("myKeyPartner", _lab.Lab.PartnerAccountId);
        _lab.Lab.PutIdentityPolicy($"arn:aws:iam::{_lab.Lab.PartnerAccountId}:user/myKeyPartner", "all", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""");
        var keyArn = (await _lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.Arn;
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(As($"arn:aws:iam::{_lab.Lab.PartnerAccountId}:user/myKeyPartner"), keyArn));
    }

    [Fact]
    public async Task Bool_condition_on_GrantIsForAWSResource_refuses_grants_made_directly()
    {
        var policy = KeyPolicies.Console(Account, [], [UserArn("myKeyUser")]);
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.KeyId;
        var e = await KmsAssert.Code("AccessDeniedException", () => As("myKeyUser").CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = UserArn("myKeyManager"), Operations = ["Decrypt"] }));
        Assert.Contains("kms:CreateGrant", e.Message);
    }

    [Fact]
    public async Task Roles_are_matched_by_role_ARN_and_report_their_session()
    {
        var roleArn = _lab.Lab.CreateRole("AppRole");
        var key = await KeyWithPolicyAsync(Allow(roleArn, "\"kms:Encrypt\""));
        var role = As("AppRole");
        await EncryptAsync(role, key);
        var denied = await KmsAssert.Code("AccessDeniedException", () => role.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key }));
        Assert.StartsWith($"User: arn:aws:sts::{Account}:assumed-role/AppRole/kmslab is not authorized", denied.Message);
    }

    [Fact]
    public async Task ReEncrypt_needs_ReEncryptFrom_on_the_source_and_ReEncryptTo_on_the_destination()
    {
        var user = UserArn("myKeyUser");
        var source = await KeyWithPolicyAsync(Allow(user, "[\"kms:Encrypt\",\"kms:ReEncryptFrom\"]"));
        var destinationWithout = await KeyWithPolicyAsync(Allow(user, "\"kms:Decrypt\""));
        var destinationWith = await KeyWithPolicyAsync(Allow(user, "\"kms:ReEncryptTo\""));
        var kms = As("myKeyUser");
        var blob = (await EncryptAsync(kms, source)).CiphertextBlob.ToArray();
        var e = await KmsAssert.Code("AccessDeniedException", () => kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), DestinationKeyId = destinationWithout }));
        Assert.Contains("kms:ReEncryptTo", e.Message);
        await kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob), DestinationKeyId = destinationWith });

        var noFrom = await KeyWithPolicyAsync(Allow(user, "\"kms:Encrypt\""));
        var blob2 = (await EncryptAsync(kms, noFrom)).CiphertextBlob.ToArray();
        var from = await KmsAssert.Code("AccessDeniedException", () => kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = Bytes.Stream(blob2), DestinationKeyId = destinationWith }));
        Assert.Contains("kms:ReEncryptFrom", from.Message);
    }

    [Fact]
    public async Task Cross_account_access_needs_the_key_policy_and_the_other_accounts_IAM_policy()
    {
        var partner = _lab.Lab.PartnerAccountId;
        var partnerAdmin = As($"arn:aws:iam::{partner}:user/partnerAdmin");
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var noResourcePolicy = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(partnerAdmin, key.Arn));
        Assert.Contains($"arn:aws:iam::{partner}:user/partnerAdmin", noResourcePolicy.Message);
        Assert.EndsWith("because no resource-based policy allows the kms:Encrypt action", noResourcePolicy.Message);

        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = Policy(RootStatement,
            $$"""{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{partner}}:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}""") });
        var blob = (await EncryptAsync(partnerAdmin, key.Arn)).CiphertextBlob;
        Assert.Equal(key.Arn, (await partnerAdmin.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).KeyId);

        var partnerUser = _lab.Lab.CreateUser("partnerUser", partner);
        var noIdentityPolicy = await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(As(partnerUser), key.Arn));
        Assert.EndsWith("because no identity-based policy allows the kms:Encrypt action", noIdentityPolicy.Message);
        await KmsAssert.Code("AccessDeniedException", () => As(partnerUser).ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.Arn }));
        // Another account's key is only reachable by ARN.
        await KmsAssert.Throws<NotFoundException>(() => EncryptAsync(partnerAdmin, key.KeyId));
    }

    [Fact]
    public async Task PutKeyPolicy_refuses_a_policy_that_would_lock_the_caller_out_unless_told_to_bypass()
    {
        var key = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var lockout = Policy(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\""));
        var e = await KmsAssert.Throws<MalformedPolicyDocumentException>(() => _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = lockout }));
        Assert.Equal("The new key policy will not allow you to update the key policy in the future.", e.Message);
        await KmsAssert.Throws<MalformedPolicyDocumentException>(() => _lab.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = lockout }));

        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = lockout, BypassPolicyLockoutSafetyCheck = true });
        await KmsAssert.Code("AccessDeniedException", () => _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(RootStatement) }));
        await KmsAssert.Code("AccessDeniedException", () => _lab.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));
        await EncryptAsync(As("myKeyUser"), key);
    }

    [Fact]
    public async Task A_remembered_Allow_holds_only_while_the_same_unconditional_policies_decide()
    {
        // The engine remembers the last unconditional Allow per key; every change of what decided
        // it must end it, and nothing conditional may be remembered.
        var user = As("myKeyUser");
        var key = await KeyWithPolicyAsync(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\""));
        await EncryptAsync(user, key);
        await EncryptAsync(user, key);
        await _lab.Kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(RootStatement) });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, key));

        // The same caller and action right after a new key policy: the new policy decides.
        var admin = _lab.Kms;
        await admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\"")), BypassPolicyLockoutSafetyCheck = true });
        await KmsAssert.Code("AccessDeniedException", () => admin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, Policy = Policy(RootStatement) }));

        // Allowed through the root delegation and an identity policy, until that policy goes.
        var rooted = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        _lab.Lab.PutIdentityPolicy("myKeyUser", "encrypt", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}""");
        await EncryptAsync(user, rooted);
        Assert.True(_lab.Lab.DeleteIdentityPolicy("myKeyUser", "encrypt"));
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, rooted));

        // One principal's Allow is not another's, nor another action's.
        var manager = As("myKeyManager");
        var shared = await KeyWithPolicyAsync(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\""));
        await EncryptAsync(user, shared);
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(manager, shared));
        await KmsAssert.Code("AccessDeniedException", () => user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = shared, KeySpec = DataKeySpec.AES_256 }));

        // A condition decides per request.
        var conditional = await KeyWithPolicyAsync(Allow(UserArn("myKeyUser"), "\"kms:Encrypt\"", """{"StringEquals":{"kms:EncryptionContext:app":"payroll"}}"""));
        await EncryptAsync(user, conditional, new() { ["app"] = "payroll" });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, conditional, new() { ["app"] = "hr" }));

        // An Allow that came from a grant ends when the grant does.
        var granted = (await _lab.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var grant = await _lab.Kms.CreateGrantAsync(new CreateGrantRequest { KeyId = granted, GranteePrincipal = UserArn("myKeyUser"), Operations = ["Encrypt"] });
        await EncryptAsync(user, granted);
        await _lab.Kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = granted, GrantId = grant.GrantId });
        await KmsAssert.Code("AccessDeniedException", () => EncryptAsync(user, granted));
    }
}
