using System.Security.Cryptography;
using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

/// <summary>Asymmetric keys (RSA, ECC), HMAC keys and data key pairs.</summary>
internal sealed partial class KmsEngine
{
    private static readonly IReadOnlyList<string> DataKeyPairSpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519"];

    public SignResponse Sign(CallContext ctx, SignRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Enum(request.MessageType, "messageType", SigningAlgorithm.MessageTypes)
            .Required(request.SigningAlgorithm, "signingAlgorithm").Enum(request.SigningAlgorithm, "signingAlgorithm", SigningAlgorithm.AllNames);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var (key, algorithm) = UsableSigningKey(ctx, kms, request.KeyId!, request.SigningAlgorithm!, request.MessageType, "Sign");
            var digest = MessageDigest(algorithm, request.Message!, request.MessageType);
            ThrowIfDryRun(request.DryRun);
            var material = key.CurrentMaterial;
            // ECDSA signatures are DER-encoded (RFC 3279 Ecdsa-Sig-Value), as KMS returns them.
            byte[] signature = algorithm.RsaPadding is { } padding
                ? material.Rsa.SignHash(digest, algorithm.Hash, padding)
                : material.Ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
            return new SignResponse { KeyId = key.Arn, Signature = signature, SigningAlgorithm = algorithm.Name };
        });
    }

    public VerifyResponse Verify(CallContext ctx, VerifyRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Enum(request.MessageType, "messageType", SigningAlgorithm.MessageTypes)
            .Required(request.Signature, "signature").Length(request.Signature, "signature", 1, KmsLimits.MaxSignature)
            .Required(request.SigningAlgorithm, "signingAlgorithm").Enum(request.SigningAlgorithm, "signingAlgorithm", SigningAlgorithm.AllNames);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var (key, algorithm) = UsableSigningKey(ctx, kms, request.KeyId!, request.SigningAlgorithm!, request.MessageType, "Verify");
            // The message type need not match the one used to sign: a message and its digest are the same message.
            var digest = MessageDigest(algorithm, request.Message!, request.MessageType);
            ThrowIfDryRun(request.DryRun);
            if (!VerifyDigest(key.CurrentMaterial, algorithm, digest, request.Signature!))
            {
                throw new KmsException(KmsErrorCodes.KmsInvalidSignature,
                    $"The signature does not verify: it was not produced by signing this message with {key.Arn} and {algorithm.Name}.");
            }
            return new VerifyResponse { KeyId = key.Arn, SignatureValid = true, SigningAlgorithm = algorithm.Name };
        });
    }

    public GetPublicKeyResponse GetPublicKey(CallContext ctx, GetPublicKeyRequest request)
    {
        ValidateKeyId(request.KeyId);
        var v = RequestValidator.Start();
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = AuthorizedKey(ctx, kms, request.KeyId!, "kms:GetPublicKey");
            if (!key.Spec.IsAsymmetric)
            {
                throw KmsException.Unsupported($"{key.Arn} is a {key.Spec.Name} key. GetPublicKey works only with asymmetric KMS keys (RSA and ECC key specs).");
            }
            key.EnsureUsable();
            var encryption = key.Spec.EncryptionAlgorithms(key.KeyUsage);
            var signing = key.Spec.SigningAlgorithms(key.KeyUsage);
            return new GetPublicKeyResponse
            {
                KeyId = key.Arn,
                PublicKey = key.CurrentMaterial.PublicKey,
                CustomerMasterKeySpec = key.Spec.Name,
                KeySpec = key.Spec.Name,
                KeyUsage = key.KeyUsage,
                EncryptionAlgorithms = encryption.Count > 0 ? [.. encryption] : null,
                SigningAlgorithms = signing.Count > 0 ? [.. signing] : null,
            };
        });
    }

    public GenerateMacResponse GenerateMac(CallContext ctx, GenerateMacRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.MacAlgorithm, "macAlgorithm").Enum(request.MacAlgorithm, "macAlgorithm", MacAlgorithms.AllNames);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = UsableMacKey(ctx, kms, request.KeyId!, request.MacAlgorithm!, "GenerateMac");
            ThrowIfDryRun(request.DryRun);
            var mac = MacAlgorithms.Compute(request.MacAlgorithm!, key.CurrentMaterial.Secret, request.Message);
            return new GenerateMacResponse { Mac = mac, MacAlgorithm = request.MacAlgorithm, KeyId = key.Arn };
        });
    }

    public VerifyMacResponse VerifyMac(CallContext ctx, VerifyMacRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.MacAlgorithm, "macAlgorithm").Enum(request.MacAlgorithm, "macAlgorithm", MacAlgorithms.AllNames)
            .Required(request.Mac, "mac").Length(request.Mac, "mac", 1, KmsLimits.MaxSignature);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = UsableMacKey(ctx, kms, request.KeyId!, request.MacAlgorithm!, "VerifyMac");
            ThrowIfDryRun(request.DryRun);
            var expected = MacAlgorithms.Compute(request.MacAlgorithm!, key.CurrentMaterial.Secret, request.Message);
            // FixedTimeEquals is false for different lengths, so a truncated MAC fails too.
            if (!CryptographicOperations.FixedTimeEquals(expected, request.Mac))
            {
                throw new KmsException(KmsErrorCodes.KmsInvalidMac,
                    $"The MAC does not verify: it was not generated for this message with {key.Arn} and {request.MacAlgorithm}.");
            }
            return new VerifyMacResponse { KeyId = key.Arn, MacValid = true, MacAlgorithm = request.MacAlgorithm };
        });
    }

    public GenerateDataKeyPairResponse GenerateDataKeyPair(CallContext ctx, GenerateDataKeyPairRequest request) => GenerateDataKeyPair(ctx, request, withPlaintext: true);

    public GenerateDataKeyPairResponse GenerateDataKeyPairWithoutPlaintext(CallContext ctx, GenerateDataKeyPairRequest request) => GenerateDataKeyPair(ctx, request, withPlaintext: false);

    /// <summary>
    /// A fresh key pair for use outside KMS: public key as DER SubjectPublicKeyInfo, private key as
    /// DER PKCS#8 PrivateKeyInfo (RFC 5958), that private key also encrypted under a symmetric KMS
    /// key in the same ciphertext format as GenerateDataKey (so Decrypt returns the PKCS#8 bytes).
    /// </summary>
    private GenerateDataKeyPairResponse GenerateDataKeyPair(CallContext ctx, GenerateDataKeyPairRequest request, bool withPlaintext)
    {
        var operation = withPlaintext ? "GenerateDataKeyPair" : "GenerateDataKeyPairWithoutPlaintext";
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.KeyPairSpec, "keyPairSpec").Enum(request.KeyPairSpec, "keyPairSpec", DataKeyPairSpecs);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        if (request.KeyPairSpec == "SM2") throw KmsException.Unsupported("SM2 data key pairs are available only in China Regions.");
        var pairSpec = KeySpecInfo.Get(request.KeyPairSpec!);
        if (!pairSpec.IsAsymmetric) throw KmsException.Unsupported($"KmsLab does not simulate {pairSpec.Name} data key pairs yet.");
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);

        // Check the key before paying for the pair (an RSA_4096 pair takes about a second), and
        // generate the pair outside the world lock.
        Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            UsableDataKeyPairKey(ctx, kms, request.KeyId!, operation, request.KeyPairSpec!, request.EncryptionContext);
            ThrowIfDryRun(request.DryRun);
            return 0;
        });
        byte[] privateKey, publicKey;
        using (AsymmetricAlgorithm pair = pairSpec.Kind == KeyMaterialKind.Rsa ? World.KeyPairs.CreateRsa(pairSpec.Size) : World.KeyPairs.CreateEcdsa(pairSpec.Curve))
        {
            privateKey = pair.ExportPkcs8PrivateKey();
            publicKey = pair.ExportSubjectPublicKeyInfo();
        }
        bool returned = false;
        try
        {
            var response = Run(ctx, kms =>
            {
                var key = UsableDataKeyPairKey(ctx, kms, request.KeyId!, operation, request.KeyPairSpec!, request.EncryptionContext);
                var blob = CiphertextBlob.Encrypt(key.Id, key.CurrentMaterial, privateKey, context, World.Random);
                return new GenerateDataKeyPairResponse
                {
                    PrivateKeyCiphertextBlob = blob,
                    PrivateKeyPlaintext = withPlaintext ? privateKey : null,
                    PublicKey = publicKey,
                    KeyId = key.Arn,
                    KeyPairSpec = pairSpec.Name,
                    KeyMaterialId = key.CurrentMaterial.Id,
                };
            });
            returned = withPlaintext;
            return response;
        }
        finally
        {
            if (!returned) CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private KmsKey UsableDataKeyPairKey(CallContext ctx, RegionalKms kms, string keyId, string operation, string keyPairSpec, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        var key = ResolveKey(ctx, kms, keyId);
        Authorize(ctx, "kms:" + operation, key, encryptionContext, new Dictionary<string, IReadOnlyList<string>> { ["kms:DataKeyPairSpec"] = [keyPairSpec] });
        key.EnsureUsable();
        // The private key of a data key pair is encrypted under a symmetric encryption KMS key only.
        if (key.KeyUsage != "ENCRYPT_DECRYPT" || !key.Spec.IsSymmetric) throw InvalidKeyUsage(key, operation);
        return key;
    }

    private (KmsKey Key, SigningAlgorithm Algorithm) UsableSigningKey(CallContext ctx, RegionalKms kms, string keyId, string algorithmName, string? messageType, string operation)
    {
        var key = ResolveKey(ctx, kms, keyId);
        Authorize(ctx, "kms:" + operation, key, extra: new Dictionary<string, IReadOnlyList<string>> { ["kms:SigningAlgorithm"] = [algorithmName], ["kms:MessageType"] = [messageType ?? "RAW"] });
        key.EnsureUsable();
        if (key.KeyUsage != "SIGN_VERIFY") throw InvalidKeyUsage(key, operation);
        if (!key.Spec.SigningAlgorithms(key.KeyUsage).Contains(algorithmName)) throw IncompatibleAlgorithm(algorithmName, key);
        var algorithm = SigningAlgorithm.Find(algorithmName) ?? throw IncompatibleAlgorithm(algorithmName, key);
        return (key, algorithm);
    }

    private KmsKey UsableMacKey(CallContext ctx, RegionalKms kms, string keyId, string algorithm, string operation)
    {
        var key = ResolveKey(ctx, kms, keyId);
        Authorize(ctx, "kms:" + operation, key, extra: new Dictionary<string, IReadOnlyList<string>> { ["kms:MacAlgorithm"] = [algorithm] });
        key.EnsureUsable();
        if (key.KeyUsage != "GENERATE_VERIFY_MAC") throw InvalidKeyUsage(key, operation);
        if (!key.Spec.MacAlgorithms(key.KeyUsage).Contains(algorithm)) throw IncompatibleAlgorithm(algorithm, key);
        return key;
    }

    /// <summary>
    /// What the signing algorithm signs: the hash of a RAW message, or a DIGEST as given — which must
    /// then be exactly the algorithm's hash length.
    /// </summary>
    private static byte[] MessageDigest(SigningAlgorithm algorithm, byte[] message, string? messageType)
    {
        switch (messageType ?? "RAW")
        {
            case "RAW":
                return algorithm.HashData(message);
            case "DIGEST":
                if (message.Length != algorithm.HashLength) throw KmsException.Validation($"Digest is invalid length for algorithm {algorithm.Name}.");
                return message;
            default:
                throw KmsException.Validation($"MessageType {messageType} is valid only with the ML_DSA_SHAKE_256 signing algorithm, not {algorithm.Name}.");
        }
    }

    private static bool VerifyDigest(KeyMaterial material, SigningAlgorithm algorithm, byte[] digest, byte[] signature)
    {
        try
        {
            return algorithm.RsaPadding is { } padding
                ? material.Rsa.VerifyHash(digest, signature, algorithm.Hash, padding)
                : material.Ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // a signature that is not even well-formed does not verify either
        }
    }

    /// <summary>
    /// What RSAES-OAEP under an RSA key cannot take: an encryption context, or more plaintext than
    /// the padding leaves room for (214 bytes for RSA_2048 with SHA-1 ... 446 for RSA_4096 with SHA-256).
    /// </summary>
    private static void CheckEncryptable(KmsKey key, string algorithm, byte[] plaintext, byte[] canonicalContext, string member)
    {
        if (key.Spec.IsSymmetric) return;
        if (canonicalContext.Length > 0) throw EncryptionContextNotSupported(key);
        int max = EncryptionAlgorithms.MaxRsaPlaintext(key.Spec.RsaModulusBytes, algorithm);
        RequestValidator.Start().Length(plaintext, member, 1, max, sensitive: true).ThrowIfInvalid();
    }

    /// <summary>Decrypt with an asymmetric key named by KeyId (its ciphertext does not name it, unlike KmsLab's symmetric blobs).</summary>
    private static (KmsKey Key, KeyMaterial Material, byte[] Plaintext, string Algorithm) DecryptAsymmetric(KmsKey key, byte[] ciphertext, string? algorithm, byte[] canonicalContext)
    {
        key.EnsureUsable();
        if (key.KeyUsage != "ENCRYPT_DECRYPT") throw InvalidKeyUsage(key, "Decrypt");
        var effective = algorithm ?? EncryptionAlgorithms.SymmetricDefault;
        if (!key.Spec.EncryptionAlgorithms(key.KeyUsage).Contains(effective)) throw IncompatibleAlgorithm(effective, key);
        if (canonicalContext.Length > 0) throw EncryptionContextNotSupported(key);
        var material = key.CurrentMaterial;
        if (ciphertext.Length != key.Spec.RsaModulusBytes) throw InvalidCiphertext();
        try
        {
            return (key, material, material.Rsa.Decrypt(ciphertext, EncryptionAlgorithms.RsaPadding(effective)), effective);
        }
        catch (CryptographicException)
        {
            throw InvalidCiphertext();
        }
    }

    private static KmsException IncompatibleAlgorithm(string algorithm, KmsKey key) =>
        new(KmsErrorCodes.InvalidKeyUsage, $"Algorithm {algorithm} is incompatible with key spec {key.Spec.Name}.");

    private static KmsException EncryptionContextNotSupported(KmsKey key) =>
        KmsException.Validation($"EncryptionContext is not supported with asymmetric KMS keys; {key.Arn} is a {key.Spec.Name} key. Omit it.");
}
