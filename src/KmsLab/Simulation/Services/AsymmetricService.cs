using System.Security.Cryptography;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>Asymmetric keys (RSA, ECC) and HMAC keys: Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, and data key pairs.</summary>
internal sealed class AsymmetricService(RequestPipeline pipeline)
{
    private static readonly KmsOperation SignOperation = OperationCatalog.Get("Sign");
    private static readonly KmsOperation VerifyOperation = OperationCatalog.Get("Verify");
    private static readonly KmsOperation GetPublicKeyOperation = OperationCatalog.Get("GetPublicKey");
    private static readonly KmsOperation GenerateMacOperation = OperationCatalog.Get("GenerateMac");
    private static readonly KmsOperation VerifyMacOperation = OperationCatalog.Get("VerifyMac");
    private static readonly KmsOperation GenerateDataKeyPairOperation = OperationCatalog.Get("GenerateDataKeyPair");
    private static readonly KmsOperation GenerateDataKeyPairWithoutPlaintextOperation = OperationCatalog.Get("GenerateDataKeyPairWithoutPlaintext");

    private static readonly IReadOnlyList<string> DataKeyPairSpecs =
        ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"];

    private KmsWorld World => pipeline.World;

    public SignResponse Sign(CallContext ctx, SignRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Enum(request.MessageType, "messageType", SigningAlgorithm.MessageTypes)
            .Required(request.SigningAlgorithm, "signingAlgorithm").Enum(request.SigningAlgorithm, "signingAlgorithm", SigningAlgorithm.AllNames)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!)
        {
            GrantTokens = request.GrantTokens, DryRun = request.DryRun, Conditions = SigningConditions(request.SigningAlgorithm!, request.MessageType),
        };
        return pipeline.Run(SignOperation, ctx, call, (request.SigningAlgorithm!, request.Message!, request.MessageType, World.Random), SignSteps);
    }

    private static readonly KeyedSteps<(string Algorithm, byte[] Message, string? MessageType, RandomNumberGenerator Random), SignResponse> SignSteps =
        new(static (s, _, key) =>
        {
            var algorithm = SigningAlgorithm.Find(s.Algorithm)!;
            var material = key.CurrentMaterial;
            byte[] signature = algorithm.Scheme switch
            {
                SignatureScheme.Ed25519 => BouncyCastleKeys.SignEd25519(material.BouncyCastleKey, s.Message, prehash: false),
                // FIPS 186-5 §7.8.1 step 1: KMS hashes the DIGEST it is given once more (the SDK's MessageType doc).
                SignatureScheme.Ed25519ph => BouncyCastleKeys.SignEd25519(material.BouncyCastleKey, s.Message, prehash: true),
                SignatureScheme.MLDsa => BouncyCastleKeys.SignMLDsa(material.BouncyCastleKey, s.Message, s.MessageType == "EXTERNAL_MU", s.Random),
                // ECDSA signatures are DER-encoded (RFC 3279 Ecdsa-Sig-Value), as KMS returns them.
                _ => algorithm.RsaPadding is { } padding
                    ? material.Rsa.SignHash(MessageDigest(algorithm, s.Message, s.MessageType), algorithm.Hash, padding)
                    : material.Ecdsa.SignHash(MessageDigest(algorithm, s.Message, s.MessageType), DSASignatureFormat.Rfc3279DerSequence),
            };
            return new SignResponse { KeyId = key.Arn, Signature = signature, SigningAlgorithm = algorithm.Name };
        })
        {
            Check = static (s, _, key) => CheckMessage(SigningAlgorithmOf(key, s.Algorithm), s.Message, s.MessageType),
        };

    public VerifyResponse Verify(CallContext ctx, VerifyRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Enum(request.MessageType, "messageType", SigningAlgorithm.MessageTypes)
            .Required(request.Signature, "signature").Length(request.Signature, "signature", 1, KmsLimits.MaxSignature)
            .Required(request.SigningAlgorithm, "signingAlgorithm").Enum(request.SigningAlgorithm, "signingAlgorithm", SigningAlgorithm.AllNames)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!)
        {
            GrantTokens = request.GrantTokens, DryRun = request.DryRun, Conditions = SigningConditions(request.SigningAlgorithm!, request.MessageType),
        };
        return pipeline.Run(VerifyOperation, ctx, call, request, VerifySteps);
    }

    private static readonly KeyedSteps<VerifyRequest, VerifyResponse> VerifySteps =
        new(static (request, _, key) =>
        {
            var algorithm = SigningAlgorithm.Find(request.SigningAlgorithm!)!;
            // The message type need not match the one used to sign: a message and its digest are the same message.
            if (!VerifySignature(key.CurrentMaterial, algorithm, request.Message!, request.MessageType, request.Signature!))
            {
                throw new KmsException(KmsErrorCodes.KmsInvalidSignature,
                    $"The signature does not verify: it was not produced by signing this message with {key.Arn} and {algorithm.Name}.");
            }
            return new VerifyResponse { KeyId = key.Arn, SignatureValid = true, SigningAlgorithm = algorithm.Name };
        })
        {
            Check = static (request, _, key) => CheckMessage(SigningAlgorithmOf(key, request.SigningAlgorithm!), request.Message!, request.MessageType),
        };

    public GetPublicKeyResponse GetPublicKey(CallContext ctx, GetPublicKeyRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        RequestValidator.Start().GrantTokens(request.GrantTokens).ThrowIfInvalid();
        return pipeline.Run(GetPublicKeyOperation, ctx, new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens }, 0, GetPublicKeySteps);
    }

    private static readonly KeyedSteps<int, GetPublicKeyResponse> GetPublicKeySteps =
        new(static (_, _, key) =>
        {
            var encryption = key.Spec.EncryptionAlgorithms(key.KeyUsage);
            var signing = key.Spec.SigningAlgorithms(key.KeyUsage);
            var agreement = key.Spec.KeyAgreementAlgorithms(key.KeyUsage);
            var encapsulation = key.Spec.EncapsulationAlgorithms(key.KeyUsage);
            return new GetPublicKeyResponse
            {
                KeyId = key.Arn,
                PublicKey = key.CurrentMaterial.PublicKey,
                CustomerMasterKeySpec = key.Spec.Name,
                KeySpec = key.Spec.Name,
                KeyUsage = key.KeyUsage,
                EncryptionAlgorithms = encryption.Count > 0 ? [.. encryption] : null,
                SigningAlgorithms = signing.Count > 0 ? [.. signing] : null,
                KeyAgreementAlgorithms = agreement.Count > 0 ? [.. agreement] : null,
                EncapsulationAlgorithms = encapsulation.Count > 0 ? [.. encapsulation] : null,
            };
        })
        {
            // A symmetric or HMAC key has no public key, whatever its state.
            BeforeState = static (_, _, key) =>
            {
                if (!key.Spec.IsAsymmetric)
                {
                    throw KmsException.Unsupported($"{key.Arn} is a {key.Spec.Name} key. GetPublicKey works only with asymmetric KMS keys (RSA, ECC, ML-DSA and ML-KEM key specs).");
                }
            },
        };

    public GenerateMacResponse GenerateMac(CallContext ctx, GenerateMacRequest request)
    {
        RequestValidator.Start()
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.MacAlgorithm, "macAlgorithm").Enum(request.MacAlgorithm, "macAlgorithm", MacAlgorithms.AllNames)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun, Conditions = MacConditions(request.MacAlgorithm!) };
        return pipeline.Run(GenerateMacOperation, ctx, call, request, GenerateMacSteps);
    }

    private static readonly KeyedSteps<GenerateMacRequest, GenerateMacResponse> GenerateMacSteps =
        new(static (request, _, key) =>
        {
            var mac = MacAlgorithms.Compute(request.MacAlgorithm!, key.CurrentMaterial.Secret, request.Message);
            return new GenerateMacResponse { Mac = mac, MacAlgorithm = request.MacAlgorithm, KeyId = key.Arn };
        })
        {
            Check = static (request, _, key) => CheckMacAlgorithm(key, request.MacAlgorithm!),
        };

    public VerifyMacResponse VerifyMac(CallContext ctx, VerifyMacRequest request)
    {
        RequestValidator.Start()
            .Required(request.Message, "message").Length(request.Message, "message", 1, KmsLimits.MaxMessage, sensitive: true)
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.MacAlgorithm, "macAlgorithm").Enum(request.MacAlgorithm, "macAlgorithm", MacAlgorithms.AllNames)
            .Required(request.Mac, "mac").Length(request.Mac, "mac", 1, KmsLimits.MaxSignature)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun, Conditions = MacConditions(request.MacAlgorithm!) };
        return pipeline.Run(VerifyMacOperation, ctx, call, request, VerifyMacSteps);
    }

    private static readonly KeyedSteps<VerifyMacRequest, VerifyMacResponse> VerifyMacSteps =
        new(static (request, _, key) =>
        {
            var expected = MacAlgorithms.Compute(request.MacAlgorithm!, key.CurrentMaterial.Secret, request.Message);
            // FixedTimeEquals is false for different lengths, so a truncated MAC fails too.
            if (!CryptographicOperations.FixedTimeEquals(expected, request.Mac))
            {
                throw new KmsException(KmsErrorCodes.KmsInvalidMac,
                    $"The MAC does not verify: it was not generated for this message with {key.Arn} and {request.MacAlgorithm}.");
            }
            return new VerifyMacResponse { KeyId = key.Arn, MacValid = true, MacAlgorithm = request.MacAlgorithm };
        })
        {
            Check = static (request, _, key) => CheckMacAlgorithm(key, request.MacAlgorithm!),
        };

    public GenerateDataKeyPairResponse GenerateDataKeyPair(CallContext ctx, GenerateDataKeyPairRequest request) =>
        GenerateDataKeyPair(GenerateDataKeyPairOperation, ctx, request, withPlaintext: true);

    public GenerateDataKeyPairResponse GenerateDataKeyPairWithoutPlaintext(CallContext ctx, GenerateDataKeyPairRequest request) =>
        GenerateDataKeyPair(GenerateDataKeyPairWithoutPlaintextOperation, ctx, request, withPlaintext: false);

    /// <summary>
    /// A fresh key pair for use outside KMS: public key as DER SubjectPublicKeyInfo, private key as
    /// DER PKCS#8 PrivateKeyInfo (RFC 5958), that private key also encrypted under a symmetric KMS
    /// key in the same ciphertext format as GenerateDataKey (so Decrypt returns the PKCS#8 bytes).
    /// Its own path: the key is checked before paying for the pair (an RSA_4096 pair takes about a
    /// second), the pair is generated outside the world lock, and the key is checked again to use it.
    /// </summary>
    private GenerateDataKeyPairResponse GenerateDataKeyPair(KmsOperation op, CallContext ctx, GenerateDataKeyPairRequest request, bool withPlaintext)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.KeyPairSpec, "keyPairSpec").Enum(request.KeyPairSpec, "keyPairSpec", DataKeyPairSpecs)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        ChinaRegions.CheckKeySpec(request.KeyPairSpec!, ctx.Region);
        var pairSpec = KeySpecInfo.Get(request.KeyPairSpec!);
        if (!pairSpec.IsAsymmetric) throw KmsException.Unsupported($"KmsLab does not simulate {pairSpec.Name} data key pairs yet.");
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);

        pipeline.InWorld(ctx, (Service: this, Op: op, Ctx: ctx, Request: request), static (s, kms) => s.Service.CheckDataKeyPair(s.Op, s.Ctx, kms, s.Request));
        byte[] privateKey, publicKey;
        if (pairSpec.IsBouncyCastle)
        {
            // Ed25519 (RFC 8410) and ML-KEM (seed) private keys as PKCS#8, from a seed of the world's randomness.
            var seed = new byte[BouncyCastleKeys.SeedLength(pairSpec.Kind)];
            World.Random.GetBytes(seed);
            var pair = BouncyCastleKeys.PrivateKey(pairSpec, seed);
            privateKey = BouncyCastleKeys.PrivateKeyInfo(pair);
            publicKey = BouncyCastleKeys.SubjectPublicKeyInfo(pair);
            CryptographicOperations.ZeroMemory(seed);
        }
        else
        {
            using AsymmetricAlgorithm pair = pairSpec.Kind == KeyMaterialKind.Rsa ? World.KeyPairs.CreateRsa(pairSpec.Size) : World.KeyPairs.CreateEcdsa(pairSpec.Curve);
            privateKey = pair.ExportPkcs8PrivateKey();
            publicKey = pair.ExportSubjectPublicKeyInfo();
        }
        bool returned = false;
        try
        {
            var response = pipeline.InWorld(ctx, (Service: this, Op: op, Ctx: ctx, Request: request, PairSpec: pairSpec, Context: context, PrivateKey: privateKey, PublicKey: publicKey, WithPlaintext: withPlaintext),
                static (s, kms) =>
                {
                    var key = s.Service.DataKeyPairKey(s.Op, s.Ctx, kms, s.Request);
                    var blob = CiphertextBlob.Encrypt(key.Id, key.CurrentMaterial, s.PrivateKey, s.Context, s.Service.World.Random);
                    RequestPipeline.RecordUse(s.Op, s.Ctx, key);
                    return new GenerateDataKeyPairResponse
                    {
                        PrivateKeyCiphertextBlob = blob,
                        PrivateKeyPlaintext = s.WithPlaintext ? s.PrivateKey : null,
                        PublicKey = s.PublicKey,
                        KeyId = key.Arn,
                        KeyPairSpec = s.PairSpec.Name,
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

    /// <summary>The first pass of a data key pair: grant tokens, the key, DryRun — before the pair is paid for.</summary>
    private int CheckDataKeyPair(KmsOperation op, CallContext ctx, RegionalKms kms, GenerateDataKeyPairRequest request)
    {
        pipeline.CheckGrantTokens(request.GrantTokens);
        DataKeyPairKey(op, ctx, kms, request);
        RequestPipeline.ThrowIfDryRun(op, request.DryRun);
        return 0;
    }

    /// <summary>The key steps of a data key pair: its private key is encrypted under a symmetric encryption KMS key only.</summary>
    private KmsKey DataKeyPairKey(KmsOperation op, CallContext ctx, RegionalKms kms, GenerateDataKeyPairRequest request)
    {
        var key = pipeline.UsableKey(op, ctx, kms, request.KeyId!, op.Action, new KeyedCall(request.KeyId!)
        {
            EncryptionContext = request.EncryptionContext,
            Conditions = new Dictionary<string, IReadOnlyList<string>> { ["kms:DataKeyPairSpec"] = [request.KeyPairSpec!] },
        });
        if (!key.Spec.IsSymmetric) throw KeyChecks.InvalidKeyUsage(key, op.Name);
        return key;
    }

    private static Dictionary<string, IReadOnlyList<string>> SigningConditions(string algorithm, string? messageType) =>
        new() { ["kms:SigningAlgorithm"] = [algorithm], ["kms:MessageType"] = [messageType ?? "RAW"] };

    private static Dictionary<string, IReadOnlyList<string>> MacConditions(string algorithm) => new() { ["kms:MacAlgorithm"] = [algorithm] };

    /// <summary>The signing algorithm, if the key's spec supports it.</summary>
    private static SigningAlgorithm SigningAlgorithmOf(KmsKey key, string algorithmName)
    {
        if (!key.Spec.SigningAlgorithms(key.KeyUsage).Contains(algorithmName)) throw KeyChecks.IncompatibleAlgorithm(algorithmName, key);
        return SigningAlgorithm.Find(algorithmName) ?? throw KeyChecks.IncompatibleAlgorithm(algorithmName, key);
    }

    private static void CheckMacAlgorithm(KmsKey key, string algorithm)
    {
        if (!key.Spec.MacAlgorithms(key.KeyUsage).Contains(algorithm)) throw KeyChecks.IncompatibleAlgorithm(algorithm, key);
    }

    /// <summary>What <see cref="MessageDigest"/> refuses, checked before DryRun: a digest of the wrong length, a message type the algorithm does not take.</summary>
    private static void CheckMessage(SigningAlgorithm algorithm, byte[] message, string? messageType)
    {
        var type = messageType ?? "RAW";
        switch (algorithm.Scheme)
        {
            // The SDK's MessageType doc: ED25519_SHA_512 requires RAW, ED25519_PH_SHA_512 requires DIGEST; "not interchangeable".
            case SignatureScheme.Ed25519 when type != "RAW":
                throw KmsException.Validation($"The {algorithm.Name} signing algorithm requires MessageType RAW, not {type}. For a SHA-512 digest, use ED25519_PH_SHA_512 with MessageType DIGEST.");
            case SignatureScheme.Ed25519ph when type != "DIGEST":
                throw KmsException.Validation($"The {algorithm.Name} signing algorithm requires MessageType DIGEST (a 64-byte SHA-512 digest), not {type}. To sign a message itself, use ED25519_SHA_512 with MessageType RAW.");
            case SignatureScheme.MLDsa:
                if (type == "DIGEST") throw KmsException.Validation($"The {algorithm.Name} signing algorithm takes MessageType RAW or EXTERNAL_MU, not DIGEST.");
                if (type == "EXTERNAL_MU" && message.Length != SigningAlgorithm.MuLength)
                {
                    throw KmsException.Validation($"With MessageType EXTERNAL_MU the message must be the 64-byte representative mu (FIPS 204, section 6.2), not {message.Length} bytes.");
                }
                return;
        }
        switch (type)
        {
            case "RAW":
                return;
            case "DIGEST":
                if (message.Length != algorithm.HashLength) throw KmsException.Validation($"Digest is invalid length for algorithm {algorithm.Name}.");
                return;
            default:
                throw KmsException.Validation($"MessageType {messageType} is valid only with the ML_DSA_SHAKE_256 signing algorithm, not {algorithm.Name}.");
        }
    }

    /// <summary>
    /// What the signing algorithm signs: the hash of a RAW message, or a DIGEST as given — which
    /// <see cref="CheckMessage"/> has checked is exactly the algorithm's hash length.
    /// </summary>
    private static byte[] MessageDigest(SigningAlgorithm algorithm, byte[] message, string? messageType) =>
        (messageType ?? "RAW") == "RAW" ? algorithm.HashData(message) : message;

    private static bool VerifySignature(KeyMaterial material, SigningAlgorithm algorithm, byte[] message, string? messageType, byte[] signature)
    {
        try
        {
            return algorithm.Scheme switch
            {
                SignatureScheme.Ed25519 => BouncyCastleKeys.VerifyEd25519(material.BouncyCastleKey, message, signature, prehash: false),
                SignatureScheme.Ed25519ph => BouncyCastleKeys.VerifyEd25519(material.BouncyCastleKey, message, signature, prehash: true),
                SignatureScheme.MLDsa => BouncyCastleKeys.VerifyMLDsa(material.BouncyCastleKey, message, signature, messageType == "EXTERNAL_MU"),
                _ => algorithm.RsaPadding is { } padding
                    ? material.Rsa.VerifyHash(MessageDigest(algorithm, message, messageType), signature, algorithm.Hash, padding)
                    : material.Ecdsa.VerifyHash(MessageDigest(algorithm, message, messageType), signature, DSASignatureFormat.Rfc3279DerSequence),
            };
        }
        catch (CryptographicException)
        {
            return false; // a signature that is not even well-formed does not verify either
        }
    }
}
