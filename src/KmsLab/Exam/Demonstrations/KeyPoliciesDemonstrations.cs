using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.Services;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/key-policies.json</c>, made to happen on the simulator.</summary>
internal static class KeyPoliciesDemonstrations
{
    [Proves("02.1")]
    internal static async Task<string> AnAdministratorCanGrantThemselvesDecrypt(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var managerArn = lab.PrincipalArn(Lab.KeyManagerName);
        var policy = KeyPolicies.Console(lab.AccountId, administrators: [managerArn], users: [lab.PrincipalArn(Lab.KeyUserName)]);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("salaries") })).CiphertextBlob.ToArray();
        var manager = lab.CreateKmsClient(Lab.KeyManagerName);
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => manager.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        var grant = await manager.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = managerArn, Operations = [GrantOperation.Decrypt] });
        var read = await manager.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), GrantTokens = [grant.GrantToken] });
        Demonstrate.That(Demonstrate.Text(read.Plaintext) == "salaries", "after granting itself Decrypt, myKeyManager reads the data");
        return "console policy: myKeyManager's Decrypt → AccessDeniedException; its own CreateGrant (kms:Create*) → then Decrypt works";
    }

    [Proves("policies.root-statement-meaning")]
    internal static async Task<string> TheRootStatementDelegatesToIam(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy;
        Demonstrate.That(policy.Contains($"arn:aws:iam::{lab.AccountId}:root", StringComparison.Ordinal), "the default key policy allows the account root");
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => user.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("x") }));
        lab.PutIdentityPolicy(Lab.KeyUserName, "encrypt-one-key", AllowOn("kms:Encrypt", key.Arn));
        await user.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("x") });
        return "default key policy (account root, kms:*): myKeyUser's Encrypt → AccessDeniedException until an IAM policy allows it, then it works";
    }

    [Proves("policies.iam-route")]
    internal static async Task<string> OneIamPolicyServesEveryRole(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("config") })).CiphertextBlob.ToArray();
        string[] roles = ["fn-orders", "fn-invoices", "fn-refunds"];
        foreach (var role in roles)
        {
            lab.CreateRole(role);
            lab.PutIdentityPolicy(role, "decrypt-config", AllowOn("kms:Decrypt", key.Arn));
            await lab.CreateKmsClient(role).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        }
        var unchanged = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy;
        Demonstrate.That(!unchanged.Contains("fn-", StringComparison.Ordinal), "the key policy never names the roles");
        return $"{roles.Length} roles, each with the same IAM policy (kms:Decrypt on the key ARN): all decrypt; the default key policy is untouched";
    }

    [Proves("policies.lockout-check")]
    internal static async Task<string> ThePolicyLockoutSafetyCheck(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var onlyTheApp = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{lab.PrincipalArn(Lab.KeyUserName)}}"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}
            """;
        await Demonstrate.ThrowsAsync<MalformedPolicyDocumentException>(() => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = onlyTheApp }));
        var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key, PolicyName = "default" })).Policy;
        Demonstrate.That(policy.Contains(":root", StringComparison.Ordinal), "the old policy, with its root statement, is still in place");
        return "labAdmin's PutKeyPolicy with a policy naming only myKeyUser → MalformedPolicyDocumentException; the old policy stays";
    }

    [Proves("policies.deny-self-grant")]
    internal static async Task<string> ADenyClosesTheAdministratorsLoophole(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var managerArn = lab.PrincipalArn(Lab.KeyManagerName);
        var console = KeyPolicies.Console(lab.AccountId, administrators: [managerArn], users: [lab.PrincipalArn(Lab.KeyUserName)]);
        var policy = System.Text.Json.Nodes.JsonNode.Parse(console)!;
        policy["Statement"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"Sid":"No self-service","Effect":"Deny","Principal":{"AWS":"{{managerArn}}"},"Action":["kms:PutKeyPolicy","kms:CreateGrant"],"Resource":"*"}
            """));
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy.ToJsonString() })).KeyMetadata.KeyId;
        var manager = lab.CreateKmsClient(Lab.KeyManagerName);
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => manager.CreateGrantAsync(new CreateGrantRequest { KeyId = key, GranteePrincipal = managerArn, Operations = [GrantOperation.Decrypt] }));
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => manager.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = console }));
        await manager.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await manager.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        return "console policy + Deny on PutKeyPolicy and CreateGrant: myKeyManager's CreateGrant and PutKeyPolicy → AccessDeniedException; DisableKey and EnableKey still work";
    }

    [Proves("policies.via-service")]
    internal static async Task<string> ViaServiceAllowsOnlyCallsThroughS3(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var userArn = lab.PrincipalArn(Lab.KeyUserName);
        var viaS3 = $"s3.{lab.DefaultRegion.SystemName}.amazonaws.com";
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"{{userArn}}"},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*",
               "Condition":{"StringEquals":{"kms:ViaService":"{{viaS3}}" } } } ] }
            """;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.Arn;
        var bucket = lab.CreateS3Bucket("reports-via-service", new S3BucketEncryption(key));
        await bucket.PutObjectAsync("q3.csv", "quarterly numbers"u8.ToArray(), Lab.KeyUserName);
        var read = await bucket.GetObjectAsync("q3.csv", Lab.KeyUserName);
        Demonstrate.That(System.Text.Encoding.UTF8.GetString(read) == "quarterly numbers", "through S3, myKeyUser writes and reads the report");
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => user.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        return $"kms:ViaService = {viaS3}: myKeyUser's PutObject and GetObject work through S3; its direct GenerateDataKey → AccessDeniedException";
    }

    [Proves("policies.context-condition")]
    internal static async Task<string> AnEncryptionContextConditionLimitsWhichDataDecrypts(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"{{lab.PrincipalArn(Lab.KeyUserName)}}"},"Action":"kms:Decrypt","Resource":"*",
               "Condition":{"StringEquals":{"kms:EncryptionContext:tenant":"acme" } } } ] }
            """;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.KeyId;
        var acme = new Dictionary<string, string> { ["tenant"] = "acme" };
        var globex = new Dictionary<string, string> { ["tenant"] = "globex" };
        var acmeBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("acme invoice"), EncryptionContext = acme })).CiphertextBlob.ToArray();
        var globexBlob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = Demonstrate.Bytes("globex invoice"), EncryptionContext = globex })).CiphertextBlob.ToArray();
        var acmeRole = lab.CreateKmsClient(Lab.KeyUserName);
        var read = await acmeRole.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(acmeBlob), EncryptionContext = acme });
        Demonstrate.That(Demonstrate.Text(read.Plaintext) == "acme invoice", "acme's role decrypts acme's record");
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => acmeRole.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(globexBlob), EncryptionContext = globex }));
        return "Allow kms:Decrypt if kms:EncryptionContext:tenant = acme: acme's record decrypts; globex's, with its own correct context → AccessDeniedException";
    }

    [Proves("policies.one-policy")]
    internal static async Task<string> AKeyHasOnePolicyNamedDefault(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key, PolicyName = "default" })).Policy;
        await Demonstrate.ThrowsAsync<NotFoundException>(() => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "team_b", Policy = policy }));
        var names = (await kms.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = key })).PolicyNames;
        Demonstrate.That(names.Count == 1 && names[0] == "default", $"the key has one policy, default (it lists {string.Join(", ", names)})");
        return "PutKeyPolicy with PolicyName team_b → NotFoundException; ListKeyPolicies → [default]";
    }

    [Proves("policies.access-denied-message")]
    internal static async Task<string> TheRefusalNamesWhoWhatAndWhy(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Demonstrate.Bytes("x") })).CiphertextBlob.ToArray();
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        var e = await Demonstrate.FailsWithAsync("AccessDeniedException", () => user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        Demonstrate.That(e.Message.Contains(lab.PrincipalArn(Lab.KeyUserName), StringComparison.Ordinal) && e.Message.Contains("kms:Decrypt", StringComparison.Ordinal)
            && e.Message.Contains("identity-based policy", StringComparison.Ordinal), $"the message names the user, the action and the missing identity policy (it says: {e.Message})");
        lab.PutIdentityPolicy(Lab.KeyUserName, "decrypt-one-key", AllowOn("kms:Decrypt", key.Arn));
        await user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return "myKeyUser's Decrypt → \"… not authorized to perform: kms:Decrypt … because no identity-based policy allows …\"; an IAM policy for kms:Decrypt on the key ARN fixes it";
    }

    [Proves("policies.producer-consumer")]
    internal static async Task<string> WritersGenerateReadersDecrypt(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var ingest = lab.CreateUser("ingest");
        var reporting = lab.CreateUser("reporting");
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"{{ingest}}"},"Action":"kms:GenerateDataKey","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"{{reporting}}"},"Action":"kms:Decrypt","Resource":"*"}]}
            """;
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.KeyId;
        var writer = lab.CreateKmsClient("ingest");
        var reader = lab.CreateKmsClient("reporting");
        var dataKey = await writer.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
        var edk = dataKey.CiphertextBlob.ToArray();
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => writer.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(edk) }));
        var opened = await reader.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(edk) });
        Demonstrate.That(opened.Plaintext.ToArray().AsSpan().SequenceEqual(dataKey.Plaintext.ToArray()), "the reader recovers the writer's data key");
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => reader.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 }));
        return "ingest (GenerateDataKey only) makes data keys but cannot Decrypt; reporting (Decrypt only) opens them but cannot make one";
    }

    [Proves("policies.resource-star")]
    internal static async Task<string> StarInAKeyPolicyIsThatKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{lab.AccountId}}:root"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Allow","Principal":{"AWS":"{{lab.PrincipalArn(Lab.KeyUserName)}}"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}
            """;
        var keyA = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata.KeyId;
        var keyB = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var user = lab.CreateKmsClient(Lab.KeyUserName);
        await user.EncryptAsync(new EncryptRequest { KeyId = keyA, Plaintext = Demonstrate.Bytes("x") });
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => user.EncryptAsync(new EncryptRequest { KeyId = keyB, Plaintext = Demonstrate.Bytes("x") }));
        return "Resource \"*\" in key A's policy: myKeyUser encrypts under key A; under key B (default policy) → AccessDeniedException";
    }

    private static string AllowOn(string action, string keyArn) => $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"{{action}}","Resource":"{{keyArn}}"}]}
        """;
}
