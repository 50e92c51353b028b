using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

/// <summary>Each exercise's check, with a right answer and wrong ones: the verdict and the hint must tell them apart.</summary>
public sealed class ExerciseCheckTests
{
    private readonly TestLab _t = new();

    private static void NotYet(CheckResult result, string hintContains)
    {
        Assert.False(result.Passed, result.ToPlainText());
        Assert.NotNull(result.Hint);
        Assert.Contains(hintContains, result.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not yet", result.ToPlainText(), StringComparison.Ordinal);
        Assert.Contains("Hint", result.ToHtml(), StringComparison.Ordinal);
    }

    private static void Passes(CheckResult result)
    {
        Assert.True(result.Passed, result.ToPlainText());
        Assert.Null(result.Hint);
        Assert.Contains("Well done", result.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lesson00RandomBytes()
    {
        Passes(Exercises.StartHere.CheckRandomBytes(_t.Lab, (await _t.Kms.GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 })).Plaintext.ToArray()));
        NotYet(Exercises.StartHere.CheckRandomBytes(_t.Lab, null), "GenerateRandomAsync");
        NotYet(Exercises.StartHere.CheckRandomBytes(_t.Lab, new byte[16]), "32");
        NotYet(Exercises.StartHere.CheckRandomBytes(_t.Lab, new byte[32]), "Plaintext");
        // 32 random bytes made locally look right but are not KMS's.
        NotYet(Exercises.StartHere.CheckRandomBytes(_t.Lab, RandomNumberGenerator.GetBytes(32)), "GenerateRandomAsync");
        // KMS's bytes from another lab's client are not this lab's call either.
        var elsewhere = Lab.Simulator();
        var foreign = (await elsewhere.CreateKmsClient().GenerateRandomAsync(new GenerateRandomRequest { NumberOfBytes = 32 })).Plaintext.ToArray();
        NotYet(Exercises.StartHere.CheckRandomBytes(_t.Lab, foreign), "GenerateRandomAsync");
        Passes(Exercises.StartHere.CheckRandomBytes(elsewhere, foreign));
    }

    [Fact]
    public async Task Lesson01PayrollKey()
    {
        NotYet(await Exercises.FirstCmk.CheckPayrollKeyAsync(_t.Kms), "CreateAliasAsync");
        var unnamed = await _t.CreateKeyAsync("my key");
        await _t.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/payroll", TargetKeyId = unnamed.KeyId });
        NotYet(await Exercises.FirstCmk.CheckPayrollKeyAsync(_t.Kms), "Description");
        await _t.Kms.UpdateKeyDescriptionAsync(new UpdateKeyDescriptionRequest { KeyId = unnamed.KeyId, Description = "Payroll records" });
        Passes(await Exercises.FirstCmk.CheckPayrollKeyAsync(_t.Kms));
    }

    [Fact]
    public async Task Lesson02AdministratorsAndUsers()
    {
        var manager = _t.Lab.GetCredentials(Lab.KeyManagerName).Arn;
        var user = _t.Lab.GetCredentials(Lab.KeyUserName).Arn;
        Passes(await Exercises.AdminsAndUsers.CheckPolicyAsync(_t.Lab, KeyPolicies.Console(_t.Lab.AccountId, [manager], [user])));
        var swapped = await Exercises.AdminsAndUsers.CheckPolicyAsync(_t.Lab, KeyPolicies.Console(_t.Lab.AccountId, [user], [manager]));
        NotYet(swapped, "administrators statement");
        Assert.Contains("myKeyManager Encrypt was allowed", swapped.Message, StringComparison.Ordinal);
        NotYet(await Exercises.AdminsAndUsers.CheckPolicyAsync(_t.Lab, KeyPolicies.Default(_t.Lab.AccountId)), "users statement");
        NotYet(await Exercises.AdminsAndUsers.CheckPolicyAsync(_t.Lab, null), "KeyPolicies.Console");
        NotYet(await Exercises.AdminsAndUsers.CheckPolicyAsync(_t.Lab, "{ not json"), "root");
        await EveryCheckKeyIsPendingDeletion("exercise 02 check", 3);
    }

    [Fact]
    public async Task Lesson02And10ChecksUseTheLearnersOwnAccountAndPeople()
    {
        // A lab in another account, as a learner's AWS account is: a right answer there passes there.
        var other = Lab.Simulator(new LabOptions { AccountId = "777788889999" });
        var manager = other.PrincipalArn(Lab.KeyManagerName);
        var user = other.PrincipalArn(Lab.KeyUserName);
        Passes(await Exercises.AdminsAndUsers.CheckPolicyAsync(other, KeyPolicies.Console(other.AccountId, [manager], [user])));
        var viaS3 = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Root", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{other.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "User", "Effect": "Allow", "Principal": { "AWS": "{{user}}" }, "Action": ["kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt"], "Resource": "*",
                "Condition": { "StringEquals": { "kms:ViaService": "s3.us-east-1.amazonaws.com" } } } ] }
            """;
        Passes(await Exercises.Services.CheckViaServicePolicyAsync(other, viaS3));
        // The same answer written for the default lab's account names people who do not exist in this one.
        NotYet(await Exercises.AdminsAndUsers.CheckPolicyAsync(other, KeyPolicies.Console(_t.Lab.AccountId, [_t.Lab.PrincipalArn(Lab.KeyManagerName)], [_t.Lab.PrincipalArn(Lab.KeyUserName)])), "root");
    }

    private async Task EveryCheckKeyIsPendingDeletion(string description, int atLeast)
    {
        var states = new List<KeyState>();
        foreach (var entry in (await _t.Kms.ListKeysAsync(new ListKeysRequest())).Keys)
        {
            var key = (await _t.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = entry.KeyId })).KeyMetadata;
            if (key.Description?.StartsWith(description, StringComparison.Ordinal) == true) states.Add(key.KeyState);
        }
        Assert.True(states.Count >= atLeast, $"{states.Count} check keys");
        Assert.All(states, s => Assert.Equal(KeyState.PendingDeletion, s));
    }

    [Fact]
    public async Task Lesson03EncryptionContext()
    {
        var key = await _t.CreateKeyAsync();
        async Task<MemoryStream> Encrypt(string text, Dictionary<string, string>? context) =>
            (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes(text)), EncryptionContext = context })).CiphertextBlob;
        Passes(await Exercises.EncryptDecrypt.CheckContextAsync(_t.Kms, await Encrypt("invoice 42", new() { ["tenant"] = "acme" })));
        NotYet(await Exercises.EncryptDecrypt.CheckContextAsync(_t.Kms, await Encrypt("invoice 42", null)), "EncryptionContext");
        NotYet(await Exercises.EncryptDecrypt.CheckContextAsync(_t.Kms, await Encrypt("invoice 42", new() { ["Tenant"] = "acme" })), "case-sensitive");
        NotYet(await Exercises.EncryptDecrypt.CheckContextAsync(_t.Kms, await Encrypt("invoice 43", new() { ["tenant"] = "acme" })), "invoice 42");
        NotYet(await Exercises.EncryptDecrypt.CheckContextAsync(_t.Kms, (MemoryStream?)null), "EncryptAsync");
    }

    [Fact]
    public async Task Lesson04OpenAnEnvelope()
    {
        var key = await _t.CreateKeyAsync();
        async Task<byte[]> Open(SealedRecord r)
        {
            var dataKey = await _t.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(r.EncryptedDataKey) });
            var plaintext = new byte[r.Ciphertext.Length];
            using var aes = new AesGcm(dataKey.Plaintext.ToArray(), 16);
            aes.Decrypt(r.Nonce, r.Ciphertext, r.Tag, plaintext);
            return plaintext;
        }
        Passes(await Exercises.Envelope.CheckOpenAsync(_t.Kms, key.KeyId, Open));
        NotYet(await Exercises.Envelope.CheckOpenAsync(_t.Kms, key.KeyId, r => Task.FromResult(r.Ciphertext)), "AesGcm.Decrypt");
        NotYet(await Exercises.Envelope.CheckOpenAsync(_t.Kms, key.KeyId, r =>
        {
            var plaintext = new byte[r.Ciphertext.Length];
            using var aes = new AesGcm(new byte[32], 16);   // the wrong key: a tag mismatch
            aes.Decrypt(r.Nonce, r.Ciphertext, r.Tag, plaintext);
            return Task.FromResult(plaintext);
        }), "plaintext data key");
        NotYet(await Exercises.Envelope.CheckOpenAsync(_t.Kms, key.KeyId, null), "AesGcm");
        NotYet(await Exercises.Envelope.CheckOpenAsync(_t.Kms, key.KeyId, _ => Task.FromResult(Array.Empty<byte>())), "return plaintext");
    }

    [Fact]
    public async Task Lesson05ReEncryptToTheNewKey()
    {
        var old = await _t.CreateKeyAsync();
        var archive = await _t.CreateKeyAsync();
        var blob = (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = old.KeyId, Plaintext = new MemoryStream("order 2002"u8.ToArray()) })).CiphertextBlob.ToArray();
        NotYet(await Exercises.Rotation.CheckMigratedAsync(_t.Lab, _t.Kms, null, archive.KeyId, "order 2002"), "ReEncryptAsync");
        // Decrypt, then Encrypt under the new key: the right ciphertext, reached with the plaintext outside KMS.
        var plaintext = (await _t.Kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext;
        var roundTrip = (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = archive.KeyId, Plaintext = plaintext })).CiphertextBlob;
        var viaPlaintext = await Exercises.Rotation.CheckMigratedAsync(_t.Lab, _t.Kms, roundTrip, archive.KeyId, "order 2002");
        NotYet(viaPlaintext, "ReEncryptAsync");
        Assert.Contains("came from Encrypt", viaPlaintext.ToPlainText(), StringComparison.Ordinal);
        var moved = (await _t.Kms.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = archive.KeyId })).CiphertextBlob;
        Passes(await Exercises.Rotation.CheckMigratedAsync(_t.Lab, _t.Kms, moved, archive.KeyId, "order 2002"));
        NotYet(await Exercises.Rotation.CheckMigratedAsync(_t.Lab, _t.Kms, new MemoryStream(blob), archive.KeyId, "order 2002"), "DestinationKeyId");
        var other = (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = archive.KeyId, Plaintext = new MemoryStream("order 9"u8.ToArray()) })).CiphertextBlob;
        NotYet(await Exercises.Rotation.CheckMigratedAsync(_t.Lab, _t.Kms, other, archive.KeyId, "order 2002"), "original ciphertext");
    }

    [Fact]
    public async Task Lesson06ShortestDeletionWindow()
    {
        var right = await _t.CreateKeyAsync();
        var wrong = await _t.CreateKeyAsync();
        NotYet(await Exercises.Lifecycle.CheckShortestDeletionAsync(_t.Kms, right.KeyId), "ScheduleKeyDeletionAsync");
        await _t.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = right.KeyId, PendingWindowInDays = 7 });
        await _t.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = wrong.KeyId });
        Passes(await Exercises.Lifecycle.CheckShortestDeletionAsync(_t.Kms, right.KeyId));
        NotYet(await Exercises.Lifecycle.CheckShortestDeletionAsync(_t.Kms, wrong.KeyId), "smallest window");
    }

    [Fact]
    public async Task Lesson07SignatureVerifiesOffline()
    {
        var key = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        async Task<byte[]> Sign(string message) => (await _t.Kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(Encoding.UTF8.GetBytes(message)), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.ToArray();
        var publicKey = (await _t.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId })).PublicKey.ToArray();
        Passes(Exercises.Asymmetric.CheckSignature(publicKey, "build 77 approved", await Sign("build 77 approved")));
        NotYet(Exercises.Asymmetric.CheckSignature(publicKey, "build 77 approved", await Sign("build 78 approved")), "same message");
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        NotYet(Exercises.Asymmetric.CheckSignature(stranger.ExportSubjectPublicKeyInfo(), "build 77 approved", await Sign("build 77 approved")), "public key you exported");
        NotYet(Exercises.Asymmetric.CheckSignature(publicKey, "build 77 approved", null), "SignAsync");
        NotYet(Exercises.Asymmetric.CheckSignature(null, "build 77 approved", null), "GetPublicKeyAsync");

        var rsaKey = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        var rsaSignature = (await _t.Kms.SignAsync(new SignRequest { KeyId = rsaKey.KeyId, Message = new MemoryStream("build 77 approved"u8.ToArray()), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 })).Signature.ToArray();
        Passes(Exercises.Asymmetric.CheckSignature((await _t.Kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = rsaKey.KeyId })).PublicKey.ToArray(), "build 77 approved", rsaSignature));
    }

    [Fact]
    public async Task Lesson08WhoDecrypted()
    {
        var lab = _t.Lab;
        lab.CreateUser("bob");
        lab.CreateUser("mallory");
        var key = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { Policy = KeyPolicies.Console(lab.AccountId, [], [lab.GetCredentials("bob").Arn]) })).KeyMetadata;
        var blob = (await _t.Kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("x"u8.ToArray()) })).CiphertextBlob.ToArray();
        NotYet(Exercises.Auditing.CheckCulprit(lab, key.KeyId, "bob"), "story");
        await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => lab.CreateKmsClient("mallory").DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        await lab.CreateKmsClient("bob").DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Passes(Exercises.Auditing.CheckCulprit(lab, key.KeyId, "bob"));
        Passes(Exercises.Auditing.CheckCulprit(lab, key.KeyId, lab.GetCredentials("bob").Arn));
        NotYet(Exercises.Auditing.CheckCulprit(lab, key.KeyId, "mallory"), "denied");
        NotYet(Exercises.Auditing.CheckCulprit(lab, key.KeyId, "labAdmin"), "Filter");
        NotYet(Exercises.Auditing.CheckCulprit(lab, key.KeyId, "?"), "Query");
    }

    [Fact]
    public async Task Lesson11ThePartnerKeepsItsOwnCopyThroughAGrant()
    {
        var lab = _t.Lab;
        var owner = _t.Kms;
        var partnerKms = lab.CreateKmsClient(Lab.PartnerAdministratorName);
        var partnerArn = lab.PrincipalArn(Lab.PartnerAdministratorName);
        Assert.Equal($"arn:aws:iam::{lab.PartnerAccountId}:user/partnerAdmin", partnerArn);
        var apollo = new Dictionary<string, string> { ["project"] = "apollo" };
        var onlyApollo = new GrantConstraints { EncryptionContextSubset = new() { ["project"] = "apollo" } };
        var reportKey = await _t.CreateKeyAsync("lesson 11 exercise");
        var q4Apollo = (await owner.EncryptAsync(new EncryptRequest { KeyId = reportKey.KeyId, Plaintext = new MemoryStream("apollo: Q4 figures"u8.ToArray()), EncryptionContext = apollo })).CiphertextBlob.ToArray();
        var partnerKey = (await partnerKms.CreateKeyAsync(new CreateKeyRequest { Description = "the partner's copy" })).KeyMetadata;
        async Task<string> Grant(string keyId, string grantee, List<string> operations, GrantConstraints? constraints) =>
            (await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = keyId, GranteePrincipal = grantee, Operations = operations, Constraints = constraints })).GrantToken;
        async Task<byte[]> Copy(IAmazonKeyManagementService client, byte[] blob, string destination, string? token) =>
            (await client.ReEncryptAsync(new ReEncryptRequest
            {
                CiphertextBlob = new MemoryStream(blob), SourceKeyId = reportKey.Arn, SourceEncryptionContext = apollo,
                DestinationKeyId = destination, DestinationEncryptionContext = apollo, GrantTokens = token is null ? [] : [token],
            })).CiphertextBlob.ToArray();
        Task<CheckResult> Check(string? token, byte[]? copy, string? keyId = null) => Exercises.CrossAccount.CheckPartnerCopyAsync(lab, keyId ?? reportKey.KeyId, token, copy);

        // The untouched stub, and a token made up.
        NotYet(await Check(null, null), "partnerAdmin");
        NotYet(await Check("not-a-token", null), "GrantToken");
        // Plausible slips in step 1: Decrypt too, more than needed, no constraint, the wrong grantee.
        NotYet(await Check(await Grant(reportKey.KeyId, partnerArn, [GrantOperation.Decrypt, GrantOperation.ReEncryptFrom], onlyApollo), null), "never needs to read");
        NotYet(await Check(await Grant(reportKey.KeyId, partnerArn, [GrantOperation.ReEncryptFrom, GrantOperation.DescribeKey], onlyApollo), null), "Least privilege");
        NotYet(await Check(await Grant(reportKey.KeyId, partnerArn, [GrantOperation.ReEncryptFrom], null), null), "EncryptionContextSubset");
        NotYet(await Check(await Grant(reportKey.KeyId, lab.PrincipalArn(Lab.KeyUserName), [GrantOperation.ReEncryptFrom], onlyApollo), null), "other account");
        var token = await Grant(reportKey.KeyId, partnerArn, [GrantOperation.ReEncryptFrom], onlyApollo);
        NotYet(await Check(token, null), "partnerKms.ReEncryptAsync");

        // Plausible slips in step 2: the plaintext handed over and encrypted by the partner; no token.
        var plaintext = (await owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(q4Apollo), EncryptionContext = apollo })).Plaintext;
        var encrypted = (await partnerKms.EncryptAsync(new EncryptRequest { KeyId = partnerKey.KeyId, Plaintext = plaintext, EncryptionContext = apollo })).CiphertextBlob.ToArray();
        NotYet(await Check(token, encrypted), "inside KMS");
        NotYet(await Check(token, await Copy(partnerKms, q4Apollo, partnerKey.KeyId, null)), "GrantTokens");
        NotYet(await Check(token, [1, 2, 3]), "CiphertextBlob");

        // The right answer, beside the earlier slips' grants: grants add up, and the unconstrained one opens zeus's reports.
        var copy = await Copy(partnerKms, q4Apollo, partnerKey.KeyId, token);
        NotYet(await Check(token, copy), "revoke the ones you do not need");
        var rightId = lab.Journal.Responses<CreateGrantResponse>().Single(r => r.GrantToken == token).GrantId;
        foreach (var g in (await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = reportKey.KeyId })).Grants.Where(g => g.GrantId != rightId))
        {
            await owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = reportKey.KeyId, GrantId = g.GrantId });
        }
        Passes(await Check(token, copy));

        // A partner key that lets the owner read the copy is not one of the partner's own.
        var openToOwner = (await partnerKms.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::{{lab.PartnerAccountId}}:root","arn:aws:iam::{{lab.AccountId}}:root"]},"Action":"kms:*","Resource":"*"}]}""",
        })).KeyMetadata;
        NotYet(await Check(token, await Copy(partnerKms, q4Apollo, openToOwner.KeyId, token)), "default key policy");

        // Reached by editing the key policy instead is not the exercise.
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = reportKey.KeyId, PolicyName = "default", Policy = KeyPolicies.Default(lab.AccountId) });
        NotYet(await Check(token, copy), "Leave it alone");
    }

    [Fact]
    public async Task Lesson12RecoverInAnotherRegion()
    {
        const string Order = "order 9: 1 observatory";
        var east = _t.Lab.CreateKmsClient(Amazon.RegionEndpoint.USEast1);
        var key = (await east.CreateKeyAsync(new CreateKeyRequest { MultiRegion = true })).KeyMetadata;
        var blob = (await east.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes(Order)) })).CiphertextBlob.ToArray();

        // The stub; then the near miss: the right text, decrypted in us-east-1, which the disaster took away.
        NotYet(await Exercises.MultiRegion.CheckRecoveredAsync(_t.Lab, key.KeyId, null, Order), "ReplicateKeyAsync");
        var fromEast = Encoding.UTF8.GetString((await east.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray());
        NotYet(await Exercises.MultiRegion.CheckRecoveredAsync(_t.Lab, key.KeyId, fromEast, Order), "ap-southeast-2");

        // A new single-Region key in the recovery Region is not the replica (and could not decrypt).
        await east.ReplicateKeyAsync(new ReplicateKeyRequest { KeyId = key.KeyId, ReplicaRegion = "ap-southeast-2" });
        var sydney = _t.Lab.CreateKmsClient(Amazon.RegionEndpoint.APSoutheast2);
        NotYet(await Exercises.MultiRegion.CheckRecoveredAsync(_t.Lab, key.KeyId, fromEast, Order), "APSoutheast2");
        await _t.Lab.WaitForKeyStateAsync(sydney, key.KeyId, KeyState.Enabled);
        NotYet(await Exercises.MultiRegion.CheckRecoveredAsync(_t.Lab, key.KeyId, "order 9", Order), "UTF-8");
        var recovered = Encoding.UTF8.GetString((await sydney.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray());
        Passes(await Exercises.MultiRegion.CheckRecoveredAsync(_t.Lab, key.KeyId, recovered, Order));
    }

    [Fact]
    public async Task Lesson13APostQuantumSignature()
    {
        var manifest = "door-lock firmware 4.2"u8.ToArray();
        var pq = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_DSA_65, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        var ecc = (await _t.Kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        async Task<byte[]> Sign(string keyId, SigningAlgorithmSpec algorithm, byte[] message) =>
            (await _t.Kms.SignAsync(new SignRequest { KeyId = keyId, Message = new MemoryStream(message), SigningAlgorithm = algorithm })).Signature.ToArray();

        NotYet(await Exercises.PostQuantum.CheckManifestSignatureAsync(_t.Lab, pq.KeyId, manifest, null), "SignAsync");
        // The near miss: a perfectly good ECDSA signature, which a quantum computer could forge.
        var classic = await Exercises.PostQuantum.CheckManifestSignatureAsync(_t.Lab, pq.KeyId, manifest, await Sign(ecc.KeyId, SigningAlgorithmSpec.ECDSA_SHA_256, manifest));
        NotYet(classic, "ML_DSA_SHAKE_256");
        Assert.Contains("ECDSA_SHA_256 signature", classic.Message, StringComparison.Ordinal);
        // ML-DSA, but over another message; and bytes KMS never made.
        NotYet(await Exercises.PostQuantum.CheckManifestSignatureAsync(_t.Lab, pq.KeyId, manifest, await Sign(pq.KeyId, SigningAlgorithmSpec.ML_DSA_SHAKE_256, "another"u8.ToArray())), "manifest bytes");
        NotYet(await Exercises.PostQuantum.CheckManifestSignatureAsync(_t.Lab, pq.KeyId, manifest, new byte[3309]), "SignAsync response");
        Passes(await Exercises.PostQuantum.CheckManifestSignatureAsync(_t.Lab, pq.KeyId, manifest, await Sign(pq.KeyId, SigningAlgorithmSpec.ML_DSA_SHAKE_256, manifest)));
    }

    [Fact]
    public async Task Lesson09Numbers()
    {
        Passes(Exercises.ExamPrep.CheckNumbers(4096, 7, 30, 90, 2560, 25));
        var wrong = Exercises.ExamPrep.CheckNumbers(4096, 1, 30, 90, 2560, 10);
        NotYet(wrong, "ValidationException");
        Assert.Contains("4 of 6 right", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("shortest deletion window", wrong.Message, StringComparison.Ordinal);
        NotYet(Exercises.ExamPrep.CheckNumbers(0, 0, 0, 0, 0, 0), "from memory");
        // Near misses get a direction; a number from another row or in the wrong unit is named as such.
        var near = Exercises.ExamPrep.CheckNumbers(4000, 7, 7, 90, 3000, 25).Message;
        Assert.Contains("largest Encrypt plaintext (bytes): 4000 is close; a little higher", near, StringComparison.Ordinal);
        Assert.Contains("longest deletion window (days): 7 is the shortest deletion window", near, StringComparison.Ordinal);
        Assert.Contains("longest rotation period (days): 3000 is too high; go lower", near, StringComparison.Ordinal);
        Assert.Contains("1 is too low; go higher", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("4 is in KB; the answer is in bytes", Exercises.ExamPrep.CheckNumbers(4, 7, 30, 90, 2560, 25).Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Lesson14WhereTheKeyMaterialLives()
    {
        var right = new Dictionary<int, KeyMaterialHome>
        {
            [1] = KeyMaterialHome.CloudHsmKeyStore, [2] = KeyMaterialHome.ExternalKeyStore, [3] = KeyMaterialHome.ImportedIntoKms, [4] = KeyMaterialHome.KmsHsms,
        };
        Passes(Exercises.CustomKeyStores.CheckChoices(right));
        NotYet(Exercises.CustomKeyStores.CheckChoices(null), "KeyMaterialHome");
        NotYet(Exercises.CustomKeyStores.CheckChoices(new Dictionary<int, KeyMaterialHome>()), "KeyMaterialHome");
        // The near misses: KMS's HSMs for "HSMs the company controls", a custom key store for automatic rotation.
        var wrong = new Dictionary<int, KeyMaterialHome>(right) { [1] = KeyMaterialHome.KmsHsms, [4] = KeyMaterialHome.CloudHsmKeyStore };
        var verdict = Exercises.CustomKeyStores.CheckChoices(wrong);
        NotYet(verdict, "who must hold the key");
        Assert.Contains("2 of 4 right", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("1: KmsHsms — KMS's own HSMs are validated too, but they are shared", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("4: CloudHsmKeyStore — keys in custom key stores do not rotate automatically", verdict.Message, StringComparison.Ordinal);
        var partial = new Dictionary<int, KeyMaterialHome>(right);
        partial.Remove(3);
        Assert.Contains("requirement 3 has no choice yet", Exercises.CustomKeyStores.CheckChoices(partial).Message, StringComparison.Ordinal);
        Assert.Contains("there is no requirement 5", Exercises.CustomKeyStores.CheckChoices(new Dictionary<int, KeyMaterialHome>(right) { [5] = KeyMaterialHome.KmsHsms }).Message, StringComparison.Ordinal);
        // Every wrong choice of every requirement has its own explanation.
        foreach (var (n, answer) in right)
        {
            foreach (var home in Enum.GetValues<KeyMaterialHome>().Where(h => h != answer))
            {
                Assert.DoesNotContain("KeyNotFound", Exercises.CustomKeyStores.CheckChoices(new Dictionary<int, KeyMaterialHome>(right) { [n] = home }).Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Lesson16WhichKeyForWhichJob()
    {
        var right = new Dictionary<int, KmsKeyKind>
        {
            [1] = KmsKeyKind.AwsOwnedKey, [2] = KmsKeyKind.AwsManagedKey, [3] = KmsKeyKind.CustomerManagedKey, [4] = KmsKeyKind.CustomerManagedKey, [5] = KmsKeyKind.AwsManagedKey,
        };
        Passes(Exercises.WhichKey.CheckChoices(right));
        NotYet(Exercises.WhichKey.CheckChoices(null), "KmsKeyKind");
        NotYet(Exercises.WhichKey.CheckChoices(new Dictionary<int, KmsKeyKind>()), "KmsKeyKind");
        // The near misses: aws/s3 for a partner account, aws/dynamodb for a table one must be able to switch off.
        var wrong = new Dictionary<int, KmsKeyKind>(right) { [3] = KmsKeyKind.AwsManagedKey, [4] = KmsKeyKind.AwsManagedKey };
        var verdict = Exercises.WhichKey.CheckChoices(wrong);
        NotYet(verdict, "manage it (policy, other accounts, disabling)");
        Assert.Contains("3 of 5 right", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("3: AwsManagedKey — aws/s3's policy is the service's", verdict.Message, StringComparison.Ordinal);
        Assert.Contains("4: AwsManagedKey — nobody can disable aws/dynamodb", verdict.Message, StringComparison.Ordinal);
        var partial = new Dictionary<int, KmsKeyKind>(right);
        partial.Remove(2);
        Assert.Contains("job 2 has no choice yet", Exercises.WhichKey.CheckChoices(partial).Message, StringComparison.Ordinal);
        Assert.Contains("there is no job 6", Exercises.WhichKey.CheckChoices(new Dictionary<int, KmsKeyKind>(right) { [6] = KmsKeyKind.AwsOwnedKey }).Message, StringComparison.Ordinal);
        foreach (var (n, answer) in right)
        {
            foreach (var kind in Enum.GetValues<KmsKeyKind>().Where(k => k != answer))
            {
                Assert.Contains($"{n}: {kind} — ", Exercises.WhichKey.CheckChoices(new Dictionary<int, KmsKeyKind>(right) { [n] = kind }).Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Lesson15PassYourOwnReview()
    {
        var lab = _t.Lab;
        var kms = lab.CreateKmsClient();
        var open = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Quick fix", "Effect": "Allow", "Principal": { "AWS": "{{lab.PrincipalArn(Lab.KeyUserName)}}" }, "Action": "kms:*", "Resource": "*" } ] }
            """;
        var legacy = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "legacy invoices key", Policy = open })).KeyMetadata.KeyId;
        Task<CheckResult> Check() => Exercises.OperatingSafely.CheckReviewAsync(lab, kms, legacy);

        // The untouched stub: three findings, and the first one's advice as the hint.
        var stub = await Check();
        NotYet(stub, "EnableKeyRotation");
        Assert.Contains("1 of 4 passed", stub.Message, StringComparison.Ordinal);
        // Plausible wrong answers: rotation and an alias, but the policy left as it was.
        await kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = legacy });
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/invoices", TargetKeyId = legacy });
        NotYet(await Check(), "KeyPolicies.Console");
        // A policy for administrators only: every rule passes, and myKeyUser is locked out.
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = legacy, PolicyName = "default", Policy = KeyPolicies.Console(lab.AccountId, [lab.PrincipalArn(Lab.KeyManagerName)], []) });
        NotYet(await Check(), "keep the key user's actions");
        // Hiding the key from the review by deleting it.
        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = legacy, PendingWindowInDays = 7 });
        NotYet(await Check(), "CancelKeyDeletion");
        await kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = legacy });
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = legacy });
        // A statement open to everyone, without a condition, is its own finding.
        var wide = $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::{{lab.AccountId}}:root" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt"], "Resource": "*" } ] }
            """;
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = legacy, PolicyName = "default", Policy = wide });
        Assert.Contains("no statement open to everyone", (await Check()).Message, StringComparison.Ordinal);
        // The lesson's solution.
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = legacy, PolicyName = "default", Policy = KeyPolicies.Console(lab.AccountId, [lab.PrincipalArn(Lab.KeyManagerName)], [lab.PrincipalArn(Lab.KeyUserName)]) });
        Passes(await Check());
        Assert.Equal(1.0, (await KeyReview.OfLabAsync(lab, kms)).Score);
    }

    [Fact]
    public async Task Lesson10OnlyThroughS3()
    {
        var user = _t.Lab.GetCredentials(Lab.KeyUserName).Arn;
        var root = $"arn:aws:iam::{_t.Lab.AccountId}:root";
        string Policy(string condition) => $$"""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Root", "Effect": "Allow", "Principal": { "AWS": "{{root}}" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "User", "Effect": "Allow", "Principal": { "AWS": "{{user}}" }, "Action": ["kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt"], "Resource": "*"{{condition}} } ] }
            """;
        Passes(await Exercises.Services.CheckViaServicePolicyAsync(_t.Lab, Policy(""", "Condition": { "StringEquals": { "kms:ViaService": "s3.us-east-1.amazonaws.com" } }""")));
        NotYet(await Exercises.Services.CheckViaServicePolicyAsync(_t.Lab, Policy("")), "kms:ViaService");
        NotYet(await Exercises.Services.CheckViaServicePolicyAsync(_t.Lab, Policy(""", "Condition": { "StringEquals": { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } }""")), "s3.us-east-1.amazonaws.com");
        NotYet(await Exercises.Services.CheckViaServicePolicyAsync(_t.Lab, KeyPolicies.Default(_t.Lab.AccountId)), "kms:ViaService");
        NotYet(await Exercises.Services.CheckViaServicePolicyAsync(_t.Lab, null), "Condition");
        await EveryCheckKeyIsPendingDeletion("exercise 10 check", 4);
    }
}
