using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>asymmetric-hmac-import</c> (lesson 07), shown on the simulator.</summary>
internal static class AsymmetricHmacImportDemonstrations
{
    private static readonly byte[] Release = Encoding.UTF8.GetBytes("release v1.4.2");

    [Proves("07.1")]
    internal static async Task<string> SignaturesVerifyOfflineWithThePublicKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKey(kms, KeySpec.ECC_NIST_P256);
        var signature = (await kms.SignAsync(new SignRequest { KeyId = key, Message = new MemoryStream(Release), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.ToArray();
        var publicKey = (await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key })).PublicKey.ToArray();
        // The device's side: .NET's own ECDSA, no KMS client, no credentials.
        using var device = ECDsa.Create();
        device.ImportSubjectPublicKeyInfo(publicKey, out _);
        Demonstrate.That(device.VerifyData(Release, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), "the public key verifies KMS's signature offline");
        Demonstrate.That(!device.VerifyData("release v1.4.3"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), "the public key rejects a changed release offline");
        return "GetPublicKey's DER key verified the ECDSA signature with .NET alone, and rejected a changed release";
    }

    [Proves("07.2")]
    internal static async Task<string> HmacKeysMacAndDoNotSign(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var wrongUsage = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.SIGN_VERIFY }));
        Demonstrate.That(wrongUsage.ErrorCode == "ValidationException", $"an HMAC_256 key cannot be created for SIGN_VERIFY (got {wrongUsage.ErrorCode})");
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC })).KeyMetadata.KeyId;
        var payload = "{\"event\":\"paid\"}"u8.ToArray();
        var mac = (await kms.GenerateMacAsync(new GenerateMacRequest { KeyId = key, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream(payload) })).Mac.ToArray();
        var check = await kms.VerifyMacAsync(new VerifyMacRequest { KeyId = key, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream(payload), Mac = new MemoryStream(mac) });
        Demonstrate.That(check.MacValid == true, "VerifyMac accepts the MAC GenerateMac made");
        await Demonstrate.ThrowsAsync<InvalidKeyUsageException>(() => kms.SignAsync(new SignRequest { KeyId = key, Message = new MemoryStream(payload), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        return "HMAC_256 with SIGN_VERIFY → ValidationException; with GENERATE_VERIFY_MAC, GenerateMac/VerifyMac work and Sign → InvalidKeyUsageException";
    }

    [Proves("07.3")]
    internal static async Task<string> ExpiredMaterialLeavesTheKeyPendingImport(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata;
        Demonstrate.That(key.KeyState == KeyState.PendingImport, $"a key with Origin EXTERNAL starts PendingImport (got {key.KeyState})");
        var material = RandomNumberGenerator.GetBytes(32);
        await ImportAsync(lab, kms, key.KeyId, material, TimeSpan.FromDays(30));
        var blob = await EncryptAsync(kms, key.KeyId);
        lab.Clock.Advance(TimeSpan.FromDays(31));
        var state = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState;
        Demonstrate.That(state == KeyState.PendingImport, $"after its ValidTo the key is back in PendingImport (got {state})");
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        return "EXTERNAL key: PendingImport → Enabled after import with ValidTo = +30 days → PendingImport on day 31, Decrypt → KMSInvalidStateException";
    }

    [Proves("asym.reimport-same-material")]
    internal static async Task<string> OnlyTheSameMaterialRestoresTheKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        var original = RandomNumberGenerator.GetBytes(32);
        await ImportAsync(lab, kms, key, original, TimeSpan.FromDays(1));
        var blob = await EncryptAsync(kms, key);
        lab.Clock.Advance(TimeSpan.FromDays(2));
        await Demonstrate.ThrowsAsync<IncorrectKeyMaterialException>(() => ImportAsync(lab, kms, key, RandomNumberGenerator.GetBytes(32), null));
        await ImportAsync(lab, kms, key, original, null);
        var plaintext = (await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray();
        Demonstrate.That(plaintext.AsSpan().SequenceEqual(Secret), "the old ciphertext decrypts once the original material is imported again");
        return "after expiry, fresh material → IncorrectKeyMaterialException; the original material → Enabled, and the old ciphertext decrypts";
    }

    [Proves("asym.import-token-expired")]
    internal static async Task<string> ImportParametersExpireAfterADay(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        var material = RandomNumberGenerator.GetBytes(32);
        var stale = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var wrapped = KeyMaterialWrapping.Wrap(stale.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material);
        lab.Clock.Advance(TimeSpan.FromHours(KmsFacts.ImportParametersValidHours + 1));
        await Demonstrate.ThrowsAsync<ExpiredImportTokenException>(() => kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = key, ImportToken = new MemoryStream(stale.ImportToken.ToArray()), EncryptedKeyMaterial = new MemoryStream(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }));
        await ImportAsync(lab, kms, key, material, null);
        return $"{KmsFacts.ImportParametersValidHours + 1} hours after GetParametersForImport → ExpiredImportTokenException; new parameters and a new wrapping → imported";
    }

    [Proves("asym.external-starts-pending-import")]
    internal static async Task<string> AKeyWithoutMaterialCannotEncrypt(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => EncryptAsync(kms, key));
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.EnableKeyAsync(new EnableKeyRequest { KeyId = key }));
        await ImportAsync(lab, kms, key, RandomNumberGenerator.GetBytes(32), null);
        await EncryptAsync(kms, key);
        return "EXTERNAL key before import: Encrypt and EnableKey → KMSInvalidStateException; after ImportKeyMaterial, Encrypt works";
    }

    [Proves("asym.verify-throws")]
    internal static async Task<string> AFailedVerifyThrows(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKey(kms, KeySpec.ECC_NIST_P256);
        var signature = (await kms.SignAsync(new SignRequest { KeyId = key, Message = new MemoryStream(Release), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.ToArray();
        await Demonstrate.ThrowsAsync<KMSInvalidSignatureException>(() => kms.VerifyAsync(new VerifyRequest
        {
            KeyId = key, Message = new MemoryStream("release v1.4.3"u8.ToArray()), Signature = new MemoryStream(signature), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }));
        return "Verify of a changed message → KMSInvalidSignatureException, never SignatureValid = false";
    }

    [Proves("asym.rsa-offline-encrypt-limit")]
    internal static async Task<string> RsaTakesOnlySmallPlaintexts(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT })).KeyMetadata.KeyId;
        using var partner = RSA.Create();
        partner.ImportSubjectPublicKeyInfo((await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key })).PublicKey.ToArray(), out _);
        var fits = RandomNumberGenerator.GetBytes(KmsFacts.MaxRsa2048OaepSha256PlaintextBytes);
        var sealedOffline = partner.Encrypt(fits, RSAEncryptionPadding.OaepSHA256);
        var opened = (await kms.DecryptAsync(new DecryptRequest { KeyId = key, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, CiphertextBlob = new MemoryStream(sealedOffline) })).Plaintext.ToArray();
        Demonstrate.That(opened.AsSpan().SequenceEqual(fits), $"KMS decrypts {fits.Length} bytes encrypted offline");
        var tooBig = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.EncryptAsync(new EncryptRequest
        {
            KeyId = key, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, Plaintext = new MemoryStream(new byte[KmsFacts.MaxRsa2048OaepSha256PlaintextBytes + 1]),
        }));
        Demonstrate.That(tooBig.ErrorCode == "ValidationException", $"one byte more is a ValidationException (got {tooBig.ErrorCode})");
        return $"RSA_2048 OAEP SHA-256: {KmsFacts.MaxRsa2048OaepSha256PlaintextBytes} bytes encrypted offline decrypt in KMS; {KmsFacts.MaxRsa2048OaepSha256PlaintextBytes + 1} → ValidationException";
    }

    [Proves("asym.key-usage-is-fixed")]
    internal static async Task<string> ASigningKeyCannotEncrypt(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKey(kms, KeySpec.RSA_2048);
        await Demonstrate.ThrowsAsync<InvalidKeyUsageException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, Plaintext = new MemoryStream(Secret) }));
        var second = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT })).KeyMetadata.KeyId;
        await kms.EncryptAsync(new EncryptRequest { KeyId = second, EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256, Plaintext = new MemoryStream(Secret) });
        return "Encrypt with an RSA SIGN_VERIFY key → InvalidKeyUsageException; a second RSA key with ENCRYPT_DECRYPT encrypts";
    }

    [Proves("asym.byok-responsibilities")]
    internal static async Task<string> ImportedMaterialIsTheOwnersToKeep(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL })).KeyMetadata.KeyId;
        var material = RandomNumberGenerator.GetBytes(32);
        await ImportAsync(lab, kms, key, material, TimeSpan.FromDays(1));
        await Demonstrate.ThrowsAsync<UnsupportedOperationException>(() => kms.EnableKeyRotationAsync(new EnableKeyRotationRequest { KeyId = key }));
        var blob = await EncryptAsync(kms, key);
        lab.Clock.Advance(TimeSpan.FromDays(2));
        await Demonstrate.ThrowsAsync<KMSInvalidStateException>(() => kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
        await ImportAsync(lab, kms, key, material, null);
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        return "EXTERNAL key: EnableKeyRotation → UnsupportedOperationException; expired material → KMSInvalidStateException until the kept copy is imported again";
    }

    private static readonly byte[] Secret = "under my own material"u8.ToArray();

    private static async Task<string> SigningKey(IAmazonKeyManagementService kms, KeySpec spec) =>
        (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;

    private static async Task<byte[]> EncryptAsync(IAmazonKeyManagementService kms, string key) =>
        (await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(Secret) })).CiphertextBlob.ToArray();

    /// <summary>Imports <paramref name="material"/> with fresh parameters, expiring after <paramref name="validFor"/> (null: never).</summary>
    private static async Task ImportAsync(Lab lab, IAmazonKeyManagementService kms, string key, byte[] material, TimeSpan? validFor)
    {
        var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = key, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 });
        var request = new ImportKeyMaterialRequest
        {
            KeyId = key,
            ImportToken = new MemoryStream(parameters.ImportToken.ToArray()),
            EncryptedKeyMaterial = new MemoryStream(KeyMaterialWrapping.Wrap(parameters.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
            ExpirationModel = validFor is null ? ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE : ExpirationModelType.KEY_MATERIAL_EXPIRES,
        };
        if (validFor is { } span) request.ValidTo = lab.Clock.GetUtcNow().UtcDateTime + span;
        await kms.ImportKeyMaterialAsync(request);
    }
}
