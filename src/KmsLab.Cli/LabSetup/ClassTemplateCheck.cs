using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.RealAws;

namespace KmsLab.Cli.LabSetup;

/// <summary>One access check of the classroom dry run: who tried what, what the template intends, what happened.</summary>
internal sealed record AccessCheck(string Principal, string Attempt, bool ShouldSucceed, bool Succeeded, string Detail)
{
    public bool AsIntended => ShouldSucceed == Succeeded;
}

/// <summary>
/// The classroom template's dry run: loads its IAM users, managed policies, keys, key policies and
/// tags for two students into a fresh simulator (account 111122223333, us-east-1) and tries, through
/// the official SDK client, what each user should and should not be able to do.
/// </summary>
internal static class ClassTemplateCheck
{
    public const string AccountId = "111122223333";

    public static async Task<IReadOnlyList<AccessCheck>> RunAsync(string templateJson, int student = 1, CancellationToken ct = default)
    {
        var template = JsonNode.Parse(templateJson)!.AsObject();
        var resources = template["Resources"]!.AsObject();
        int students = resources.Count(r => r.Value?["Type"]?.GetValue<string>() == "AWS::KMS::Key");
        if (student < 1 || student > students) throw new ArgumentOutOfRangeException(nameof(student), student, $"The template has students 01 to {ClassTemplate.Nn(students)}.");
        int other = student == 1 ? (students > 1 ? 2 : 1) : 1;
        var resolver = new TemplateResolver(template, AccountId, "us-east-1");
        var lab = Lab.Simulator(new LabOptions { AccountId = AccountId });
        var admin = lab.CreateKmsClient();

        foreach (var (_, resource) in resources)
        {
            if (resource?["Type"]?.GetValue<string>() == "AWS::IAM::User") lab.CreateUser(Scalar(resolver.Resolve(resource["Properties"]!["UserName"])));
        }
        foreach (var (logical, resource) in resources)
        {
            if (resource?["Type"]?.GetValue<string>() != "AWS::IAM::ManagedPolicy") continue;
            var document = resolver.Resolve(resource["Properties"]!["PolicyDocument"])!.ToJsonString();
            foreach (var member in resource["Properties"]!["Users"]!.AsArray()) lab.PutIdentityPolicy(Scalar(resolver.Resolve(member)), logical, document);
        }

        async Task<KeyMetadata> CreateStackKey(int s)
        {
            var props = resources[$"Student{ClassTemplate.Nn(s)}Key"]!["Properties"]!;
            var tags = resolver.Resolve(props["Tags"])!.AsArray().Select(t => new Tag { TagKey = Scalar(t!["Key"]), TagValue = Scalar(t["Value"]) }).ToList();
            return (await admin.CreateKeyAsync(new CreateKeyRequest
            {
                Description = Scalar(resolver.Resolve(props["Description"])),
                Policy = resolver.Resolve(props["KeyPolicy"])!.ToJsonString(),
                Tags = tags,
            }, ct)).KeyMetadata;
        }

        var key = await CreateStackKey(student);
        var otherKey = other != student ? await CreateStackKey(other) : null;
        string nn = ClassTemplate.Nn(student), otherNn = ClassTemplate.Nn(other);
        string labAdmin = ClassTemplate.AdminPrefix + nn, manager = ClassTemplate.ManagerPrefix + nn, user = ClassTemplate.UserPrefix + nn;
        string ownerArn = $"arn:aws:iam::{AccountId}:user/{labAdmin}";
        var asAdmin = lab.CreateKmsClient(labAdmin);
        var asManager = lab.CreateKmsClient(manager);
        var asUser = lab.CreateKmsClient(user);
        var checks = new List<AccessCheck>();

        async Task<T?> Try<T>(string who, string attempt, bool should, Func<Task<T>> call) where T : class
        {
            try
            {
                var result = await call();
                checks.Add(new AccessCheck(who, attempt, should, true, "allowed"));
                return result;
            }
            catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
            {
                checks.Add(new AccessCheck(who, attempt, should, false, "AccessDeniedException"));
                return null;
            }
            catch (AmazonKeyManagementServiceException e)
            {
                checks.Add(new AccessCheck(who, attempt, should, false, $"{e.ErrorCode}: {e.Message}"));
                return null;
            }
        }

        var k = key.KeyId;
        // myKeyUser-NN uses the seed CMK and cannot administer it.
        var blob = await Try(user, "Encrypt with the seed CMK", true, () => asUser.EncryptAsync(new EncryptRequest { KeyId = k, Plaintext = new MemoryStream("payroll"u8.ToArray()) }, ct));
        if (blob is not null) await Try(user, "Decrypt", true, () => asUser.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.CiphertextBlob.ToArray()) }, ct));
        await Try(user, "GenerateDataKey", true, () => asUser.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = k, KeySpec = DataKeySpec.AES_256 }, ct));
        await Try(user, "DescribeKey", true, () => asUser.DescribeKeyAsync(new DescribeKeyRequest { KeyId = k }, ct));
        await Try(user, "DisableKey", false, () => asUser.DisableKeyAsync(new DisableKeyRequest { KeyId = k }, ct));
        await Try(user, "PutKeyPolicy", false, () => asUser.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = k, Policy = KeyPolicies.Default(AccountId) }, ct));
        await Try(user, "TagResource", false, () => asUser.TagResourceAsync(new TagResourceRequest { KeyId = k, Tags = [new Tag { TagKey = "team", TagValue = "x" }] }, ct));
        await Try(user, "ScheduleKeyDeletion (7 days)", false, () => asUser.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = k, PendingWindowInDays = 7 }, ct));

        // myKeyManager-NN administers it and cannot use it.
        await Try(manager, "DescribeKey", true, () => asManager.DescribeKeyAsync(new DescribeKeyRequest { KeyId = k }, ct));
        await Try(manager, "DisableKey", true, () => asManager.DisableKeyAsync(new DisableKeyRequest { KeyId = k }, ct));
        await Try(manager, "EnableKey", true, () => asManager.EnableKeyAsync(new EnableKeyRequest { KeyId = k }, ct));
        await Try(manager, "EnableKeyRotation", true, () => asManager.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = k }, ct));
        await Try(manager, "TagResource", true, () => asManager.TagResourceAsync(new TagResourceRequest { KeyId = k, Tags = [new Tag { TagKey = "team", TagValue = "finance" }] }, ct));
        await Try(manager, "GetKeyPolicy", true, () => asManager.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = k, PolicyName = "default" }, ct));
        await Try(manager, "Encrypt", false, () => asManager.EncryptAsync(new EncryptRequest { KeyId = k, Plaintext = new MemoryStream("x"u8.ToArray()) }, ct));
        if (blob is not null) await Try(manager, "Decrypt", false, () => asManager.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.CiphertextBlob.ToArray()) }, ct));
        await Try(manager, "GenerateDataKey", false, () => asManager.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = k, KeySpec = DataKeySpec.AES_256 }, ct));
        await Try(manager, "UntagResource kmslab:lesson", false, () => asManager.UntagResourceAsync(new UntagResourceRequest { KeyId = k, TagKeys = [LabTags.Lesson] }, ct));
        await Try(manager, "ScheduleKeyDeletion (30 days)", false, () => asManager.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = k, PendingWindowInDays = 30 }, ct));
        await Try(manager, "CreateKey", false, () => asManager.CreateKeyAsync(new CreateKeyRequest { Tags = LabTagsFor(ownerArn) }, ct));

        // labAdmin-NN creates keys only with the KmsLab tags naming itself, and does anything with those.
        await Try(labAdmin, "CreateKey without KmsLab tags", false, () => asAdmin.CreateKeyAsync(new CreateKeyRequest(), ct));
        await Try(labAdmin, "CreateKey tagged for another owner", false, () => asAdmin.CreateKeyAsync(new CreateKeyRequest { Tags = LabTagsFor($"arn:aws:iam::{AccountId}:user/{ClassTemplate.AdminPrefix}{otherNn}") }, ct));
        var own = await Try(labAdmin, "CreateKey with the KmsLab tags", true, () => asAdmin.CreateKeyAsync(new CreateKeyRequest { Tags = LabTagsFor(ownerArn) }, ct));
        if (own is not null)
        {
            var ownId = own.KeyMetadata.KeyId;
            await Try(labAdmin, "Encrypt with its own lab key", true, () => asAdmin.EncryptAsync(new EncryptRequest { KeyId = ownId, Plaintext = new MemoryStream("x"u8.ToArray()) }, ct));
            await Try(labAdmin, "CreateAlias for its own lab key", true, () => asAdmin.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/check-{labAdmin}", TargetKeyId = ownId }, ct));
            await Try(labAdmin, "UntagResource kmslab:owner", false, () => asAdmin.UntagResourceAsync(new UntagResourceRequest { KeyId = ownId, TagKeys = [LabTags.Owner] }, ct));
            await Try(labAdmin, "ScheduleKeyDeletion (30 days)", false, () => asAdmin.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = ownId, PendingWindowInDays = 30 }, ct));
            await Try(labAdmin, "ScheduleKeyDeletion (7 days)", true, () => asAdmin.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = ownId, PendingWindowInDays = 7 }, ct));
        }
        await Try(labAdmin, "Encrypt with the seed CMK (not its key)", false, () => asAdmin.EncryptAsync(new EncryptRequest { KeyId = k, Plaintext = new MemoryStream("x"u8.ToArray()) }, ct));
        await Try(labAdmin, "GenerateRandom", true, () => asAdmin.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 16 }, ct));
        await Try(labAdmin, "ListKeys", true, () => asAdmin.ListKeysAsync(new ListKeysRequest(), ct));

        if (otherKey is not null)
        {
            string otherUser = ClassTemplate.UserPrefix + otherNn, otherManager = ClassTemplate.ManagerPrefix + otherNn;
            await Try(otherUser, $"Encrypt with student {nn}'s CMK", false, () => lab.CreateKmsClient(otherUser).EncryptAsync(new EncryptRequest { KeyId = k, Plaintext = new MemoryStream("x"u8.ToArray()) }, ct));
            await Try(otherManager, $"DisableKey on student {nn}'s CMK", false, () => lab.CreateKmsClient(otherManager).DisableKeyAsync(new DisableKeyRequest { KeyId = k }, ct));
            await Try(labAdmin, $"DescribeKey on student {otherNn}'s CMK", false, () => asAdmin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = otherKey.KeyId }, ct));
        }
        // Last, as it ends the key's life: the key administrator schedules deletion with the pinned window.
        await Try(manager, "ScheduleKeyDeletion (7 days)", true, () => asManager.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = k, PendingWindowInDays = 7 }, ct));
        return checks;
    }

    private static List<Tag> LabTagsFor(string owner) =>
        [new Tag { TagKey = LabTags.Lesson, TagValue = "lab-setup-check" }, new Tag { TagKey = LabTags.Owner, TagValue = owner }];

    private static string Scalar(JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidDataException("Expected a string in the template.");
}
