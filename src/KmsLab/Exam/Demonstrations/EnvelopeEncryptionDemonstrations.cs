using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Envelope;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of <c>exam-bank/envelope-encryption.json</c>, made to happen on the simulator.</summary>
internal static class EnvelopeEncryptionDemonstrations
{
    [Proves("04.2")]
    internal static async Task<string> AGigabyteCostsTwoRequests(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var envelope = new EnvelopeClient(kms);
        var file = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        var sentBefore = lab.PlaintextBytesSentToKms;
        var callsBefore = lab.KmsCallCount;
        var message = await envelope.EncryptAsync(file, new EnvelopeEncryptOptions { KeyIds = [key] });
        var back = await envelope.DecryptAsync(message, EnvelopeDecryptOptions.Strict(key));
        var calls = lab.KmsCallCount - callsBefore;
        Demonstrate.That(back.AsSpan().SequenceEqual(file), "the file comes back");
        Demonstrate.That(calls == 2, $"encrypting and decrypting take two KMS requests (they took {calls})");
        Demonstrate.That(lab.PlaintextBytesSentToKms == sentBefore, "no byte of the file is sent to KMS");
        return $"a 4 MB file encrypted and decrypted with envelope encryption: {calls} KMS requests, 0 bytes of it sent to KMS (1 GB costs the same)";
    }

