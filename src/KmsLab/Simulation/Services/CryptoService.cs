using System.Security.Cryptography;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>Symmetric cryptography (and RSA encryption): Encrypt, Decrypt, ReEncrypt, data keys and random bytes.</summary>
internal sealed class CryptoService(RequestPipeline pipeline, ExternalKeyStores externalKeys)
{
    private static readonly KmsOperation EncryptOperation = OperationCatalog.Get("Encrypt");
    private static readonly KmsOperation DecryptOperation = OperationCatalog.Get("Decrypt");
    private static readonly KmsOperation ReEncryptOperation = OperationCatalog.Get("ReEncrypt");
    private static readonly KmsOperation GenerateDataKeyOperation = OperationCatalog.Get("GenerateDataKey");
    private static readonly KmsOperation GenerateDataKeyWithoutPlaintextOperation = OperationCatalog.Get("GenerateDataKeyWithoutPlaintext");
    private static readonly KmsOperation GenerateRandomOperation = OperationCatalog.Get("GenerateRandom");

    private static readonly IReadOnlyList<string> EncryptionAlgorithmSpecs = EncryptionAlgorithms.AllNames;
    private static readonly IReadOnlyList<string> DataKeySpecs = ["AES_256", "AES_128"];

    /// <summary>KMS words a key-usage error of an encryption key's operations (GenerateDataKey, ReEncrypt's destination) as Encrypt's.</summary>
    private const string EncryptUsage = "Encrypt";

    private KmsWorld World => pipeline.World;

