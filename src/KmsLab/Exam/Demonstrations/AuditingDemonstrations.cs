using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.Services;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>auditing</c> (lessons 08, 10 and 11), shown on the simulator's audit trail.</summary>
internal static class AuditingDemonstrations
{
    private static readonly Dictionary<string, string> FileContext = new() { ["file"] = "payroll-2026-11.csv" };

    [Proves("08.1")]
    internal static async Task<string> RecordsCarryTheContextNeverThePlaintext(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var plaintext = "salaries of November"u8.ToArray();
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(plaintext), EncryptionContext = FileContext })).CiphertextBlob.ToArray();
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = FileContext });
        var record = lab.AuditTrail.Query(key: key.KeyId, operation: "Decrypt").Single();
        var json = record.ToJson();
        Demonstrate.That(record.RequestParameters?["encryptionContext"]?["file"]?.GetValue<string>() == "payroll-2026-11.csv", "the Decrypt record's requestParameters hold the encryption context");
        Demonstrate.That(record.ResourceArns.Contains(key.Arn) && record.UserIdentity.Arn == lab.AdminArn, "the record names the key's ARN and the caller");
        Demonstrate.That(!json.Contains(Convert.ToBase64String(plaintext), StringComparison.Ordinal) && !json.Contains(Encoding.UTF8.GetString(plaintext), StringComparison.Ordinal), "the record holds no plaintext");
        Demonstrate.That(!json.Contains(Convert.ToBase64String(blob), StringComparison.Ordinal), "the record holds no ciphertext");
        return "the Decrypt record names caller, key ARN and context {file: payroll-2026-11.csv}, and holds neither plaintext nor ciphertext";
    }

    [Proves("08.2")]
    internal static async Task<string> RefusedCallsAreRecordedAsReadOnlyEvents(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = KeyPolicies.Console(lab.AccountId, [lab.PrincipalArn(Lab.KeyManagerName)], [lab.PrincipalArn(Lab.KeyUserName)]),
        })).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        var denied = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => lab.CreateKmsClient(Lab.KeyManagerName).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        Demonstrate.That(denied.ErrorCode == "AccessDeniedException", $"the key administrator's Decrypt is refused (got {denied.ErrorCode})");
        var record = lab.AuditTrail.Query(key: key.KeyId, principal: Lab.KeyManagerName, operation: "Decrypt").Single();
        Demonstrate.That(record.ErrorCode == "AccessDeniedException" && !string.IsNullOrEmpty(record.ErrorMessage), "the refused call is recorded with errorCode AccessDeniedException and an errorMessage");
        Demonstrate.That(record.ReadOnly, "a Decrypt, even a refused one, is a read-only event");
        return $"refused Decrypt recorded: errorCode {record.ErrorCode}, readOnly {record.ReadOnly.ToString().ToLowerInvariant()}";
    }

    [Proves("audit.who-changed-keys")]
    internal static async Task<string> OnlyChangesAreWriteEvents(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key, PendingWindowInDays = KmsFacts.MinPendingWindowInDays });
        var writes = lab.AuditTrail.Query(key: key).Where(e => !e.ReadOnly).Select(e => e.EventName).ToList();
        var reads = lab.AuditTrail.Query(key: key).Where(e => e.ReadOnly).Select(e => e.EventName).ToList();
        Demonstrate.That(writes.Contains("DisableKey") && writes.Contains("ScheduleKeyDeletion"), "DisableKey and ScheduleKeyDeletion are write (readOnly false) events");
        Demonstrate.That(reads.Contains("Encrypt") && reads.Contains("Decrypt") && !writes.Contains("Encrypt") && !writes.Contains("Decrypt"), "Encrypt and Decrypt are read-only events");
        return $"readOnly false: {string.Join(", ", writes)}; readOnly true: {string.Join(", ", reads.Distinct())}";
    }

    [Proves("audit.before-deleting-unused-key")]
    internal static async Task<string> ADisabledKeyNamesItsDependents(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = KeyPolicies.Console(lab.AccountId, [lab.AdminArn], [lab.PrincipalArn(Lab.KeyUserName)]) })).KeyMetadata.KeyId;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        // A quarterly job that nobody remembered runs while the key is disabled.
        await Demonstrate.ThrowsAsync<DisabledException>(() => lab.CreateKmsClient(Lab.KeyUserName).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        var failure = lab.AuditTrail.Query(key: key, errorCode: "DisabledException").Single();
        Demonstrate.That(failure.UserIdentity.UserName == Lab.KeyUserName, $"the DisabledException record names the dependent caller (got {failure.UserIdentity.Arn})");
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await lab.CreateKmsClient(Lab.KeyUserName).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return $"disabled key: the forgotten job's Decrypt → DisabledException, recorded with caller {failure.UserIdentity.UserName}; EnableKey restored it at once";
    }

    [Proves("audit.use-during-deletion-window")]
    internal static async Task<string> UseOfAKeyPendingDeletionFailsAndIsRecorded(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId });
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        var attempts = lab.AuditTrail.Query(key: key.KeyId, errorCode: "KMSInvalidStateException");
        Demonstrate.That(attempts.Count == 1 && attempts[0].EventName == "Decrypt" && attempts[0].ResourceArns.Contains(key.Arn), "the attempt is recorded on the key's ARN with errorCode KMSInvalidStateException");
        var lastUse = await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId });
        Demonstrate.That(lastUse.KeyLastUsage?.Operation == "Encrypt", $"GetKeyLastUsage still reports the last successful operation, Encrypt, not the failed attempt (got {lastUse.KeyLastUsage?.Operation ?? "none"})");
        return "Decrypt of a key pending deletion → KMSInvalidStateException, in the trail on the key's ARN; GetKeyLastUsage still says Encrypt";
    }

    [Proves("audit.invoked-by-s3")]
    internal static async Task<string> S3CallsAsTheRequester(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = KeyPolicies.Console(lab.AccountId, [lab.AdminArn], [lab.PrincipalArn(Lab.KeyUserName)]) })).KeyMetadata;
        var bucket = lab.CreateS3Bucket("kmslab-uploads", new S3BucketEncryption(KmsKeyId: key.Arn));
        await bucket.PutObjectAsync("in/report.csv", "a,b\n"u8.ToArray(), principal: Lab.KeyUserName);
        var record = lab.AuditTrail.Query(key: key.KeyId, operation: "GenerateDataKey").Single();
        Demonstrate.That(record.UserIdentity.UserName == Lab.KeyUserName, $"userIdentity is the principal that wrote the object (got {record.UserIdentity.Arn})");
        Demonstrate.That(record.UserIdentity.InvokedBy == "s3.amazonaws.com", $"invokedBy is s3.amazonaws.com (got {record.UserIdentity.InvokedBy ?? "none"})");
        Demonstrate.That(record.RequestParameters?["encryptionContext"]?["aws:s3:arn"]?.GetValue<string>() == "arn:aws:s3:::kmslab-uploads/in/report.csv", "the context names the object");
        return $"PutObject → GenerateDataKey recorded with userIdentity {Lab.KeyUserName}, invokedBy s3.amazonaws.com, context aws:s3:arn = the object";
    }

    [Proves("audit.cross-account-records")]
    internal static async Task<string> CrossAccountUseIsRecordedTwice(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var auditor = lab.CreateUser("auditor", lab.PartnerAccountId);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Policy = GrantsDemonstrations.PolicyTrustingThePartner(lab) })).KeyMetadata;
        lab.PutIdentityPolicy(auditor, "ReadSharedKey", GrantsDemonstrations.DecryptPolicy(key.Arn));
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("Q3 figures"u8.ToArray()) })).CiphertextBlob.ToArray();
        await lab.CreateKmsClient(auditor).DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        var records = lab.AuditTrail.Query(key: key.KeyId, operation: "Decrypt");
        var accounts = records.Select(r => r.RecipientAccountId).Order(StringComparer.Ordinal).ToList();
        Demonstrate.That(records.Count == 2, $"the cross-account Decrypt is recorded twice (got {records.Count})");
        Demonstrate.That(accounts.Contains(lab.AccountId) && accounts.Contains(lab.PartnerAccountId), "once in the key owner's account and once in the caller's");
        Demonstrate.That(records[0].SharedEventId is not null && records[0].SharedEventId == records[1].SharedEventId, "both records carry the same sharedEventID");
        return $"one cross-account Decrypt → records in {lab.AccountId} and {lab.PartnerAccountId} with sharedEventID {records[0].SharedEventId}";
    }
}
