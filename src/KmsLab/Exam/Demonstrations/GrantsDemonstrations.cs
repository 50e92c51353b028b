using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>grants</c> (lesson 11), shown on the simulator.</summary>
internal static class GrantsDemonstrations
{
    private static readonly Dictionary<string, string> Apollo = new() { ["project"] = "apollo", ["record"] = "r-17" };
    private static readonly Dictionary<string, string> Zeus = new() { ["project"] = "zeus", ["record"] = "r-18" };

    [Proves("11.1")]
    internal static async Task<string> AGrantTokenWorksAtOnce(Lab lab)
    {
        var (kms, key, blob) = await KeyWithRecordAsync(lab, Apollo);
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => Decrypt(user, blob, Apollo));
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.KeyUserName), Operations = [GrantOperation.Decrypt] });
        await Decrypt(user, blob, Apollo, grant.GrantToken);
        return "right after CreateGrant, Decrypt with the grant's token in GrantTokens succeeds";
    }

    [Proves("11.2")]
    internal static async Task<string> TheRetiringPrincipalEndsTheGrant(Lab lab)
    {
        var (kms, key, blob) = await KeyWithRecordAsync(lab, Apollo);
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.KeyUserName), Operations = [GrantOperation.Decrypt], RetiringPrincipal = lab.PrincipalArn(Lab.KeyManagerName),
        });
        var manager = lab.CreateKmsClient(Lab.KeyManagerName);
        // myKeyManager has no permission on this key (its policy is the default one: the account root only).
        var noPermission = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => manager.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));
        Demonstrate.That(noPermission.ErrorCode == "AccessDeniedException", $"the retiring principal has no permission on the key itself (got {noPermission.ErrorCode})");
        await manager.RetireGrantAsync(new RetireGrantRequest { KeyId = key, GrantId = grant.GrantId });
        await DeniedAsync(() => Decrypt(lab.CreateKmsClient(Lab.KeyUserName), blob, Apollo, grant.GrantToken), "the grantee's token stops working once the grant is retired");
        return "myKeyManager, the retiring principal with no other permission, retired the grant; the grantee's Decrypt is then AccessDeniedException";
    }

    [Proves("11.3")]
    internal static async Task<string> CrossAccountUseNeedsBothAccounts(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var analyst = lab.CreateUser("analyst", lab.PartnerAccountId);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = PolicyTrustingThePartner(lab) })).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("Q3"u8.ToArray()) })).CiphertextBlob.ToArray();
        await DeniedAsync(() => Decrypt(lab.CreateKmsClient(analyst), blob, null), "the key policy alone does not let the partner's user decrypt");
        lab.PutIdentityPolicy(analyst, "UseSharedKey", DecryptPolicy(key.Arn));
        await Decrypt(lab.CreateKmsClient(analyst), blob, null);
        return "key policy trusting the partner account: its user's Decrypt → AccessDeniedException until the partner's IAM policy allows the key's ARN, then it works";
    }

    [Proves("grants.context-subset-constraint")]
    internal static async Task<string> SubsetMatchesEqualsDoesNot(Lab lab)
    {
        var (kms, key, apolloBlob) = await KeyWithRecordAsync(lab, Apollo);
        var zeusBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("zeus"u8.ToArray()), EncryptionContext = Zeus })).CiphertextBlob.ToArray();
        var grantee = lab.PrincipalArn(Lab.KeyUserName);
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        var equals = await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = grantee, Operations = [GrantOperation.Decrypt], Name = "equals",
            Constraints = new GrantConstraints { EncryptionContextEquals = new() { ["project"] = "apollo" } },
        });
        await DeniedAsync(() => Decrypt(user, apolloBlob, Apollo, equals.GrantToken), "EncryptionContextEquals {project: apollo} does not match a context that also carries the record ID");
        await kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = equals.GrantId });
        var subset = await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = grantee, Operations = [GrantOperation.Decrypt], Name = "subset",
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["project"] = "apollo" } },
        });
        await Decrypt(user, apolloBlob, Apollo, subset.GrantToken);
        await DeniedAsync(() => Decrypt(user, zeusBlob, Zeus, subset.GrantToken), "the subset grant does not open zeus's record");
        return "context {project: apollo, record: r-17}: Equals {project: apollo} → denied; Subset {project: apollo} → decrypts, and zeus's record → denied";
    }

    [Proves("grants.operations-are-exact")]
    internal static async Task<string> AGrantAllowsOnlyItsOperations(Lab lab)
    {
        var (kms, key, blob) = await KeyWithRecordAsync(lab, Apollo);
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.KeyUserName), Operations = [GrantOperation.Decrypt] });
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await Decrypt(user, blob, Apollo, grant.GrantToken);
        await DeniedAsync(() => user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256, GrantTokens = [grant.GrantToken] }), "GenerateDataKey is refused under a Decrypt-only grant");
        return "Decrypt-only grant: Decrypt works, GenerateDataKey with the same token → AccessDeniedException";
    }

    [Proves("grants.deny-beats-grant")]
    internal static async Task<string> AnExplicitDenyBeatsAGrant(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var user = lab.PrincipalArn(Lab.KeyUserName);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Never reporting", "Effect": "Deny", "Principal": { "AWS": "{{user}}" }, "Action": "kms:Decrypt", "Resource": "*" } ] }
            """,
        })).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = user, Operations = [GrantOperation.Decrypt] });
        await DeniedAsync(() => Decrypt(lab.CreateKmsClient(Lab.KeyUserName), blob, null, grant.GrantToken), "the key policy's Deny wins over the grant");
        return "CreateGrant succeeded, but Decrypt with its token → AccessDeniedException: the key policy's explicit Deny wins";
    }

    [Proves("grants.revoke-mistaken-grant")]
    internal static async Task<string> RevokeGrantTakesItAway(Lab lab)
    {
        var (kms, key, blob) = await KeyWithRecordAsync(lab, Apollo);
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.KeyUserName), Operations = [GrantOperation.Decrypt] });
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await Decrypt(user, blob, Apollo, grant.GrantToken);
        await kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = key, GrantId = grant.GrantId });
        await DeniedAsync(() => Decrypt(user, blob, Apollo, grant.GrantToken), "after RevokeGrant the grantee's token no longer works");
        await Decrypt(kms, blob, Apollo);
        return "RevokeGrant: the wrong grantee's Decrypt → AccessDeniedException, while the key stays usable by everyone else";
    }

    [Proves("grants.cross-account-alias")]
    internal static async Task<string> AnotherAccountNamesTheKeyByArn(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var partnerUser = lab.CreateUser("reporter", lab.PartnerAccountId);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = PolicyTrustingThePartner(lab) })).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/shared-reports", TargetKeyId = key.KeyId });
        lab.PutIdentityPolicy(partnerUser, "UseSharedKey", DecryptPolicy(key.Arn));
        var partner = lab.CreateKmsClient(partnerUser);
        await Demonstrate.ThrowsAsync<NotFoundException>(() => partner.EncryptAsync(new EncryptRequest { KeyId = "alias/shared-reports", Plaintext = new MemoryStream("x"u8.ToArray()) }));
        await partner.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream("x"u8.ToArray()) });
        return "partner's Encrypt with alias/shared-reports → NotFoundException; with the key's ARN it works";
    }

    [Proves("grants.partner-copy-reencryptfrom")]
    internal static async Task<string> APartnerMovesDataUnderItsOwnKeyWithReEncryptFromAlone(Lab lab)
    {
        var (kms, key, apolloBlob) = await KeyWithRecordAsync(lab, Apollo);
        var zeusBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("zeus"u8.ToArray()), EncryptionContext = Zeus })).CiphertextBlob.ToArray();
        var keyArn = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.Arn;
        var grant = await kms.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.PartnerAdministratorName), Operations = [GrantOperation.ReEncryptFrom],
            Constraints = new GrantConstraints { EncryptionContextSubset = new() { ["project"] = "apollo" } },
        });
        var partner = lab.CreateKmsClient(Lab.PartnerAdministratorName);
        var own = (await partner.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await DeniedAsync(() => Decrypt(partner, apolloBlob, Apollo, grant.GrantToken), "the partner cannot read the report with the company's key");
        Task<ReEncryptResponse> Move(byte[] blob, Dictionary<string, string> context) => partner.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob), SourceKeyId = keyArn, SourceEncryptionContext = context, DestinationKeyId = own, GrantTokens = [grant.GrantToken],
        });
        var copy = await Move(apolloBlob, Apollo);
        var read = await Decrypt(partner, copy.CiphertextBlob.ToArray(), null);
        Demonstrate.That(read.KeyId.Contains(lab.PartnerAccountId, StringComparison.Ordinal), "the copy is under the partner's own key");
        await DeniedAsync(() => Move(zeusBlob, Zeus), "the constraint keeps zeus's reports closed");
        return "with a ReEncryptFrom grant constrained to project=apollo, the partner's Decrypt → AccessDeniedException, its ReEncrypt into its own key works, and zeus's report → AccessDeniedException";
    }

    [Proves("grants.limit-grant-operations")]
    internal static async Task<string> ForAllValuesLimitsTheGrantsOperations(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var deployer = lab.PrincipalArn(Lab.KeyManagerName);
        async Task<string> KeyAllowingGrantsWhen(string setOperator) => (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""
                { "Version": "2012-10-17", "Statement": [
                  { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
                  { "Effect": "Allow", "Principal": { "AWS": "{{deployer}}" }, "Action": "kms:CreateGrant", "Resource": "*",
                    "Condition": { "{{setOperator}}:StringEquals": { "kms:GrantOperations": ["Encrypt", "GenerateDataKey"] } } } ] }
                """,
        })).KeyMetadata.KeyId;
        var deployment = lab.CreateKmsClient(Lab.KeyManagerName);
        Task<CreateGrantResponse> Grant(string key, List<string> operations) =>
            deployment.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = lab.PrincipalArn(Lab.KeyUserName), Operations = operations });
        var all = await KeyAllowingGrantsWhen("ForAllValues");
        await Grant(all, [GrantOperation.Encrypt, GrantOperation.GenerateDataKey]);
        await DeniedAsync(() => Grant(all, [GrantOperation.Encrypt, GrantOperation.Decrypt]), "ForAllValues refuses a grant that includes Decrypt");
        var any = await KeyAllowingGrantsWhen("ForAnyValue");
        await Grant(any, [GrantOperation.Encrypt, GrantOperation.Decrypt]);
        return "ForAllValues: a grant for Encrypt and GenerateDataKey is created, one for Encrypt and Decrypt → AccessDeniedException; ForAnyValue lets the Encrypt-and-Decrypt grant through";
    }

    /// <summary>A key policy with the account-root statement and one letting the partner account use the key.</summary>
    internal static string PolicyTrustingThePartner(Lab lab) => $$"""
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
          { "Sid": "Partner may use it", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.PartnerAccountId}}:root" },
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*" } ] }
        """;

    /// <summary>An IAM policy allowing Encrypt and Decrypt on one key, for the partner's principals.</summary>
    internal static string DecryptPolicy(string keyArn) => $$"""
        { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "{{keyArn}}" } ] }
        """;

    private static async Task<(IAmazonKeyManagementService Kms, string Key, byte[] Blob)> KeyWithRecordAsync(Lab lab, Dictionary<string, string> context)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("apollo: launch moved"u8.ToArray()), EncryptionContext = context })).CiphertextBlob.ToArray();
        return (kms, key, blob);
    }

    private static Task<DecryptResponse> Decrypt(IAmazonKeyManagementService kms, byte[] blob, Dictionary<string, string>? context, string? token = null) =>
        kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context, GrantTokens = token is null ? [] : [token] });

    private static async Task DeniedAsync(Func<Task> call, string expectation)
    {
        var e = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(call);
        Demonstrate.That(e.ErrorCode == "AccessDeniedException", $"{expectation} (AccessDeniedException; got {e.ErrorCode})");
    }
}