    public EncryptResponse Encrypt(CallContext ctx, EncryptRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Plaintext, "plaintext").Length(request.Plaintext, "plaintext", 1, KmsLimits.MaxSymmetricPlaintext, sensitive: true)
            .Enum(request.EncryptionAlgorithm, "encryptionAlgorithm", EncryptionAlgorithmSpecs)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun, EncryptionContext = request.EncryptionContext };
        return pipeline.Run(EncryptOperation, ctx, call, (Service: this, Ctx: ctx, Request: request, Context: context), EncryptSteps);
    }

    private static readonly KeyedSteps<(CryptoService Service, CallContext Ctx, EncryptRequest Request, byte[] Context), EncryptResponse> EncryptSteps =
        new(static (s, _, key) => s.Service.Encrypt(s.Ctx, key, s.Request, s.Context))
        {
            Check = static (s, _, key) =>
            {
                var algorithm = CheckEncryptionAlgorithm(key, s.Request.EncryptionAlgorithm);
                CheckEncryptable(key, algorithm, s.Request.Plaintext!, s.Context, "plaintext");
            },
        };

    private EncryptResponse Encrypt(CallContext ctx, KmsKey key, EncryptRequest request, byte[] context)
    {
        var algorithm = request.EncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
        var blob = EncryptUnder(ctx, EncryptOperation, key, algorithm, request.Plaintext!, context);
        return new EncryptResponse { CiphertextBlob = blob, KeyId = key.Arn, EncryptionAlgorithm = algorithm, KeyMaterialId = key.Spec.IsSymmetric ? key.CurrentMaterial.Id : null };
    }

    public DecryptResponse Decrypt(CallContext ctx, DecryptRequest request)
    {
        RequestValidator.Start()
            .Required(request.CiphertextBlob, "ciphertextBlob").Length(request.CiphertextBlob, "ciphertextBlob", 1, KmsLimits.MaxCiphertextBlob)
            .Length(request.KeyId, "keyId", 1, 2048)
            .Enum(request.EncryptionAlgorithm, "encryptionAlgorithm", EncryptionAlgorithmSpecs)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        if (IgnoresCiphertext(request.DryRun, request.DryRunModifiers, request.KeyId, "KeyId"))
        {
            return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) =>
            {
                s.Service.AuthorizeOnly(DecryptOperation, s.Ctx, kms, s.Request.GrantTokens, (s.Request.KeyId!, DecryptOperation.Action, s.Request.EncryptionContext));
                return new DecryptResponse(); // not reached: AuthorizeOnly ends in DryRunOperationException
            });
        }
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request, Context: context), static (s, kms) => s.Service.Decrypt(s.Ctx, kms, s.Request, s.Context));
    }

    /// <summary>Decrypt's own path: the key comes from the ciphertext (or, for RSA, from KeyId), so it runs the pipeline's steps itself.</summary>
    private DecryptResponse Decrypt(CallContext ctx, RegionalKms kms, DecryptRequest request, byte[] context)
    {
        pipeline.CheckGrantTokens(request.GrantTokens);
        var (key, material, plaintext, algorithm) = DecryptBlob(DecryptOperation, DecryptOperation.Action, ctx, kms, request.CiphertextBlob!, request.KeyId, request.EncryptionAlgorithm, context, request.EncryptionContext);
        RequestPipeline.ThrowIfDryRun(DecryptOperation, request.DryRun);
        RequestPipeline.RecordUse(DecryptOperation, ctx, key);
        // KeyMaterialId is present only for symmetric encryption keys.
        return new DecryptResponse { KeyId = key.Arn, Plaintext = plaintext, EncryptionAlgorithm = algorithm, KeyMaterialId = key.Spec.IsSymmetric ? material.Id : null };
    }

    public ReEncryptResponse ReEncrypt(CallContext ctx, ReEncryptRequest request)
    {
        RequestValidator.Start()
            .Required(request.CiphertextBlob, "ciphertextBlob").Length(request.CiphertextBlob, "ciphertextBlob", 1, KmsLimits.MaxCiphertextBlob)
            .Length(request.SourceKeyId, "sourceKeyId", 1, 2048)
            .Required(request.DestinationKeyId, "destinationKeyId").Length(request.DestinationKeyId, "destinationKeyId", 1, 2048)
            .Enum(request.SourceEncryptionAlgorithm, "sourceEncryptionAlgorithm", EncryptionAlgorithmSpecs)
            .Enum(request.DestinationEncryptionAlgorithm, "destinationEncryptionAlgorithm", EncryptionAlgorithmSpecs)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        if (IgnoresCiphertext(request.DryRun, request.DryRunModifiers, request.SourceKeyId, "SourceKeyId"))
        {
            return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) =>
            {
                s.Service.AuthorizeOnly(ReEncryptOperation, s.Ctx, kms, s.Request.GrantTokens,
                    (s.Request.SourceKeyId!, "kms:ReEncryptFrom", s.Request.SourceEncryptionContext),
                    (s.Request.DestinationKeyId!, "kms:ReEncryptTo", s.Request.DestinationEncryptionContext));
                return new ReEncryptResponse(); // not reached: AuthorizeOnly ends in DryRunOperationException
            });
        }
        var sourceContext = EncryptionContext.Canonicalize(request.SourceEncryptionContext);
        var destinationContext = EncryptionContext.Canonicalize(request.DestinationEncryptionContext);
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request, Source: sourceContext, Destination: destinationContext),
            static (s, kms) => s.Service.ReEncrypt(s.Ctx, kms, s.Request, s.Source, s.Destination));
    }

    /// <summary>ReEncrypt's own path: two keys, the source from the ciphertext (kms:ReEncryptFrom), the destination from DestinationKeyId (kms:ReEncryptTo).</summary>
    private ReEncryptResponse ReEncrypt(CallContext ctx, RegionalKms kms, ReEncryptRequest request, byte[] sourceContext, byte[] destinationContext)
    {
        var op = ReEncryptOperation;
        pipeline.CheckGrantTokens(request.GrantTokens);
        var (source, sourceMaterial, plaintext, sourceAlgorithm) = DecryptBlob(op, "kms:ReEncryptFrom", ctx, kms, request.CiphertextBlob!, request.SourceKeyId, request.SourceEncryptionAlgorithm, sourceContext, request.SourceEncryptionContext);
        try
        {
            var destination = pipeline.UsableKey(op, ctx, kms, request.DestinationKeyId!, "kms:ReEncryptTo",
                new KeyedCall(request.DestinationKeyId!) { EncryptionContext = request.DestinationEncryptionContext, UsageNamedAs = EncryptUsage });
            var destinationAlgorithm = CheckEncryptionAlgorithm(destination, request.DestinationEncryptionAlgorithm);
            CheckEncryptable(destination, destinationAlgorithm, plaintext, destinationContext, "plaintext");
            RequestPipeline.ThrowIfDryRun(op, request.DryRun);
            var blob = EncryptUnder(ctx, op, destination, destinationAlgorithm, plaintext, destinationContext);
            RequestPipeline.RecordUse(op, ctx, source);
            RequestPipeline.RecordUse(op, ctx, destination);
            return new ReEncryptResponse
            {
                CiphertextBlob = blob,
                SourceKeyId = source.Arn,
                KeyId = destination.Arn,
                SourceEncryptionAlgorithm = sourceAlgorithm,
                DestinationEncryptionAlgorithm = destinationAlgorithm,
                SourceKeyMaterialId = source.Spec.IsSymmetric ? sourceMaterial.Id : null,
                DestinationKeyMaterialId = destination.Spec.IsSymmetric ? destination.CurrentMaterial.Id : null,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public GenerateDataKeyResponse GenerateDataKey(CallContext ctx, GenerateDataKeyRequest request) => GenerateDataKey(GenerateDataKeyOperation, ctx, request, withPlaintext: true);

    public GenerateDataKeyResponse GenerateDataKeyWithoutPlaintext(CallContext ctx, GenerateDataKeyRequest request) => GenerateDataKey(GenerateDataKeyWithoutPlaintextOperation, ctx, request, withPlaintext: false);

    private GenerateDataKeyResponse GenerateDataKey(KmsOperation op, CallContext ctx, GenerateDataKeyRequest request, bool withPlaintext)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Range(request.NumberOfBytes, "numberOfBytes", 1, KmsLimits.MaxDataKeyBytes)
            .Enum(request.KeySpec, "keySpec", DataKeySpecs)
            .GrantTokens(request.GrantTokens)
            .ThrowIfInvalid();
        if ((request.NumberOfBytes is null) == (request.KeySpec is null)) throw KmsException.Validation("Please specify either number of bytes or key spec.");
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        int length = request.NumberOfBytes ?? (request.KeySpec == "AES_128" ? KmsLimits.Aes128DataKeyBytes : KmsLimits.Aes256DataKeyBytes);
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        var call = new KeyedCall(request.KeyId!) { GrantTokens = request.GrantTokens, DryRun = request.DryRun, EncryptionContext = request.EncryptionContext, UsageNamedAs = EncryptUsage };
        return pipeline.Run(op, ctx, call, (Service: this, Ctx: ctx, Op: op, Length: length, Context: context, WithPlaintext: withPlaintext), GenerateDataKeySteps);
    }

    private static readonly KeyedSteps<(CryptoService Service, CallContext Ctx, KmsOperation Op, int Length, byte[] Context, bool WithPlaintext), GenerateDataKeyResponse> GenerateDataKeySteps =
        new(static (s, _, key) => s.Service.GenerateDataKey(s.Ctx, s.Op, key, s.Length, s.Context, s.WithPlaintext))
        {
            Check = static (s, _, key) =>
            {
                CheckEncryptionAlgorithm(key, algorithm: null);
                if (!key.Spec.IsSymmetric) throw KeyChecks.InvalidKeyUsage(key, s.Op.Name);
            },
        };

    private GenerateDataKeyResponse GenerateDataKey(CallContext ctx, KmsOperation op, KmsKey key, int length, byte[] context, bool withPlaintext)
    {
        var dataKey = new byte[length];
        World.Random.GetBytes(dataKey);
        var blob = EncryptUnder(ctx, op, key, EncryptionAlgorithms.SymmetricDefault, dataKey, context);
        if (!withPlaintext) CryptographicOperations.ZeroMemory(dataKey);
        return new GenerateDataKeyResponse { CiphertextBlob = blob, Plaintext = withPlaintext ? dataKey : null, KeyId = key.Arn, KeyMaterialId = key.CurrentMaterial.Id };
    }

    public GenerateRandomResponse GenerateRandom(CallContext ctx, GenerateRandomRequest request)
    {
        RequestValidator.Start()
            .Required(request.NumberOfBytes, "numberOfBytes")
            .Range(request.NumberOfBytes, "numberOfBytes", 1, KmsLimits.MaxRandomBytes)
            .ThrowIfInvalid();
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        RequestValidator.Start().Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64).ThrowIfInvalid();
        return pipeline.RunWithoutKey(GenerateRandomOperation, ctx, (World, Length: request.NumberOfBytes!.Value, request.CustomKeyStoreId), static (s, kms) =>
        {
            // With a CloudHSM key store's ID the bytes come from its cluster; the simulated cluster draws them from the lab's source of randomness.
            if (s.CustomKeyStoreId is { } storeId) CloudHsmKeyStores.ClusterForRandom(kms, storeId);
            var bytes = new byte[s.Length];
            s.World.Random.GetBytes(bytes);
            return new GenerateRandomResponse { Plaintext = bytes };
        });
    }

    /// <summary>
    /// The encryption algorithm an encryption key must support: without EncryptionAlgorithm KMS
    /// assumes SYMMETRIC_DEFAULT, which an RSA key refuses. Returns the algorithm in effect.
    /// </summary>
    private static string CheckEncryptionAlgorithm(KmsKey key, string? algorithm)
    {
        var effective = algorithm ?? EncryptionAlgorithms.SymmetricDefault;
        if (!key.Spec.EncryptionAlgorithms(key.KeyUsage).Contains(effective)) throw KeyChecks.IncompatibleAlgorithm(effective, key);
        return effective;
    }

    /// <summary>
    /// Encrypts under the key's current material: a KmsLab ciphertext blob for symmetric keys (for a
    /// key in an external key store, encrypted again by its external key), RSAES-OAEP for RSA keys.
    /// </summary>
    private byte[] EncryptUnder(CallContext ctx, KmsOperation op, KmsKey key, string algorithm, byte[] plaintext, byte[] canonicalContext)
    {
        if (!key.Spec.IsSymmetric) return key.CurrentMaterial.Rsa.Encrypt(plaintext, EncryptionAlgorithms.RsaPadding(algorithm));
        var blob = CiphertextBlob.Encrypt(key.Id, key.CurrentMaterial, plaintext, canonicalContext, World.Random);
        return key.XksKeyId is null ? blob : externalKeys.Encrypt(ctx, op, key, blob, canonicalContext);
    }

    private static readonly IReadOnlyList<string> DryRunModifierValues = ["IGNORE_CIPHERTEXT"];

    /// <summary>
    /// DryRunModifiers (Decrypt, ReEncrypt): with DryRun and IGNORE_CIPHERTEXT, KMS checks only
    /// the caller's permissions, not the ciphertext. The ciphertext then names no key, so the
    /// request must (<paramref name="keyMember"/>). The modifiers apply only when DryRun is true.
    /// </summary>
    private static bool IgnoresCiphertext(bool? dryRun, List<string>? modifiers, string? keyId, string keyMember)
    {
        if (modifiers is null) return false;
        var v = RequestValidator.Start();
        for (int i = 0; i < modifiers.Count; i++) v.Enum(modifiers[i], $"dryRunModifiers.{i + 1}.member", DryRunModifierValues);
        v.ThrowIfInvalid();
        if (dryRun != true || !modifiers.Contains("IGNORE_CIPHERTEXT")) return false;
        if (keyId is null) throw KmsException.Validation($"{keyMember} must be specified when DryRunModifiers contains IGNORE_CIPHERTEXT: the ciphertext is not read, so it cannot name the KMS key.");
        return true;
    }

    /// <summary>The permission-only dry run of IGNORE_CIPHERTEXT: the key is resolved and the caller authorized, then DryRunOperationException.</summary>
    private void AuthorizeOnly(KmsOperation op, CallContext ctx, RegionalKms kms, List<string>? grantTokens,
        params ReadOnlySpan<(string KeyId, string Action, Dictionary<string, string>? EncryptionContext)> checks)
    {
        pipeline.CheckGrantTokens(grantTokens);
        foreach (var (keyId, action, encryptionContext) in checks)
        {
            var key = pipeline.ResolveKey(ctx, kms, keyId, op.AcceptsAlias);
            Authorizer.Authorize(ctx, action, key, encryptionContext);
        }
        RequestPipeline.ThrowIfDryRun(op, dryRun: true);
    }

    /// <summary>
    /// The decrypting half of Decrypt and ReEncrypt, for <paramref name="action"/>: finds the key
    /// (from the ciphertext, or KeyId for RSA), authorizes, checks its state, and decrypts.
    /// </summary>
    private (KmsKey Key, KeyMaterial Material, byte[] Plaintext, string Algorithm) DecryptBlob(KmsOperation op, string action, CallContext ctx, RegionalKms kms, byte[] blobBytes, string? keyId, string? algorithm, byte[] context, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        if (keyId is not null)
        {
            // Asymmetric ciphertext is raw RSA output that names no key: KeyId (and the algorithm) say how to decrypt it.
            var named = pipeline.ResolveKey(ctx, kms, keyId, op.AcceptsAlias);
            if (!named.Spec.IsSymmetric)
            {
                Authorizer.Authorize(ctx, action, named, encryptionContext);
                return DecryptAsymmetric(op, named, blobBytes, algorithm, context);
            }
        }
        // Parsed once: reading a blob's header walks its DER frame.
        var standard = CiphertextBlob.TryParse(blobBytes);
        var external = standard is null ? ExternalCiphertextBlob.TryParse(blobBytes) : null;
        var blobKeyId = standard?.KeyId ?? external?.KeyId ?? throw InvalidCiphertext();
        var (home, key) = World.FindKey(blobKeyId, kms.AccountId, kms.Region);
        if (key is null)
        {
            if (home.WasDeleted(blobKeyId)) throw KmsException.NotFound($"Key '{KmsArn.ForKey(home.Region, home.AccountId, blobKeyId.ToString("D"))}' does not exist");
            throw InvalidCiphertext();
        }
        if ((external is not null) != (key.XksKeyId is not null)) throw InvalidCiphertext(); // a blob of the other kind for this key: not one KMS made
        ctx.Touch(key);
        if (keyId is not null && pipeline.ResolveKey(ctx, kms, keyId, op.AcceptsAlias) != key)
        {
            throw new KmsException(KmsErrorCodes.IncorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        Authorizer.Authorize(ctx, action, key, encryptionContext);
        // The ciphertext names a symmetric encryption key: its state is checked, its usage need not be.
        KeyChecks.State(key, op.KeyStates);
        if (algorithm is not null && algorithm != "SYMMETRIC_DEFAULT")
        {
            throw new KmsException(KmsErrorCodes.InvalidKeyUsage, $"The encryption algorithm {algorithm} is not supported by {key.Arn}, whose KeySpec is {key.Spec.Name}.");
        }
        // A key in an external key store: the proxy removes the outer layer first.
        var blob = standard ?? CiphertextBlob.TryParse(externalKeys.Decrypt(ctx, op, key, external!, context)) ?? throw InvalidCiphertext();
        var material = key.FindMaterial(blob.MaterialId) ?? throw InvalidCiphertext();
        var plaintext = blob.Decrypt(material, context) ?? throw InvalidCiphertext();
        return (key, material, plaintext, EncryptionAlgorithms.SymmetricDefault);
    }

    /// <summary>Decrypt with an asymmetric key named by KeyId (its ciphertext does not name it, unlike KmsLab's symmetric blobs).</summary>
    private static (KmsKey Key, KeyMaterial Material, byte[] Plaintext, string Algorithm) DecryptAsymmetric(KmsOperation op, KmsKey key, byte[] ciphertext, string? algorithm, byte[] canonicalContext)
    {
        KeyChecks.State(key, op.KeyStates);
        // ReEncrypt's source is decrypted as Decrypt decrypts, and its errors say so.
        KeyChecks.Usage(key, op.KeyUsages, DecryptOperation.Name);
        var effective = CheckEncryptionAlgorithm(key, algorithm);
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

    private static KmsException InvalidCiphertext() => new(KmsErrorCodes.InvalidCiphertext,
        "The ciphertext is invalid: it was changed, it was not produced by this KMS (account and Region), or the encryption context does not match the one used to encrypt it.");

    private static KmsException EncryptionContextNotSupported(KmsKey key) =>
        KmsException.Validation($"EncryptionContext is not supported with asymmetric KMS keys; {key.Arn} is a {key.Spec.Name} key. Omit it.");
}
