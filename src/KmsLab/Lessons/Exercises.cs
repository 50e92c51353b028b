using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Services;

namespace KmsLab.Lessons;

/// <summary>A record sealed by hand with envelope encryption: the encrypted data key and the AES-GCM parts.</summary>
/// <param name="EncryptedDataKey">The data key as KMS encrypted it (GenerateDataKey's CiphertextBlob).</param>
/// <param name="Nonce">The 12-byte AES-GCM nonce.</param>
/// <param name="Ciphertext">The encrypted data.</param>
/// <param name="Tag">The 16-byte AES-GCM tag.</param>
public sealed record SealedRecord(byte[] EncryptedDataKey, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>
/// The checks of the lessons' exercises. Each looks at what your code did — through KMS, a scratch
/// lab or the audit trail — and tells a right answer from a wrong one, with a hint.
/// </summary>
public static class Exercises
{
    /// <summary>Lesson 00: your first KMS call.</summary>
    public static class StartHere
    {
        private const string Name = "Exercise 00 — 32 random bytes from KMS";

        /// <summary>
        /// Passes for 32 bytes that KMS's GenerateRandom returned to one of <paramref name="lab"/>'s
        /// clients: bytes made any other way (a new byte[32], RandomNumberGenerator) are not KMS's.
        /// </summary>
        public static CheckResult CheckRandomBytes(Lab lab, byte[]? bytes)
        {
            ArgumentNullException.ThrowIfNull(lab);
            if (bytes is null) return CheckResult.NotYet(Name, "no bytes yet.", "Call kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 }) and read .Plaintext.ToArray().");
            if (bytes.Length != 32) return CheckResult.NotYet(Name, $"you have {bytes.Length} bytes.", "Ask for exactly 32: NumberOfBytes = 32.");
            if (bytes.All(b => b == 0)) return CheckResult.NotYet(Name, "all 32 bytes are zero: that is not random.", "Use the Plaintext that GenerateRandomAsync returns, not a new byte[32].");
            var fromKms = lab.Journal.Responses<GenerateRandomResponse>().Any(r => r.Plaintext is { } p && p.ToArray().AsSpan().SequenceEqual(bytes));
            if (!fromKms) return CheckResult.NotYet(Name, "these 32 bytes did not come from KMS: no GenerateRandom call of this lab returned them.", "Make the bytes with kms.GenerateRandomAsync — the exercise is your first KMS call.");
            return CheckResult.Pass(Name, "32 random bytes, straight from KMS (GenerateRandom needs no key).");
        }
    }

    /// <summary>Lesson 01: create and name a key.</summary>
    public static class FirstCmk
    {
        private const string Name = "Exercise 01 — a payroll key with an alias";

        /// <summary>Passes when <paramref name="aliasName"/> (<c>alias/payroll</c> on the simulator) names an enabled key whose description mentions payroll.</summary>
        /// <param name="kms">The learner's client.</param>
        /// <param name="aliasName">The alias to check: <c>lab.AliasName("payroll")</c>, which adds the student's suffix on a shared AWS account.</param>
        public static async Task<CheckResult> CheckPayrollKeyAsync(IAmazonKeyManagementService kms, string aliasName = "alias/payroll")
        {
            ArgumentNullException.ThrowIfNull(kms);
            ArgumentException.ThrowIfNullOrWhiteSpace(aliasName);
            KeyMetadata key;
            try
            {
                key = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = aliasName }).ConfigureAwait(false)).KeyMetadata;
            }
            catch (NotFoundException)
            {
                return CheckResult.NotYet(Name, $"there is no {aliasName} in this Region yet.",
                    $"Create a key, then kms.CreateAliasAsync(new CreateAliasRequest {{ AliasName = \"{aliasName}\", TargetKeyId = key.KeyId }}).");
            }
            if (key.KeyState != KeyState.Enabled) return CheckResult.NotYet(Name, $"{aliasName} points at a key in state {key.KeyState}.", "Point it at a new, enabled key.");
            if (key.Description?.Contains("payroll", StringComparison.OrdinalIgnoreCase) != true)
            {
                return CheckResult.NotYet(Name, $"the key's description is \"{key.Description}\".",
                    "Describe what the key is for: Description = \"payroll records\" in CreateKeyRequest (or UpdateKeyDescriptionAsync).");
            }
            return CheckResult.Pass(Name, $"{aliasName} → {key.KeyId} (\"{key.Description}\").");
        }
    }

    /// <summary>Lesson 02: a key policy with separate administrators and users.</summary>
    public static class AdminsAndUsers
    {
        private const string Name = "Exercise 02 — myKeyManager manages, myKeyUser uses";

        /// <summary>
        /// Tries <paramref name="policyJson"/> on a new key in <paramref name="lab"/> — the simulator or
        /// real AWS, with the lab's own principals — and schedules that key's deletion afterwards:
        /// myKeyManager must be able to describe, disable and enable the key but not encrypt;
        /// myKeyUser must be able to encrypt and decrypt but not schedule the key's deletion.
        /// </summary>
        public static async Task<CheckResult> CheckPolicyAsync(Lab lab, string? policyJson)
        {
            ArgumentNullException.ThrowIfNull(lab);
            if (string.IsNullOrWhiteSpace(policyJson)) return CheckResult.NotYet(Name, "no policy yet.", "Build it with KeyPolicies.Console(accountId, administrators: [...], users: [...]) or write the JSON yourself.");
            var admin = lab.CreateKmsClient();
            string keyId;
            try
            {
                keyId = (await admin.CreateKeyAsync(new CreateKeyRequest { Policy = policyJson, Description = "exercise 02 check (scheduled for deletion)" }).ConfigureAwait(false)).KeyMetadata.KeyId;
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return CheckResult.NotYet(Name, $"KMS refused the policy: {e.ErrorCode}: {e.Message}", "Keep the \"Enable IAM User Permissions\" statement for the account root, so the administrator can still manage the key.");
            }
            var failures = new List<string>();
            try
            {
                var manager = lab.CreateKmsClient(Lab.KeyManagerName);
                var user = lab.CreateKmsClient(Lab.KeyUserName);
                await Expect(failures, true, "myKeyManager DescribeKey", () => manager.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).ConfigureAwait(false);
                await Expect(failures, true, "myKeyManager DisableKey", () => manager.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId })).ConfigureAwait(false);
                await Expect(failures, true, "myKeyManager EnableKey", () => manager.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId })).ConfigureAwait(false);
                await admin.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId }).ConfigureAwait(false);
                await Expect(failures, false, "myKeyManager Encrypt", () => manager.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("x"u8.ToArray()) })).ConfigureAwait(false);
                EncryptResponse? encrypted = null;
                await Expect(failures, true, "myKeyUser Encrypt", async () => encrypted = await user.EncryptAsync(new EncryptRequest { KeyId = keyId, Plaintext = new MemoryStream("exercise"u8.ToArray()) }).ConfigureAwait(false)).ConfigureAwait(false);
                if (encrypted is not null)
                {
                    await Expect(failures, true, "myKeyUser Decrypt", () => user.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob })).ConfigureAwait(false);
                }
                await Expect(failures, false, "myKeyUser ScheduleKeyDeletion", () => user.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = KmsFacts.MinPendingWindowInDays })).ConfigureAwait(false);
            }
            finally
            {
                await CheckKeys.RetireAsync(admin, keyId).ConfigureAwait(false);
            }
            if (failures.Count == 0) return CheckResult.Pass(Name, "administrators manage, users use, and neither can do the other's job: least privilege.");
            return CheckResult.NotYet(Name, string.Join("; ", failures) + ".",
                "Administrators go in the administrators statement (management actions only), users in the users statement (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey). Check which ARN is in which list.");
        }

        internal static async Task Expect(List<string> failures, bool allowed, string what, Func<Task> call)
        {
            try
            {
                await call().ConfigureAwait(false);
                if (!allowed) failures.Add($"{what} was allowed but should be denied");
            }
            catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
            {
                if (allowed) failures.Add($"{what} was denied but should be allowed");
            }
        }
    }

    /// <summary>Lesson 03: encryption context.</summary>
    public static class EncryptDecrypt
    {
        private const string Name = "Exercise 03 — bind \"invoice 42\" to tenant acme";

        /// <summary>The plaintext the exercise asks for.</summary>
        public const string Plaintext = "invoice 42";

        /// <summary>Passes when the ciphertext decrypts to "invoice 42" with context tenant=acme, and not without it.</summary>
        public static Task<CheckResult> CheckContextAsync(IAmazonKeyManagementService kms, MemoryStream? ciphertext) =>
            CheckContextAsync(kms, ciphertext?.ToArray());

        /// <summary>Passes when the ciphertext decrypts to "invoice 42" with context tenant=acme, and not without it.</summary>
        public static async Task<CheckResult> CheckContextAsync(IAmazonKeyManagementService kms, byte[]? ciphertext)
        {
            ArgumentNullException.ThrowIfNull(kms);
            if (ciphertext is null || ciphertext.Length == 0) return CheckResult.NotYet(Name, "no ciphertext yet.", "Call kms.EncryptAsync with Plaintext, KeyId and EncryptionContext = new() { [\"tenant\"] = \"acme\" }, and pass its CiphertextBlob.");
            byte[]? withContext = await TryDecrypt(kms, ciphertext, new() { ["tenant"] = "acme" }).ConfigureAwait(false);
            byte[]? without = await TryDecrypt(kms, ciphertext, null).ConfigureAwait(false);
            if (withContext is null && without is not null) return CheckResult.NotYet(Name, "it decrypts without any encryption context.", "Add EncryptionContext = new() { [\"tenant\"] = \"acme\" } to the EncryptRequest.");
            if (withContext is null) return CheckResult.NotYet(Name, "it does not decrypt with {\"tenant\":\"acme\"}.", "Keys and values are case-sensitive: exactly \"tenant\" → \"acme\", no other pairs.");
            var text = Encoding.UTF8.GetString(withContext);
            if (text != Plaintext) return CheckResult.NotYet(Name, $"it decrypts to \"{text}\".", $"Encrypt the UTF-8 bytes of \"{Plaintext}\".");
            return CheckResult.Pass(Name, "it decrypts only with {\"tenant\":\"acme\"}: the context is bound to the ciphertext without being stored in it.");
        }

        private static async Task<byte[]?> TryDecrypt(IAmazonKeyManagementService kms, byte[] blob, Dictionary<string, string>? context)
        {
            try
            {
                var response = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context }).ConfigureAwait(false);
                return response.Plaintext.ToArray();
            }
            catch (AmazonKeyManagementServiceException)
            {
                return null;
            }
        }
    }

    /// <summary>Lesson 04: open an envelope by hand.</summary>
    public static class Envelope
    {
        private const string Name = "Exercise 04 — open a sealed record";

        /// <summary>
        /// Seals a fresh secret under <paramref name="keyId"/> (GenerateDataKey + AES-256-GCM), hands the
        /// <see cref="SealedRecord"/> to your <paramref name="open"/> function and passes if it returns the secret.
        /// </summary>
        public static async Task<CheckResult> CheckOpenAsync(IAmazonKeyManagementService kms, string keyId, Func<SealedRecord, Task<byte[]>>? open)
        {
            ArgumentNullException.ThrowIfNull(kms);
            if (open is null) return CheckResult.NotYet(Name, "no function yet.", "Write an async function: Decrypt the EncryptedDataKey with KMS, then AesGcm.Decrypt(Nonce, Ciphertext, Tag, plaintext).");
            var secret = RandomNumberGenerator.GetBytes(48);
            var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = keyId, KeySpec = DataKeySpec.AES_256 }).ConfigureAwait(false);
            var key = dataKey.Plaintext.ToArray();
            var nonce = RandomNumberGenerator.GetBytes(12);
            var ciphertext = new byte[secret.Length];
            var tag = new byte[16];
            using (var aes = new AesGcm(key, 16)) aes.Encrypt(nonce, secret, ciphertext, tag);
            CryptographicOperations.ZeroMemory(key);
            byte[] opened;
            try
            {
                opened = await open(new SealedRecord(dataKey.CiphertextBlob.ToArray(), nonce, ciphertext, tag)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CheckResult.NotYet(Name, $"your function threw {e.GetType().Name}: {e.Message}",
                    e is AuthenticationTagMismatchException ? "Use the plaintext data key from kms.DecryptAsync(...).Plaintext, and the record's own Nonce and Tag." : "Decrypt record.EncryptedDataKey with kms.DecryptAsync first; AES-GCM needs the 32-byte plaintext data key.");
            }
            if (opened is null || opened.Length == 0) return CheckResult.NotYet(Name, "your function returned no bytes yet.", "Decrypt record.EncryptedDataKey with kms.DecryptAsync, then AesGcm.Decrypt(record.Nonce, record.Ciphertext, record.Tag, plaintext) and return plaintext.");
            if (!opened.AsSpan().SequenceEqual(secret)) return CheckResult.NotYet(Name, "it returned something other than the sealed secret.", "Return the plaintext AesGcm.Decrypt wrote, not the ciphertext or the data key.");
            return CheckResult.Pass(Name, "one KMS call for the data key, then local AES-GCM: that is envelope encryption.");
        }
    }

    /// <summary>Lesson 05: move ciphertext to another key without seeing the plaintext.</summary>
    public static class Rotation
    {
        private const string Name = "Exercise 05 — re-encrypt to the new key";

        /// <summary>
        /// Passes when <paramref name="ciphertext"/> decrypts to <paramref name="expectedPlaintext"/>
        /// under <paramref name="newKeyId"/> and came from a ReEncrypt call of <paramref name="lab"/>'s
        /// clients: a Decrypt then an Encrypt reaches the same ciphertext with the plaintext outside KMS.
        /// </summary>
        public static async Task<CheckResult> CheckMigratedAsync(Lab lab, IAmazonKeyManagementService kms, MemoryStream? ciphertext, string newKeyId, string expectedPlaintext)
        {
            ArgumentNullException.ThrowIfNull(lab);
            ArgumentNullException.ThrowIfNull(kms);
            if (ciphertext is null || ciphertext.Length == 0) return CheckResult.NotYet(Name, "no ciphertext yet.", "Call kms.ReEncryptAsync with CiphertextBlob and DestinationKeyId, and pass the response's CiphertextBlob.");
            var bytes = ciphertext.ToArray();
            bool reEncrypted = lab.Journal.Responses<ReEncryptResponse>().Any(r => r.CiphertextBlob is { } b && b.ToArray().AsSpan().SequenceEqual(bytes));
            bool encrypted = lab.Journal.Responses<EncryptResponse>().Any(r => r.CiphertextBlob is { } b && b.ToArray().AsSpan().SequenceEqual(bytes));
            var newArn = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = newKeyId }).ConfigureAwait(false)).KeyMetadata.Arn;
            DecryptResponse decrypted;
            try
            {
                decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(ciphertext.ToArray()) }).ConfigureAwait(false);
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return CheckResult.NotYet(Name, $"it does not decrypt: {e.ErrorCode}.", "Pass the CiphertextBlob that ReEncryptAsync returned.");
            }
            if (decrypted.KeyId != newArn) return CheckResult.NotYet(Name, $"it is still under {Show.ShortKey(decrypted.KeyId)}.", "ReEncryptAsync's DestinationKeyId chooses the new key.");
            if (Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()) != expectedPlaintext) return CheckResult.NotYet(Name, "it decrypts to something else.", "Re-encrypt the original ciphertext, not a new one.");
            if (!reEncrypted && encrypted)
            {
                return CheckResult.NotYet(Name, "the right ciphertext, but it came from Encrypt: the plaintext was in your program between a Decrypt and an Encrypt.",
                    "One call does both inside KMS: kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = ..., DestinationKeyId = archiveKey.KeyId }).");
            }
            if (!reEncrypted) return CheckResult.NotYet(Name, "the right ciphertext, but no ReEncrypt call of this lab returned it.", "Make it with kms.ReEncryptAsync, so the plaintext never leaves KMS.");
            return CheckResult.Pass(Name, "the ciphertext moved to the new key, and the plaintext never left KMS.");
        }
    }

    /// <summary>Lesson 06: schedule a deletion with the shortest window.</summary>
    public static class Lifecycle
    {
        private const string Name = "Exercise 06 — the shortest deletion window";

        /// <summary>Passes when the key is pending deletion with a 7-day window.</summary>
        public static async Task<CheckResult> CheckShortestDeletionAsync(IAmazonKeyManagementService kms, string keyId)
        {
            ArgumentNullException.ThrowIfNull(kms);
            var key = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }).ConfigureAwait(false)).KeyMetadata;
            if (key.KeyState != KeyState.PendingDeletion) return CheckResult.NotYet(Name, $"the key is {key.KeyState}.", "Call kms.ScheduleKeyDeletionAsync with PendingWindowInDays.");
            if (key.PendingDeletionWindowInDays != 7) return CheckResult.NotYet(Name, $"the window is {key.PendingDeletionWindowInDays} days.", "Cancel, enable, and schedule again with the smallest window KMS allows (try 1 and read the error).");
            return CheckResult.Pass(Name, $"deletion in 7 days, on {key.DeletionDate:yyyy-MM-dd}. Still time to cancel.");
        }
    }

    /// <summary>Lesson 07: verify a KMS signature offline.</summary>
    public static class Asymmetric
    {
        private const string Name = "Exercise 07 — a signature anyone can verify";

        /// <summary>
        /// Verifies <paramref name="signature"/> over the UTF-8 <paramref name="message"/> with the DER
        /// public key (SubjectPublicKeyInfo) locally — ECDSA (DER signature, SHA-256/384/512 by curve) or
        /// RSA PKCS#1 v1.5 / PSS with SHA-256 — as anyone without AWS credentials could.
        /// </summary>
        public static CheckResult CheckSignature(byte[]? publicKeyDer, string message, byte[]? signature)
        {
            if (publicKeyDer is null || publicKeyDer.Length == 0) return CheckResult.NotYet(Name, "no public key yet.", "kms.GetPublicKeyAsync(...).PublicKey.ToArray()");
            if (signature is null || signature.Length == 0) return CheckResult.NotYet(Name, "no signature yet.", "kms.SignAsync with Message, MessageType RAW and SigningAlgorithm; then .Signature.ToArray().");
            var data = Encoding.UTF8.GetBytes(message);
            if (Verify(publicKeyDer, data, signature)) return CheckResult.Pass(Name, "the signature verifies offline with only the public key: no AWS call, no credentials.");
            return CheckResult.NotYet(Name, "the signature does not verify for this message and public key.", "Sign exactly the same message bytes (UTF-8), with MessageType RAW, using the key whose public key you exported.");
        }

        private static bool Verify(byte[] spki, byte[] data, byte[] signature)
        {
            try
            {
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                var hash = ecdsa.KeySize switch { 384 => HashAlgorithmName.SHA384, 521 => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
                return ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (CryptographicException)
            {
            }
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(spki, out _);
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                    || rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }

    /// <summary>Lesson 08: find who used a key from the audit trail.</summary>
    public static class Auditing
    {
        private const string Name = "Exercise 08 — who decrypted the payroll file?";

        /// <summary>Passes when <paramref name="answer"/> names (user name or ARN) the only non-administrator who decrypted successfully with the key.</summary>
        public static CheckResult CheckCulprit(Lab lab, string keyId, string? answer)
        {
            ArgumentNullException.ThrowIfNull(lab);
            if (!lab.IsSimulator) return SimulatorOnly.Skipped(Name, "find the Decrypt events on the key in CloudTrail's Event history (Resource name = the key's ARN) and read their userIdentity. " + SimulatorOnly.CloudTrail);
            if (string.IsNullOrWhiteSpace(answer) || answer == "?") return CheckResult.NotYet(Name, "no answer yet.", "lab.AuditTrail.Query(key: keyId, operation: \"Decrypt\"), keep the events that succeeded, and look at UserIdentity.");
            var culprits = lab.AuditTrail.Query(key: keyId, operation: "Decrypt")
                .Where(e => e.Succeeded && e.UserIdentity.Arn != lab.AdminArn)
                .Select(e => e.UserIdentity)
                .DistinctBy(u => u.Arn)
                .ToList();
            if (culprits.Count == 0) return CheckResult.NotYet(Name, "nobody but the administrator decrypted with that key.", "Pass the key the lesson's story is about.");
            var match = culprits.FirstOrDefault(u => string.Equals(u.UserName, answer.Trim(), StringComparison.OrdinalIgnoreCase) || u.Arn == answer.Trim());
            if (match is null)
            {
                var denied = lab.AuditTrail.Query(key: keyId, operation: "Decrypt", errorCode: "*").Any(e => string.Equals(e.UserIdentity.UserName, answer.Trim(), StringComparison.OrdinalIgnoreCase));
                return CheckResult.NotYet(Name, $"{answer} is not the one.", denied ? $"{answer} tried, but the call was denied: look only at events that succeeded (ErrorCode is null)." : "Filter the trail by key and by operation Decrypt, and keep the successful events.");
            }
            return CheckResult.Pass(Name, $"{match.UserName ?? match.Arn} decrypted with the key — the trail says who, when, and with which encryption context.");
        }
    }

    /// <summary>Lesson 10: a key that can be used only through S3.</summary>
    public static class Services
    {
        private const string Name = "Exercise 10 — myKeyUser may use the key only through S3";

        /// <summary>
        /// Tries <paramref name="policyJson"/> on a new key in <paramref name="lab"/> (scheduled for
        /// deletion afterwards): myKeyUser calling Encrypt directly must be denied, and myKeyUser must be
        /// able to put and get an object in a bucket encrypted with the key. A lesson creates no S3
        /// bucket on real AWS, so there the bucket is simulated, with the same policy for the same
        /// people in the same Region; KMS's refusal of the direct call is real.
        /// </summary>
        public static async Task<CheckResult> CheckViaServicePolicyAsync(Lab lab, string? policyJson)
        {
            ArgumentNullException.ThrowIfNull(lab);
            if (string.IsNullOrWhiteSpace(policyJson)) return CheckResult.NotYet(Name, "no policy yet.", "Start from KeyPolicies.Console(...) and add a Condition to the users statement.");
            var admin = lab.CreateKmsClient();
            string keyArn;
            try
            {
                keyArn = (await admin.CreateKeyAsync(new CreateKeyRequest { Policy = policyJson, Description = "exercise 10 check (scheduled for deletion)" }).ConfigureAwait(false)).KeyMetadata.Arn;
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return CheckResult.NotYet(Name, $"KMS refused the policy: {e.ErrorCode}: {e.Message}", "Keep the account root statement; put the condition in a statement for myKeyUser.");
            }
            try
            {
                var viaService = $"s3.{lab.DefaultRegion.SystemName}.amazonaws.com";
                using var simulatedBucketLab = lab.IsSimulator ? null : Lab.Simulator(new LabOptions { DefaultRegion = lab.DefaultRegion });
                var s3Lab = simulatedBucketLab ?? lab;
                var s3KeyArn = lab.IsSimulator ? keyArn
                    : (await s3Lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest { Policy = SamePeopleIn(s3Lab, lab, policyJson) }).ConfigureAwait(false)).KeyMetadata.Arn;
                var bucket = s3Lab.CreateS3Bucket("exercise-10-" + s3KeyArn[(s3KeyArn.LastIndexOf('/') + 1)..][..8], new S3BucketEncryption(s3KeyArn));
                try
                {
                    await bucket.PutObjectAsync("report.txt", "quarterly numbers"u8.ToArray(), Lab.KeyUserName).ConfigureAwait(false);
                    await bucket.GetObjectAsync("report.txt", Lab.KeyUserName).ConfigureAwait(false);
                }
                catch (S3Exception e)
                {
                    return CheckResult.NotYet(Name, $"through S3, myKeyUser was refused: {e.ErrorCode}.", $"myKeyUser needs kms:GenerateDataKey and kms:Decrypt when kms:ViaService is \"{viaService}\".");
                }
                try
                {
                    await lab.CreateKmsClient(Lab.KeyUserName).EncryptAsync(new EncryptRequest { KeyId = keyArn, Plaintext = new MemoryStream("direct"u8.ToArray()) }).ConfigureAwait(false);
                    return CheckResult.NotYet(Name, "myKeyUser can also call Encrypt directly.", $"Add \"Condition\": {{ \"StringEquals\": {{ \"kms:ViaService\": \"{viaService}\" }} }} to the statement that lets myKeyUser use the key.");
                }
                catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
                {
                    return CheckResult.Pass(Name, "S3 can use the key for myKeyUser; myKeyUser alone cannot. That is kms:ViaService." +
                        (lab.IsSimulator ? "" : " (KMS's refusal was real; the bucket was simulated.)"));
                }
            }
            finally
            {
                await CheckKeys.RetireAsync(admin, keyArn).ConfigureAwait(false);
            }
        }

        // The learner's policy names the learner's account and people; the simulated bucket's lab has its own.
        private static string SamePeopleIn(Lab simulated, Lab learner, string policyJson)
        {
            var policy = policyJson;
            foreach (var name in new[] { Lab.KeyUserName, Lab.KeyManagerName })
            {
                policy = policy.Replace(learner.PrincipalArn(name), simulated.PrincipalArn(name), StringComparison.Ordinal);
            }
            return policy.Replace(learner.AdminArn, simulated.AdminArn, StringComparison.Ordinal)
                .Replace(learner.AccountId, simulated.AccountId, StringComparison.Ordinal);
        }
    }
    /// <summary>Lesson 11: a cross-account grant, used by the partner account to keep its own copy.</summary>
    public static class CrossAccount
    {
        private const string Name = "Exercise 11 — the partner keeps its own copy, through a grant";

        /// <summary>
        /// Passes when <paramref name="grantToken"/> belongs to a grant this lab's owner created on
        /// <paramref name="reportKeyId"/> for the partner's administrator, allowing only ReEncryptFrom for
        /// project=apollo, and <paramref name="partnerCopy"/> came from the partner's own ReEncrypt call
        /// (with that token) into a key of the partner account that only the partner can use. On real AWS
        /// it needs a partnerAdmin profile in a second account (<see cref="Lab.HasPartnerAccount"/>).
        /// </summary>
        public static async Task<CheckResult> CheckPartnerCopyAsync(Lab lab, string reportKeyId, string? grantToken, byte[]? partnerCopy)
        {
            ArgumentNullException.ThrowIfNull(lab);
            ArgumentException.ThrowIfNullOrWhiteSpace(reportKeyId);
            if (!lab.HasPartnerAccount) return SimulatorOnly.Skipped(Name, SimulatorOnly.SecondAccount);
            if (string.IsNullOrWhiteSpace(grantToken))
            {
                return CheckResult.NotYet(Name, "no grant token yet.",
                    "Step 1, as the owner: kms.CreateGrantAsync(new CreateGrantRequest { KeyId = reportKey.KeyId, GranteePrincipal = lab.PrincipalArn(\"partnerAdmin\"), Operations = [...], Constraints = ... }) returns GrantToken.");
            }
            var owner = lab.CreateKmsClient();
            var partner = lab.CreateKmsClient(Lab.PartnerAdministratorName);
            var partnerArn = lab.PrincipalArn(Lab.PartnerAdministratorName);
            var keyArn = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = reportKeyId }).ConfigureAwait(false)).KeyMetadata.Arn;
            if (lab.Journal.Calls.Any(c => c.Request is PutKeyPolicyRequest put && (put.KeyId == reportKeyId || put.KeyId == keyArn)))
            {
                return CheckResult.NotYet(Name, "reportKey's policy was changed.", "Leave it alone: the grant is the partner's whole permission, with no policy statement naming the partner.");
            }

            // Step 1: the owner's grant.
            var created = lab.Journal.Responses<CreateGrantResponse>().FirstOrDefault(r => r.GrantToken == grantToken);
            if (created is null) return CheckResult.NotYet(Name, "no CreateGrant call of this lab returned that token.", "Pass the GrantToken of your CreateGrantAsync response.");
            var grant = (await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = reportKeyId, GrantId = created.GrantId }).ConfigureAwait(false)).Grants?.SingleOrDefault();
            if (grant is null) return CheckResult.NotYet(Name, "that grant is not on reportKey (or was retired or revoked).", "Create the grant with KeyId = reportKey.KeyId, and keep it.");
            if (grant.GranteePrincipal != partnerArn)
            {
                return CheckResult.NotYet(Name, $"the grantee is {grant.GranteePrincipal}.", "GranteePrincipal = lab.PrincipalArn(\"partnerAdmin\"): the partner's administrator, in the other account.");
            }
            var operations = (grant.Operations ?? []).Select(o => o.ToString()).Order(StringComparer.Ordinal).ToList();
            if (!operations.SequenceEqual(["ReEncryptFrom"]))
            {
                return CheckResult.NotYet(Name, $"the grant allows {string.Join(", ", operations)}.", operations.Contains("Decrypt", StringComparer.Ordinal)
                    ? "The partner never needs to read the report on your key: ReEncryptFrom alone moves it under the partner's key, inside KMS."
                    : "Least privilege: Operations = [GrantOperation.ReEncryptFrom] and nothing more.");
            }
            if ((grant.Constraints?.EncryptionContextSubset ?? grant.Constraints?.EncryptionContextEquals) is not { Count: > 0 })
            {
                return CheckResult.NotYet(Name, "the grant has no encryption-context constraint: it opens every project's reports.", "Constraints = new GrantConstraints { EncryptionContextSubset = new() { [\"project\"] = \"apollo\" } }.");
            }

            // Step 2: the partner's ReEncrypt, found by what it returned.
            if (partnerCopy is null || partnerCopy.Length == 0)
            {
                return CheckResult.NotYet(Name, "no copy yet.",
                    "Step 2, as the partner: a key of its own (partnerKms.CreateKeyAsync), then partnerKms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = ..., SourceKeyId = reportKey.Arn, SourceEncryptionContext = apollo, DestinationKeyId = ..., GrantTokens = [...] }).");
            }
            var reEncrypt = lab.Journal.Calls.FirstOrDefault(c => c.Response is ReEncryptResponse r && r.CiphertextBlob is { } b && b.ToArray().AsSpan().SequenceEqual(partnerCopy));
            if (reEncrypt is null)
            {
                bool encrypted = lab.Journal.Responses<EncryptResponse>().Any(r => r.CiphertextBlob is { } b && b.ToArray().AsSpan().SequenceEqual(partnerCopy));
                return encrypted
                    ? CheckResult.NotYet(Name, "the copy was made with Encrypt: the report's plaintext left KMS on its way to the partner.", "One call moves it inside KMS: partnerKms.ReEncryptAsync, with the grant's token.")
                    : CheckResult.NotYet(Name, "no ReEncrypt call of this lab returned that ciphertext.", "Pass the CiphertextBlob of the partner's ReEncryptAsync response.");
            }
            if (reEncrypt.Principal != Lab.PartnerAdministratorName)
            {
                return CheckResult.NotYet(Name, $"{reEncrypt.Principal} made the copy, not the partner.", "Step 2 is the partner's: partnerKms = lab.CreateKmsClient(\"partnerAdmin\").");
            }
            var request = (ReEncryptRequest)reEncrypt.Request;
            if (request.GrantTokens is not { } tokens || !tokens.Contains(grantToken))
            {
                return CheckResult.NotYet(Name, "the partner's ReEncrypt carried no token of the grant.", "On AWS a new grant takes a moment to reach every KMS host; GrantTokens = [apolloGrantToken] makes it usable at once.");
            }

            // And it behaves so: the copy is the report, under the partner's key, and only the partner reads it.
            DecryptResponse copy;
            try
            {
                copy = await partner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(partnerCopy), EncryptionContext = request.DestinationEncryptionContext }).ConfigureAwait(false);
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return CheckResult.NotYet(Name, $"the partner cannot decrypt its own copy: {e.ErrorCode}.", "DestinationKeyId must be a key the partner created (partnerKms.CreateKeyAsync), with its default key policy.");
            }
            if (KmsLab.Envelope.Internal.KmsArn.TryParse(copy.KeyId)?.Account != lab.PartnerAccountId)
            {
                return CheckResult.NotYet(Name, $"the copy is under {Show.ShortKey(copy.KeyId)}, a key of the owner's account.", "DestinationKeyId must be a key of the partner's own: create one with partnerKms.CreateKeyAsync.");
            }
            var report = await owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(request.CiphertextBlob.ToArray()), EncryptionContext = request.SourceEncryptionContext }).ConfigureAwait(false);
            if (report.KeyId != keyArn || !copy.Plaintext.ToArray().AsSpan().SequenceEqual(report.Plaintext.ToArray()))
            {
                return CheckResult.NotYet(Name, "the partner re-encrypted something other than a report under reportKey.", "CiphertextBlob = new MemoryStream(q4Apollo): the owner's apollo report.");
            }
            var failures = new List<string>();
            await AdminsAndUsers.Expect(failures, false, "the owner decrypting the partner's copy", () => owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(partnerCopy), EncryptionContext = request.DestinationEncryptionContext })).ConfigureAwait(false);
            if (failures.Count > 0) return CheckResult.NotYet(Name, string.Join("; ", failures) + ".", "Give the partner's key its default key policy, which trusts the partner account alone.");
            var zeus = (await owner.EncryptAsync(new EncryptRequest { KeyId = reportKeyId, Plaintext = new MemoryStream("zeus: Q4 figures"u8.ToArray()), EncryptionContext = new() { ["project"] = "zeus" } }).ConfigureAwait(false)).CiphertextBlob;
            await AdminsAndUsers.Expect(failures, false, "the partner moving zeus's report with the grant", () => partner.ReEncryptAsync(new ReEncryptRequest
            {
                CiphertextBlob = zeus, SourceKeyId = keyArn, SourceEncryptionContext = new() { ["project"] = "zeus" }, DestinationKeyId = copy.KeyId, GrantTokens = [grantToken],
            })).ConfigureAwait(false);
            if (failures.Count > 0)
            {
                var others = ((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = reportKeyId }).ConfigureAwait(false)).Grants ?? []).Count(g => g.GrantId != grant.GrantId && g.GranteePrincipal == partnerArn);
                return CheckResult.NotYet(Name, string.Join("; ", failures) + ".", others > 0
                    ? $"{others} other grant(s) on reportKey also let the partner in, and grants add up: revoke the ones you do not need (ListGrants, RevokeGrant)."
                    : "The constraint's pairs must be exactly project = apollo.");
            }
            return CheckResult.Pass(Name, "the partner holds apollo's report under its own key: moved inside KMS with your grant's token, readable by the partner alone, and zeus's reports stay closed to it.");
        }
    }

    /// <summary>Lesson 12: recover in another Region.</summary>
    public static class MultiRegion
    {
        private const string Name = "Exercise 12 — us-east-1 is down: decrypt in ap-southeast-2";

        /// <summary>The Region the exercise recovers in.</summary>
        public static readonly Amazon.RegionEndpoint RecoveryRegion = Amazon.RegionEndpoint.APSoutheast2;

        /// <summary>
        /// Passes when <paramref name="recovered"/> is <paramref name="expectedPlaintext"/> and a
        /// Decrypt by the replica of <paramref name="keyId"/> in <see cref="RecoveryRegion"/> returned it:
        /// decrypting in us-east-1 would not have worked in the disaster.
        /// </summary>
        public static async Task<CheckResult> CheckRecoveredAsync(Lab lab, string keyId, string? recovered, string expectedPlaintext)
        {
            ArgumentNullException.ThrowIfNull(lab);
            ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
            var region = RecoveryRegion.SystemName;
            if (recovered is null) return CheckResult.NotYet(Name, "nothing recovered yet.", $"kms.ReplicateKeyAsync(new ReplicateKeyRequest {{ KeyId = drKey.KeyId, ReplicaRegion = \"{region}\" }}), wait until it is Enabled, then decrypt with a client for {region}.");
            KeyMetadata replica;
            try
            {
                replica = (await lab.CreateKmsClient(RecoveryRegion).DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }).ConfigureAwait(false)).KeyMetadata;
            }
            catch (NotFoundException)
            {
                return CheckResult.NotYet(Name, $"there is no replica of the key in {region}.", $"ReplicateKeyAsync with ReplicaRegion = \"{region}\", from a client of the primary's Region.");
            }
            if (replica.MultiRegionConfiguration?.MultiRegionKeyType != MultiRegionKeyType.REPLICA) return CheckResult.NotYet(Name, $"the key in {region} is not a replica.", "Replicate drKey itself: a new key in the Region has other key material.");
            if (recovered != expectedPlaintext) return CheckResult.NotYet(Name, $"\"{recovered}\" is not the order.", "Decrypt orderBlob and read the Plaintext as UTF-8.");
            var decrypts = lab.Journal.Responses<DecryptResponse>().Where(r => r.Plaintext is { } p && Encoding.UTF8.GetString(p.ToArray()) == expectedPlaintext).ToList();
            if (!decrypts.Any(r => r.KeyId == replica.Arn))
            {
                return CheckResult.NotYet(Name, "the right order, but not decrypted by the replica: in the disaster, us-east-1 answers nothing.",
                    $"Use a client for the recovery Region: lab.CreateKmsClient(RegionEndpoint.APSoutheast2), and wait for the replica to be Enabled (lab.WaitForKeyStateAsync).");
            }
            return CheckResult.Pass(Name, $"the replica in {region} decrypted a ciphertext made in us-east-1: same key ID, same key material, another Region.");
        }
    }

    /// <summary>Lesson 13: a signature that a quantum computer cannot forge.</summary>
    public static class PostQuantum
    {
        private const string Name = "Exercise 13 — a post-quantum signature on the manifest";

        /// <summary>
        /// Passes when <paramref name="signature"/> came from a Sign call of <paramref name="lab"/>'s
        /// clients with ML-DSA and verifies offline, with only <paramref name="keyId"/>'s public key,
        /// over <paramref name="manifest"/>.
        /// </summary>
        public static async Task<CheckResult> CheckManifestSignatureAsync(Lab lab, string keyId, byte[] manifest, byte[]? signature)
        {
            ArgumentNullException.ThrowIfNull(lab);
            ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
            ArgumentNullException.ThrowIfNull(manifest);
            if (signature is null || signature.Length == 0) return CheckResult.NotYet(Name, "no signature yet.", "kms.SignAsync(new SignRequest { KeyId = ..., Message = ..., SigningAlgorithm = ... }) and take .Signature.ToArray().");
            var signed = lab.Journal.Responses<SignResponse>().FirstOrDefault(r => r.Signature is { } sig && sig.ToArray().AsSpan().SequenceEqual(signature));
            if (signed is null) return CheckResult.NotYet(Name, "no Sign call of this lab returned these bytes.", "Pass the Signature of the SignAsync response.");
            if (signed.SigningAlgorithm != SigningAlgorithmSpec.ML_DSA_SHAKE_256)
            {
                return CheckResult.NotYet(Name, $"that is a {signed.SigningAlgorithm} signature: a large enough quantum computer could forge it.",
                    "Sign with the ML-DSA key (KeyId = pqKey.KeyId) and SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256.");
            }
            var publicKey = (await lab.CreateKmsClient().GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId }).ConfigureAwait(false)).PublicKey.ToArray();
            bool valid;
            try
            {
                valid = KeyTools.PostQuantumSignatures.VerifyMLDsa(publicKey, manifest, signature);
            }
            catch (ArgumentException)
            {
                return CheckResult.NotYet(Name, "the key to check against is not an ML-DSA key.", "Pass pqKey.KeyId to the check.");
            }
            if (!valid) return CheckResult.NotYet(Name, "it does not verify over the manifest with pqKey's public key.", "Sign the manifest bytes themselves (MessageType RAW, the default) with pqKey, not another message or key.");
            return CheckResult.Pass(Name, $"an ML-DSA signature ({signature.Length} bytes) that anyone with the public key can verify offline — and no known quantum algorithm forges.");
        }
    }

    /// <summary>Lesson 09: the numbers that matter.</summary>
    public static class ExamPrep
    {
        private const string Name = "Exercise 09 — the numbers that matter";

        /// <summary>Passes when every number is KMS's; otherwise names the ones that are not (0 counts as not answered).</summary>
        public static CheckResult CheckNumbers(int maxEncryptBytes, int minDeletionWindowDays, int maxDeletionWindowDays,
            int minRotationPeriodDays, int maxRotationPeriodDays, int onDemandRotationsPerKey)
        {
            var answers = new (string What, int Given, int Right)[]
            {
                ("largest Encrypt plaintext (bytes)", maxEncryptBytes, KmsFacts.MaxEncryptPlaintextBytes),
                ("shortest deletion window (days)", minDeletionWindowDays, KmsFacts.MinPendingWindowInDays),
                ("longest deletion window (days)", maxDeletionWindowDays, KmsFacts.MaxPendingWindowInDays),
                ("shortest rotation period (days)", minRotationPeriodDays, KmsFacts.MinRotationPeriodInDays),
                ("longest rotation period (days)", maxRotationPeriodDays, KmsFacts.MaxRotationPeriodInDays),
                ("on-demand rotations per key", onDemandRotationsPerKey, KmsFacts.MaxOnDemandRotationsPerKey),
            };
            if (answers.All(a => a.Given == 0)) return CheckResult.NotYet(Name, "no numbers yet.", "Fill in each argument from memory, then check the sheet above.");
            var wrong = answers.Where(a => a.Given != a.Right).ToList();
            if (wrong.Count == 0) return CheckResult.Pass(Name, $"all six right: {KmsFacts.MaxEncryptPlaintextBytes} bytes, {KmsFacts.MinPendingWindowInDays}–{KmsFacts.MaxPendingWindowInDays} days, {KmsFacts.MinRotationPeriodInDays}–{KmsFacts.MaxRotationPeriodInDays} days, {KmsFacts.MaxOnDemandRotationsPerKey} rotations.");
            return CheckResult.NotYet(Name, $"{answers.Length - wrong.Count} of {answers.Length} right; not yet: {string.Join("; ", wrong.Select(w => $"{w.What}: {w.Given} {Direction(w, answers)}"))}.",
                "Each of these is in a ValidationException or LimitExceededException message you met in lessons 03, 05 and 06 — or on the sheet above.");
        }

        // A near miss says which way to go, and a number that belongs to another row or unit says so.
        private static string Direction((string What, int Given, int Right) answer, (string What, int Given, int Right)[] all)
        {
            var (what, given, right) = answer;
            if (given == 0) return "is not answered";
            if (what.EndsWith("(bytes)", StringComparison.Ordinal) && given * 1024 == right) return "is in KB; the answer is in bytes";
            if (all.FirstOrDefault(o => o.What != what && o.Right == given) is { What: { } other }) return $"is the {other.Split(" (")[0]}";
            string way = given < right ? "higher" : "lower";
            return Math.Abs(given - right) * 10 <= right ? $"is close; a little {way}" : $"is too {(given < right ? "low" : "high")}; go {way}";
        }
    }

    /// <summary>Lesson 14: where should the key material live?</summary>
    public static class CustomKeyStores
    {
        private const string Name = "Exercise 14 — where should the key material live?";

        /// <summary>The four requirements of the exercise, numbered as the notebook numbers them.</summary>
        public static IReadOnlyDictionary<int, string> Requirements { get; } = new Dictionary<int, string>
        {
            [1] = "A regulator requires the key material to be generated in, and never leave, single-tenant HSMs inside AWS that the company controls; the data stays in S3 and EBS.",
            [2] = "The key material must never be kept in AWS, and the company must be able to cut AWS off from its data at any moment, from its own data center.",
            [3] = "The company generates the key material in its on-premises HSM and must be able to make it expire after 90 days; it wants no infrastructure of its own for KMS.",
            [4] = "The keys must rotate automatically every year, at the lowest cost and operational overhead.",
        };

        private static readonly IReadOnlyDictionary<int, KeyMaterialHome> Answers = new Dictionary<int, KeyMaterialHome>
        {
            [1] = KeyMaterialHome.CloudHsmKeyStore,
            [2] = KeyMaterialHome.ExternalKeyStore,
            [3] = KeyMaterialHome.ImportedIntoKms,
            [4] = KeyMaterialHome.KmsHsms,
        };

        // Why a wrong choice is wrong for that requirement: the near miss an exam counts on.
        private static readonly IReadOnlyDictionary<(int, KeyMaterialHome), string> Misses = new Dictionary<(int, KeyMaterialHome), string>
        {
            [(1, KeyMaterialHome.KmsHsms)] = "KMS's own HSMs are validated too, but they are shared and AWS controls them, not the company",
            [(1, KeyMaterialHome.ImportedIntoKms)] = "imported material leaves your HSM: KMS keeps a copy in its own HSMs",
            [(1, KeyMaterialHome.ExternalKeyStore)] = "an external key store's key lives outside AWS; single-tenant HSMs of your own inside AWS are a CloudHSM cluster",
            [(2, KeyMaterialHome.KmsHsms)] = "a standard key's material is in KMS, in AWS",
            [(2, KeyMaterialHome.ImportedIntoKms)] = "imported material is kept by KMS, in AWS, until it expires or you delete it",
            [(2, KeyMaterialHome.CloudHsmKeyStore)] = "a CloudHSM cluster runs in AWS",
            [(3, KeyMaterialHome.KmsHsms)] = "KMS generates a standard key's material; you cannot make it or set its expiry",
            [(3, KeyMaterialHome.CloudHsmKeyStore)] = "a CloudHSM cluster is infrastructure of your own, and KMS generates the key in it",
            [(3, KeyMaterialHome.ExternalKeyStore)] = "an external key store needs a proxy and a key manager that you run",
            [(4, KeyMaterialHome.ImportedIntoKms)] = "KMS does not rotate imported material automatically",
            [(4, KeyMaterialHome.CloudHsmKeyStore)] = "keys in custom key stores do not rotate automatically, and the cluster's HSMs are billed by the hour",
            [(4, KeyMaterialHome.ExternalKeyStore)] = "keys in custom key stores do not rotate automatically, and you run the proxy and key manager",
        };

        private static readonly ChoiceExercise<KeyMaterialHome> Exercise = new()
        {
            Name = Name,
            Item = "requirement",
            Answers = Answers,
            Misses = Misses,
            StartHint = "Give each requirement 1–4 a KeyMaterialHome: KmsHsms, ImportedIntoKms, CloudHsmKeyStore or ExternalKeyStore.",
            WrongHint = "Ask of each requirement: who must hold the key (AWS, you in AWS, you outside AWS), who makes the material, and what must happen automatically.",
            PassMessage = "all four: HSMs of your own in AWS is a CloudHSM key store, a key outside AWS is an external key store, your own material with an expiry is imported material, and automatic rotation at the lowest cost is a standard KMS key.",
        };

        /// <summary>Passes when every requirement (1–4) is given the right home; otherwise says, for each wrong one, why it misses.</summary>
        public static CheckResult CheckChoices(IReadOnlyDictionary<int, KeyMaterialHome>? choices) => Exercise.Check(choices);
    }


    /// <summary>Lesson 16: which kind of key for which job.</summary>
    public static class WhichKey
    {
        private const string Name = "Exercise 16 — which key for which job?";

        /// <summary>The five jobs of the exercise, numbered as the notebook numbers them.</summary>
        public static IReadOnlyDictionary<int, string> Requirements { get; } = new Dictionary<int, string>
        {
            [1] = "A DynamoDB table of public product descriptions: encrypted at rest, with no KMS charges; nobody needs to see, manage or audit the key.",
            [2] = "A team's Secrets Manager secrets: no key to create or look after, but every use of the key must show in the account's CloudTrail.",
            [3] = "An S3 bucket with SSE-KMS whose objects a partner's AWS account must read.",
            [4] = "A DynamoDB table of customer records that must become unreadable within minutes if the contract ends, by disabling the key.",
            [5] = "EBS volumes of a test environment: encrypted, the key rotated every year without anyone doing it, no key policy to write.",
        };

        private static readonly IReadOnlyDictionary<int, KmsKeyKind> Answers = new Dictionary<int, KmsKeyKind>
        {
            [1] = KmsKeyKind.AwsOwnedKey,
            [2] = KmsKeyKind.AwsManagedKey,
            [3] = KmsKeyKind.CustomerManagedKey,
            [4] = KmsKeyKind.CustomerManagedKey,
            [5] = KmsKeyKind.AwsManagedKey,
        };

        // Why a wrong choice is wrong for that job: the near miss an exam counts on.
        private static readonly IReadOnlyDictionary<(int, KmsKeyKind), string> Misses = new Dictionary<(int, KmsKeyKind), string>
        {
            [(1, KmsKeyKind.AwsManagedKey)] = "aws/dynamodb works, but its requests are charged and nobody asked to see them",
            [(1, KmsKeyKind.CustomerManagedKey)] = "a key of your own costs a monthly fee and its requests, for data nobody needs to control",
            [(2, KmsKeyKind.AwsOwnedKey)] = "Secrets Manager offers no AWS owned key, and an AWS owned key's use never shows in your CloudTrail",
            [(2, KmsKeyKind.CustomerManagedKey)] = "it would work, but it is a key to create and look after, which the team does not want",
            [(3, KmsKeyKind.AwsOwnedKey)] = "SSE-KMS uses a KMS key in your account: aws/s3 or a key of yours",
            [(3, KmsKeyKind.AwsManagedKey)] = "aws/s3's policy is the service's: you cannot let another account use it",
            [(4, KmsKeyKind.AwsOwnedKey)] = "you cannot disable a key you do not own",
            [(4, KmsKeyKind.AwsManagedKey)] = "nobody can disable aws/dynamodb: its policy allows no management",
            [(5, KmsKeyKind.AwsOwnedKey)] = "EBS encryption uses a KMS key in your account: aws/ebs or a key of yours",
            [(5, KmsKeyKind.CustomerManagedKey)] = "a key of your own needs its policy written and its rotation turned on",
        };

        private static readonly ChoiceExercise<KmsKeyKind> Exercise = new()
        {
            Name = Name,
            Item = "job",
            Answers = Answers,
            Misses = Misses,
            StartHint = "Give each job 1–5 a KmsKeyKind: AwsOwnedKey, AwsManagedKey or CustomerManagedKey.",
            WrongHint = "Ask of each job: must anyone see the key's use, manage it (policy, other accounts, disabling), or pay for it?",
            PassMessage = "all five: free and invisible is an AWS owned key; visible but hands-off is the AWS managed key; another account or the power to switch data off needs a customer managed key.",
        };

        /// <summary>Passes when every job (1–5) is given the right kind of key; otherwise says, for each wrong one, why it misses.</summary>
        public static CheckResult CheckChoices(IReadOnlyDictionary<int, KmsKeyKind>? choices) => Exercise.Check(choices);
    }

    /// <summary>Lesson 15: pass your own review.</summary>
    public static class OperatingSafely
    {
        private const string Name = "Exercise 15 — pass your own key review";

        /// <summary>
        /// Passes when the lab's keys pass every rule of <see cref="KeyReview"/>, the legacy key is
        /// still there (not scheduled for deletion: that would hide its findings, not fix them) and
        /// myKeyUser can still encrypt with it.
        /// </summary>
        public static async Task<CheckResult> CheckReviewAsync(Lab lab, IAmazonKeyManagementService kms, string legacyKeyId)
        {
            ArgumentNullException.ThrowIfNull(lab);
            ArgumentNullException.ThrowIfNull(kms);
            ArgumentException.ThrowIfNullOrWhiteSpace(legacyKeyId);
            var legacy = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = legacyKeyId }).ConfigureAwait(false)).KeyMetadata;
            if (legacy.KeyState == KeyState.PendingDeletion)
            {
                return CheckResult.NotYet(Name, "the legacy key is scheduled for deletion: that hides its findings, and the data under it would be lost.",
                    "Cancel the deletion (CancelKeyDeletion, then EnableKey) and fix the key instead.");
            }
            var review = await KeyReview.OfLabAsync(lab, kms).ConfigureAwait(false);
            var failed = review.Findings.Where(f => !f.Passed).ToList();
            if (failed.Count > 0)
            {
                return CheckResult.NotYet(Name, $"{review.Passed} of {review.Findings.Count} passed; not yet: {string.Join("; ", failed.Select(f => $"{f.Key}: {f.Rule}"))}.",
                    failed[0].Advice[..1].ToUpperInvariant() + failed[0].Advice[1..] + ".");
            }
            try
            {
                await lab.CreateKmsClient(Lab.KeyUserName).EncryptAsync(new EncryptRequest { KeyId = legacyKeyId, Plaintext = new MemoryStream("still works"u8.ToArray()) }).ConfigureAwait(false);
            }
            catch (AmazonKeyManagementServiceException e)
            {
                return CheckResult.NotYet(Name, $"every rule passes, but myKeyUser can no longer encrypt with the legacy key ({e.ErrorCode}).",
                    "Least privilege is not no privilege: keep the key user's actions (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*...) in the new policy.");
            }
            return CheckResult.Pass(Name, $"all {review.Findings.Count} checks pass, and myKeyUser still encrypts: rotation on, no open or all-powerful statements, every key named.");
        }
    }
}
