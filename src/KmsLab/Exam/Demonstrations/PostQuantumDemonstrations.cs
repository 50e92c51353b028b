using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.KeyTools;
using Org.BouncyCastle.Crypto.Digests;

namespace KmsLab.Exam.Demonstrations;

/// <summary>The answers of the topic <c>post-quantum</c> (lesson 13), shown on the simulator and checked offline.</summary>
internal static class PostQuantumDemonstrations
{
    private static readonly byte[] Manifest = "door-lock firmware 4.2: sha256 9f2c e1a0"u8.ToArray();

    [Proves("13.2")]
    internal static async Task<string> LongMessagesAreSignedThroughExternalMu(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKeyAsync(kms, KeySpec.ML_DSA_65);
        var document = new byte[KmsFacts.MaxSignMessageBytes * 5];
        var raw = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => SignAsync(kms, key, new byte[KmsFacts.MaxSignMessageBytes + 1], MessageType.RAW));
        Demonstrate.That(raw.ErrorCode == "ValidationException", $"a RAW message over the limit is a ValidationException (got {raw.ErrorCode})");
        var digest = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => SignAsync(kms, key, System.Security.Cryptography.SHA256.HashData(document), MessageType.DIGEST));
        Demonstrate.That(digest.ErrorCode == "ValidationException", $"ML-DSA keys do not take MessageType DIGEST (got {digest.ErrorCode})");
        var publicKey = await PublicKeyAsync(kms, key);
        var signature = await SignAsync(kms, key, Mu(publicKey, document), MessageType.EXTERNAL_MU);
        Demonstrate.That(PostQuantumSignatures.VerifyMLDsa(publicKey, document, signature), "the EXTERNAL_MU signature verifies as an ML-DSA signature of the whole document");
        return $"ML_DSA_65: RAW of {KmsFacts.MaxSignMessageBytes + 1} bytes and DIGEST → ValidationException; EXTERNAL_MU of a locally computed μ signs the {document.Length}-byte document";
    }

    [Proves("pq.external-mu-verification")]
    internal static async Task<string> AnExternalMuSignatureIsAnOrdinarySignature(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKeyAsync(kms, KeySpec.ML_DSA_44);
        var document = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("clause 7.3 applies. ", 600)));
        var publicKey = await PublicKeyAsync(kms, key);
        var signature = await SignAsync(kms, key, Mu(publicKey, document), MessageType.EXTERNAL_MU);
        // The partner's side: only the document, the signature and the public key.
        Demonstrate.That(PostQuantumSignatures.VerifyMLDsa(publicKey, document, signature), "the partner verifies the whole document offline, without μ");
        var altered = document.ToArray();
        altered[^2] ^= 1;
        Demonstrate.That(!PostQuantumSignatures.VerifyMLDsa(publicKey, altered, signature), "a changed document does not verify");
        return $"signed through EXTERNAL_MU, the {document.Length}-byte document verifies offline with the public key alone; one changed byte does not";
    }

    [Proves("pq.verify-offline")]
    internal static async Task<string> MlDsaVerifiesOfflineWithThePublicKey(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = await SigningKeyAsync(kms, KeySpec.ML_DSA_65);
        var signature = await SignAsync(kms, key, Manifest, MessageType.RAW);
        var publicKey = await PublicKeyAsync(kms, key);
        Demonstrate.That(PostQuantumSignatures.VerifyMLDsa(publicKey, Manifest, signature), "GetPublicKey's DER key verifies the signature offline (BouncyCastle)");
        var tampered = Manifest.ToArray();
        tampered[0] ^= 1;
        Demonstrate.That(!PostQuantumSignatures.VerifyMLDsa(publicKey, tampered, signature), "a changed message does not verify");
        return "ML_DSA_65 signature verified offline with the public key from GetPublicKey; a changed byte fails";
    }

    [Proves("pq.mldsa-cannot-encrypt")]
    internal static async Task<string> MlDsaKeysOnlySign(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var refused = await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_DSA_65, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT }));
        Demonstrate.That(refused.ErrorCode == "ValidationException", $"ML_DSA_65 with ENCRYPT_DECRYPT is a ValidationException (got {refused.ErrorCode})");
        var symmetric = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Demonstrate.That(symmetric.EncryptionAlgorithms.Contains("SYMMETRIC_DEFAULT"), "a symmetric key encrypts with SYMMETRIC_DEFAULT (AES-256-GCM)");
        return "CreateKey ML_DSA_65 + ENCRYPT_DECRYPT → ValidationException; data is for SYMMETRIC_DEFAULT keys";
    }

    [Proves("pq.size-budget")]
    internal static async Task<string> MlDsaSignaturesAreKilobytes(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var sizes = new List<string>();
        foreach (var (spec, expected) in new[] { (KeySpec.ML_DSA_44, KmsFacts.MlDsa44SignatureBytes), (KeySpec.ML_DSA_65, KmsFacts.MlDsa65SignatureBytes), (KeySpec.ML_DSA_87, KmsFacts.MlDsa87SignatureBytes) })
        {
            var signature = await SignAsync(kms, await SigningKeyAsync(kms, spec), Manifest, MessageType.RAW);
            Demonstrate.That(signature.Length == expected, $"a {spec.Value} signature is {expected} bytes (got {signature.Length})");
            sizes.Add($"{spec.Value} {signature.Length}");
        }
        var ecdsa = (await kms.SignAsync(new SignRequest { KeyId = await SigningKeyAsync(kms, KeySpec.ECC_NIST_P256), Message = new MemoryStream(Manifest), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.Length;
        Demonstrate.That(ecdsa < 100, $"an ECDSA P-256 signature is tens of bytes (got {ecdsa})");
        return $"signature bytes: {string.Join(", ", sizes)}; ECC_NIST_P256 {ecdsa}";
    }

    [Proves("13.3")]
    internal static async Task<string> OnlyEcdsaFitsAOneKilobyteFrame(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var ecdsa = (await kms.SignAsync(new SignRequest { KeyId = await SigningKeyAsync(kms, KeySpec.ECC_NIST_P256), Message = new MemoryStream(Manifest), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 })).Signature.Length;
        var smallest = (await SignAsync(kms, await SigningKeyAsync(kms, KeySpec.ML_DSA_44), Manifest, MessageType.RAW)).Length;
        Demonstrate.That(ecdsa < 1024 && smallest > 1024, $"ECDSA P-256 fits a 1 KB frame and even ML_DSA_44 does not (got {ecdsa} and {smallest} bytes)");
        return $"ECDSA P-256 signature {ecdsa} bytes; ML_DSA_44, the smallest ML-DSA, {smallest} bytes: over a 1,024-byte frame";
    }

    [Proves("pq.signing-algorithm")]
    internal static async Task<string> MlDsaSignsWithOneAlgorithm(Lab lab)
    {
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ML_DSA_44, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        Demonstrate.That(key.SigningAlgorithms.SequenceEqual(["ML_DSA_SHAKE_256"]), $"an ML-DSA key lists the one algorithm ML_DSA_SHAKE_256 (got {string.Join(", ", key.SigningAlgorithms)})");
        await Demonstrate.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.SignAsync(new SignRequest { KeyId = key.KeyId, Message = new MemoryStream(Manifest), SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256 }));
        await SignAsync(kms, key.KeyId, Manifest, MessageType.RAW);
        return "ML_DSA_44's SigningAlgorithms: ML_DSA_SHAKE_256; Sign with ECDSA_SHA_256 is refused, with ML_DSA_SHAKE_256 it works";
    }

    /// <summary>
    /// ML-DSA's message representative for pure ML-DSA with an empty context (FIPS 204 Algorithm 7,
    /// line 6, with M′ = 0 ‖ 0 ‖ M from Algorithm 2): μ = SHAKE256(tr ‖ M′, 64), tr = SHAKE256(pk, 64).
    /// Computed here with BouncyCastle, apart from the simulator's signer.
    /// </summary>
    private static byte[] Mu(byte[] subjectPublicKeyInfo, byte[] message)
    {
        var pk = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(subjectPublicKeyInfo).PublicKey.GetBytes();
        var tr = Shake256(pk);
        return Shake256([.. tr, 0, 0, .. message]);
    }

    private static byte[] Shake256(byte[] input)
    {
        var shake = new ShakeDigest(256);
        shake.BlockUpdate(input, 0, input.Length);
        var output = new byte[64];
        shake.OutputFinal(output, 0, output.Length);
        return output;
    }

    private static async Task<string> SigningKeyAsync(IAmazonKeyManagementService kms, KeySpec spec) =>
        (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata.KeyId;

    private static async Task<byte[]> PublicKeyAsync(IAmazonKeyManagementService kms, string key) =>
        (await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key })).PublicKey.ToArray();

    private static async Task<byte[]> SignAsync(IAmazonKeyManagementService kms, string key, byte[] message, MessageType type) =>
        (await kms.SignAsync(new SignRequest { KeyId = key, Message = new MemoryStream(message), MessageType = type, SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256 })).Signature.ToArray();
}
