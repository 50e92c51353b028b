using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.KeyTools;

namespace KmsLab.Cli;

/// <summary>
/// The asymmetric-keys demo, on the simulator, through the official SDK client: sign and verify
/// with KMS keys, verify outside KMS with only the public key, then bring your own key material
/// (import, use, expire on the clock, re-import).
/// </summary>
internal static class DemoAsymmetric
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        var lab = Lab.Simulator();
        var kms = lab.CreateKmsClient();
        int step = 0;
        void Step(string title) => output.WriteLine($"{Environment.NewLine}== {++step}. {title}");
        void Show(string label, object? value) => output.WriteLine($"   {label,-24} {value}");
        static MemoryStream Bytes(byte[] value) => new(value);

        output.WriteLine($"KmsLab asymmetric demo — simulated AWS account {lab.AccountId}, Region {lab.DefaultRegion.SystemName}.");

        Step("Create signing keys: ECC_NIST_P256 (ECDSA) and RSA_2048 (RSASSA-PSS / PKCS#1 v1.5)");
        var ecc = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY, Description = "release signing" }, cancellationToken)).KeyMetadata;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/release-signing", TargetKeyId = ecc.KeyId }, cancellationToken);
        var rsa = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY, Description = "document signing" }, cancellationToken)).KeyMetadata;
        Show("ECC key", ecc.Arn);
        Show("  signing algorithms", string.Join(", ", ecc.SigningAlgorithms));
        Show("RSA key", rsa.Arn);
        Show("  signing algorithms", string.Join(", ", rsa.SigningAlgorithms));

        Step("Sign a message in KMS: the private key never leaves it");
        var message = Encoding.UTF8.GetBytes("release v1.4.2, sha256=9f86d081884c7d659a2feaa0c55ad015");
        var signed = await kms.SignAsync(new SignRequest { KeyId = "alias/release-signing", Message = Bytes(message), MessageType = MessageType.RAW, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }, cancellationToken);
        var signature = signed.Signature.ToArray();
        Show("Message", $"\"{Encoding.UTF8.GetString(message)}\"");
        Show("Signature (DER ECDSA)", $"{signature.Length} bytes: {Convert.ToHexString(signature.AsSpan(0, 16))}...");

        Step("Verify in KMS, then with a tampered message");
        var verified = await kms.VerifyAsync(new VerifyRequest { KeyId = ecc.KeyId, Message = Bytes(message), Signature = Bytes(signature), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }, cancellationToken);
        Show("SignatureValid", verified.SignatureValid);
        var tampered = Encoding.UTF8.GetBytes("release v1.4.3, sha256=9f86d081884c7d659a2feaa0c55ad015");
        try
        {
            await kms.VerifyAsync(new VerifyRequest { KeyId = ecc.KeyId, Message = Bytes(tampered), Signature = Bytes(signature), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }, cancellationToken);
            output.WriteLine("   The tampered message verified: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (KMSInvalidSignatureException)
        {
            Show("Tampered message", "KMSInvalidSignatureException — Verify fails loudly, it never returns false");
        }

        Step("GetPublicKey, and verify outside KMS with nothing but .NET and the DER public key");
        var publicKey = (await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = ecc.KeyId }, cancellationToken)).PublicKey.ToArray();
        Show("Public key", $"{publicKey.Length} bytes of DER SubjectPublicKeyInfo");
        output.WriteLine("   " + new string(PemEncoding.Write("PUBLIC KEY", publicKey)).Replace("\n", "\n   ", StringComparison.Ordinal));
        using (var verifier = ECDsa.Create())
        {
            verifier.ImportSubjectPublicKeyInfo(publicKey, out _);
            Show("Outside KMS, original", verifier.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            Show("Outside KMS, tampered", verifier.VerifyData(tampered, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        Step("Large files: hash them yourself and sign the DIGEST (RSASSA_PSS_SHA_256)");
        var file = new byte[1_000_000];
        RandomNumberGenerator.Fill(file);
        var digest = SHA256.HashData(file);
        var pss = await kms.SignAsync(new SignRequest { KeyId = rsa.KeyId, Message = Bytes(digest), MessageType = MessageType.DIGEST, SigningAlgorithm = SigningAlgorithmSpec.RSASSA_PSS_SHA_256 }, cancellationToken);
        using (var rsaVerifier = RSA.Create())
        {
            rsaVerifier.ImportSubjectPublicKeyInfo((await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = rsa.KeyId }, cancellationToken)).PublicKey.ToArray(), out _);
            Show("1 MB file, signature", $"{pss.Signature.Length} bytes (salt = hash length, 32 bytes)");
            Show("Outside KMS", rsaVerifier.VerifyData(file, pss.Signature.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        }

        Step("Bring your own key material: a key with Origin EXTERNAL");
        var external = (await kms.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL, Description = "my own AES-256 key" }, cancellationToken)).KeyMetadata;
        Show("Key", external.Arn);
        Show("State", $"{external.KeyState} (no key material yet)");

        Step("GetParametersForImport: an RSA wrapping key and an import token, valid 24 hours");
        var parameters = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 }, cancellationToken);
        Show("Wrapping key", $"{parameters.PublicKey.Length} bytes, RSA_2048");
        Show("Import token", $"{parameters.ImportToken.Length} bytes, valid until {parameters.ParametersValidTo:u}");

        Step("Wrap 32 bytes of your own key material and import it, expiring in 30 days");
        var material = RandomNumberGenerator.GetBytes(32);
        var wrapped = KeyMaterialWrapping.Wrap(parameters.PublicKey.ToArray(), "RSA_AES_KEY_WRAP_SHA_256", material);
        Show("Wrapped", $"{wrapped.Length} bytes = RSA-OAEP(ephemeral AES key) + AES-KWP(material)");
        var validTo = lab.Clock.GetUtcNow().UtcDateTime.AddDays(30);
        var imported = await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = external.KeyId,
            ImportToken = parameters.ImportToken,
            EncryptedKeyMaterial = Bytes(wrapped),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_EXPIRES,
            ValidTo = validTo,
        }, cancellationToken);
        var described = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = external.KeyId }, cancellationToken)).KeyMetadata;
        Show("KeyMaterialId", imported.KeyMaterialId);
        Show("State", described.KeyState);
        Show("Expires", $"{described.ValidTo:u} ({described.ExpirationModel})");

        Step("Encrypt and decrypt under your own key material");
        var secret = Encoding.UTF8.GetBytes("encrypted under key material I generated");
        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = external.KeyId, Plaintext = Bytes(secret) }, cancellationToken)).CiphertextBlob.ToArray();
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes(blob) }, cancellationToken);
        Show("Decrypted", $"\"{Encoding.UTF8.GetString(decrypted.Plaintext.ToArray())}\"");

        Step("31 days later (simulated clock): the material has expired");
        lab.Clock.Advance(TimeSpan.FromDays(31));
        Show("State", (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = external.KeyId }, cancellationToken)).KeyMetadata.KeyState);
        try
        {
            await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes(blob) }, cancellationToken);
            output.WriteLine("   Decrypt worked with expired material: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (KMSInvalidStateException e)
        {
            Show("Decrypt", $"KMSInvalidStateException: {e.Message}");
        }

        Step("Re-import the same material: old ciphertexts decrypt again; other material is refused");
        var again = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 }, cancellationToken);
        await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
        {
            KeyId = external.KeyId,
            ImportToken = again.ImportToken,
            EncryptedKeyMaterial = Bytes(KeyMaterialWrapping.Wrap(again.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", material)),
            ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
        }, cancellationToken);
        var restored = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = Bytes(blob) }, cancellationToken);
        Show("Old ciphertext", $"decrypts again: \"{Encoding.UTF8.GetString(restored.Plaintext.ToArray())}\"");
        try
        {
            var other = await kms.GetParametersForImportAsync(new GetParametersForImportRequest { KeyId = external.KeyId, WrappingAlgorithm = AlgorithmSpec.RSAES_OAEP_SHA_256, WrappingKeySpec = WrappingKeySpec.RSA_2048 }, cancellationToken);
            await kms.ImportKeyMaterialAsync(new ImportKeyMaterialRequest
            {
                KeyId = external.KeyId,
                ImportToken = other.ImportToken,
                EncryptedKeyMaterial = Bytes(KeyMaterialWrapping.Wrap(other.PublicKey.ToArray(), "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32))),
                ExpirationModel = ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE,
            }, cancellationToken);
            output.WriteLine("   Different key material was accepted: this is not what AWS KMS does.");
            return ExitCodes.Failed;
        }
        catch (IncorrectKeyMaterialException)
        {
            Show("Different material", "IncorrectKeyMaterialException — a key stays bound to its material");
        }

        output.WriteLine($"{Environment.NewLine}Done. Keep a copy of imported key material: if it expires or is deleted, only you can bring it back.");
        return ExitCodes.Success;
    }
}