    [Proves("envelope.data-key-halves")]
    internal static async Task<string> ADataKeyComesTwice(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
        Demonstrate.That(dataKey.Plaintext.Length == KmsFacts.Aes256DataKeyBytes, $"the plaintext data key has {KmsFacts.Aes256DataKeyBytes} bytes");
        Demonstrate.That(dataKey.KeyId == key, "the response names the KMS key by ARN");
        var opened = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(dataKey.CiphertextBlob.ToArray()) });
        Demonstrate.That(opened.Plaintext.ToArray().AsSpan().SequenceEqual(dataKey.Plaintext.ToArray()), "the CiphertextBlob is the same key, encrypted under the KMS key");
        return $"GenerateDataKey(AES_256) → a {KmsFacts.Aes256DataKeyBytes}-byte Plaintext, a CiphertextBlob that Decrypt turns back into it, and the key ARN";
    }

    [Proves("envelope.without-plaintext")]
    internal static async Task<string> WithoutPlaintextReturnsOnlyTheEncryptedKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var response = await kms.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
        var blob = response.CiphertextBlob.ToArray();
        Demonstrate.That(blob.Length > 0, "the response carries an encrypted data key");
        var worker = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Demonstrate.That(worker.Plaintext.Length == KmsFacts.Aes256DataKeyBytes, "a worker's Decrypt of the blob returns the data key");
        return $"GenerateDataKeyWithoutPlaintext → only a CiphertextBlob (the response type has no Plaintext); the worker's Decrypt → the {KmsFacts.Aes256DataKeyBytes}-byte key";
    }

    [Proves("envelope.caching")]
    internal static async Task<string> ACacheSharesOneDataKeyWithinItsLimits(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var cache = new DataKeyCache(lab.Clock, new DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(5), MaxMessagesPerKey = 50 });
        var envelope = new EnvelopeClient(kms, new EnvelopeClientOptions { Cache = cache });
        var options = new EnvelopeEncryptOptions { KeyIds = [key] };
        var before = lab.KmsCallCount;
        for (int i = 0; i < 100; i++) await envelope.EncryptAsync(System.Text.Encoding.UTF8.GetBytes($"message {i}"), options);
        var withCache = lab.KmsCallCount - before;
        Demonstrate.That(withCache == 2, $"100 messages with at most 50 per data key take two GenerateDataKey calls (they took {withCache})");
        lab.Clock.Advance(TimeSpan.FromMinutes(6));
        before = lab.KmsCallCount;
        await envelope.EncryptAsync("after the maximum age"u8.ToArray(), options);
        Demonstrate.That(lab.KmsCallCount - before == 1, "once the cached key is older than MaxAge, the next message asks KMS for a new one");
        return "with a cache (max 50 messages, 5 minutes): 100 messages → 2 GenerateDataKey calls; after 6 minutes the next message → a new data key";
    }

    [Proves("envelope.strict-mode")]
    internal static async Task<string> StrictModeRefusesOtherKeys(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var ingest = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var partnersOwn = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var envelope = new EnvelopeClient(kms);
        var good = await envelope.EncryptAsync("expected upload"u8.ToArray(), new EnvelopeEncryptOptions { KeyIds = [ingest] });
        var foreign = await envelope.EncryptAsync("unexpected upload"u8.ToArray(), new EnvelopeEncryptOptions { KeyIds = [partnersOwn] });
        var before = lab.KmsCallCount;
        await Demonstrate.ThrowsAsync<EnvelopeException>(() => envelope.DecryptAsync(foreign, EnvelopeDecryptOptions.Strict(ingest)));
        Demonstrate.That(lab.KmsCallCount == before, "strict mode refuses the foreign message without calling KMS");
        await envelope.DecryptAsync(good, EnvelopeDecryptOptions.Strict(ingest));
        await envelope.DecryptAsync(foreign, EnvelopeDecryptOptions.Discovery());
        return "strict mode with the ingest key's ARN: a message under another key → EnvelopeException, no KMS call; discovery mode would have decrypted it";
    }

    [Proves("envelope.message-holds-edk")]
    internal static async Task<string> TheMessageIsSelfContained(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var context = new Dictionary<string, string> { ["file"] = "report.pdf" };
        var message = await new EnvelopeClient(kms).EncryptAsync(RandomNumberGenerator.GetBytes(20_000), new EnvelopeEncryptOptions { KeyIds = [key], EncryptionContext = context });
        var ascii = System.Text.Encoding.ASCII.GetString(message);
        Demonstrate.That(ascii.Contains(key, StringComparison.Ordinal) && ascii.Contains("report.pdf", StringComparison.Ordinal), "the header records the KMS key ARN and the encryption context");
        var fresh = new EnvelopeClient(lab.CreateKmsClient());
        var back = await fresh.DecryptAsync(message, EnvelopeDecryptOptions.Strict(key));
        Demonstrate.That(back.Length == 20_000, "a new client decrypts the message with nothing but the message");
        return "the message's header holds the key ARN, the encryption context and the encrypted data key: a new client decrypts it from the message alone";
    }

    [Proves("envelope.stolen-envelope")]
    internal static async Task<string> AStolenEnvelopeNeedsKmsPermission(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var dataKey = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key, KeySpec = DataKeySpec.AES_256 });
        var stolen = dataKey.CiphertextBlob.ToArray();
        var attacker = lab.CreateKmsClient(Lab.KeyUserName);
        await Demonstrate.FailsWithAsync("AccessDeniedException", () => attacker.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(stolen) }));
        var recorded = lab.AuditTrail.Events.Any(e => e.EventName == "Decrypt" && e.ErrorCode == "AccessDeniedException");
        Demonstrate.That(recorded, "the refused attempt is in the audit trail");
        return "a copied encrypted data key: the copier's Decrypt → AccessDeniedException, recorded in the audit trail";
    }

    [Proves("envelope.kms-key-disabled")]
    internal static async Task<string> EnvelopesNeedTheKmsKeyEnabled(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var envelope = new EnvelopeClient(kms);
        var backup = await envelope.EncryptAsync("last year's ledger"u8.ToArray(), new EnvelopeEncryptOptions { KeyIds = [key] });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key });
        var refused = await Demonstrate.ThrowsAsync<EnvelopeException>(() => envelope.DecryptAsync(backup, EnvelopeDecryptOptions.Strict(key)));
        Demonstrate.That(refused.InnerException is DisabledException || refused.Message.Contains("disabled", StringComparison.OrdinalIgnoreCase), $"the refusal is the key being disabled (it says: {refused.Message})");
        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key });
        await envelope.DecryptAsync(backup, EnvelopeDecryptOptions.Strict(key));
        return "an envelope-encrypted backup: with the KMS key disabled, decryption fails (DisabledException); enabled again, it decrypts";
    }

    [Proves("envelope.data-key-pair")]
    internal static async Task<string> ADataKeyPairWithoutItsPrivateKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        var pair = await kms.GenerateDataKeyPairWithoutPlaintextAsync(new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key, KeyPairSpec = DataKeyPairSpec.RSA_2048 });
        using var device = RSA.Create();
        device.ImportSubjectPublicKeyInfo(pair.PublicKey.ToArray(), out _);
        var report = device.Encrypt("meter 17: 42 kWh"u8.ToArray(), RSAEncryptionPadding.OaepSHA256);
        var privateKey = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(pair.PrivateKeyCiphertextBlob.ToArray()) });
        using var backEnd = RSA.Create();
        backEnd.ImportPkcs8PrivateKey(privateKey.Plaintext.ToArray(), out _);
        Demonstrate.That(System.Text.Encoding.UTF8.GetString(backEnd.Decrypt(report, RSAEncryptionPadding.OaepSHA256)) == "meter 17: 42 kWh", "the back end's decrypted private key opens what the device encrypted with the public key");
        return "GenerateDataKeyPairWithoutPlaintext under one symmetric key → a public key (the device encrypts offline) and an encrypted private key that only KMS Decrypt opens";
    }
}
