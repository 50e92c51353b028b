using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    private static readonly IReadOnlyList<string> EncryptionAlgorithmSpecs = EncryptionAlgorithms.AllNames;
    private static readonly IReadOnlyList<string> DataKeySpecs = ["AES_256", "AES_128"];

    public EncryptResponse Encrypt(CallContext ctx, EncryptRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Plaintext, "plaintext").Length(request.Plaintext, "plaintext", 1, KmsLimits.MaxSymmetricPlaintext, sensitive: true)
            .Enum(request.EncryptionAlgorithm, "encryptionAlgorithm", EncryptionAlgorithmSpecs);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = UsableEncryptionKey(ctx, kms, request.KeyId!, request.EncryptionAlgorithm, "kms:Encrypt", request.EncryptionContext);
            var algorithm = request.EncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
            CheckEncryptable(key, algorithm, request.Plaintext!, context, "plaintext");
            ThrowIfDryRun(request.DryRun);
            var blob = EncryptUnder(key, algorithm, request.Plaintext!, context);
            return new EncryptResponse { CiphertextBlob = blob, KeyId = key.Arn, EncryptionAlgorithm = algorithm };
        });
    }

    public DecryptResponse Decrypt(CallContext ctx, DecryptRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.CiphertextBlob, "ciphertextBlob").Length(request.CiphertextBlob, "ciphertextBlob", 1, KmsLimits.MaxCiphertextBlob)
            .Length(request.KeyId, "keyId", 1, 2048)
            .Enum(request.EncryptionAlgorithm, "encryptionAlgorithm", EncryptionAlgorithmSpecs);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var (key, material, plaintext, algorithm) = DecryptBlob(ctx, kms, request.CiphertextBlob!, request.KeyId, request.EncryptionAlgorithm, context, "kms:Decrypt", request.EncryptionContext);
            ThrowIfDryRun(request.DryRun);
            // KeyMaterialId is present only for symmetric encryption keys.
            return new DecryptResponse { KeyId = key.Arn, Plaintext = plaintext, EncryptionAlgorithm = algorithm, KeyMaterialId = key.Spec.IsSymmetric ? material.Id : null };
        });
    }

    public ReEncryptResponse ReEncrypt(CallContext ctx, ReEncryptRequest request)
    {
        var v = RequestValidator.Start()
            .Required(request.CiphertextBlob, "ciphertextBlob").Length(request.CiphertextBlob, "ciphertextBlob", 1, KmsLimits.MaxCiphertextBlob)
            .Length(request.SourceKeyId, "sourceKeyId", 1, 2048)
            .Required(request.DestinationKeyId, "destinationKeyId").Length(request.DestinationKeyId, "destinationKeyId", 1, 2048)
            .Enum(request.SourceEncryptionAlgorithm, "sourceEncryptionAlgorithm", EncryptionAlgorithmSpecs)
            .Enum(request.DestinationEncryptionAlgorithm, "destinationEncryptionAlgorithm", EncryptionAlgorithmSpecs);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        var sourceContext = EncryptionContext.Canonicalize(request.SourceEncryptionContext);
        var destinationContext = EncryptionContext.Canonicalize(request.DestinationEncryptionContext);
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var (source, sourceMaterial, plaintext, sourceAlgorithm) = DecryptBlob(ctx, kms, request.CiphertextBlob!, request.SourceKeyId, request.SourceEncryptionAlgorithm, sourceContext, "kms:ReEncryptFrom", request.SourceEncryptionContext);
            try
            {
                var destination = UsableEncryptionKey(ctx, kms, request.DestinationKeyId!, request.DestinationEncryptionAlgorithm, "kms:ReEncryptTo", request.DestinationEncryptionContext);
                var destinationAlgorithm = request.DestinationEncryptionAlgorithm ?? EncryptionAlgorithms.SymmetricDefault;
                CheckEncryptable(destination, destinationAlgorithm, plaintext, destinationContext, "plaintext");
                ThrowIfDryRun(request.DryRun);
                var blob = EncryptUnder(destination, destinationAlgorithm, plaintext, destinationContext);
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
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
            }
        });
    }

    public GenerateDataKeyResponse GenerateDataKey(CallContext ctx, GenerateDataKeyRequest request) => GenerateDataKey(ctx, request, withPlaintext: true);

    public GenerateDataKeyResponse GenerateDataKeyWithoutPlaintext(CallContext ctx, GenerateDataKeyRequest request) => GenerateDataKey(ctx, request, withPlaintext: false);

    private GenerateDataKeyResponse GenerateDataKey(CallContext ctx, GenerateDataKeyRequest request, bool withPlaintext)
    {
        var v = RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Range(request.NumberOfBytes, "numberOfBytes", 1, KmsLimits.MaxDataKeyBytes)
            .Enum(request.KeySpec, "keySpec", DataKeySpecs);
        ValidateGrantTokens(v, request.GrantTokens);
        v.ThrowIfInvalid();
        if ((request.NumberOfBytes is null) == (request.KeySpec is null)) throw KmsException.Validation("Please specify either number of bytes or key spec.");
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        int length = request.NumberOfBytes ?? (request.KeySpec == "AES_128" ? 16 : 32);
        var context = EncryptionContext.Canonicalize(request.EncryptionContext);
        return Run(ctx, kms =>
        {
            CheckGrantTokens(request.GrantTokens);
            var key = UsableEncryptionKey(ctx, kms, request.KeyId!, algorithm: null, withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext", request.EncryptionContext);
            if (!key.Spec.IsSymmetric) throw InvalidKeyUsage(key, withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext");
            ThrowIfDryRun(request.DryRun);
            var dataKey = new byte[length];
            World.Random.GetBytes(dataKey);
            var blob = CiphertextBlob.Encrypt(key.Id, key.CurrentMaterial, dataKey, context, World.Random);
            if (!withPlaintext) System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            return new GenerateDataKeyResponse { CiphertextBlob = blob, Plaintext = withPlaintext ? dataKey : null, KeyId = key.Arn, KeyMaterialId = key.CurrentMaterial.Id };
        });
    }

    public GenerateRandomResponse GenerateRandom(CallContext ctx, GenerateRandomRequest request)
    {
        RequestValidator.Start()
            .Required(request.NumberOfBytes, "numberOfBytes")
            .Range(request.NumberOfBytes, "numberOfBytes", 1, KmsLimits.MaxRandomBytes)
            .ThrowIfInvalid();
        if (request.CustomKeyStoreId is not null) throw new KmsException("CustomKeyStoreNotFoundException", $"Custom key store '{request.CustomKeyStoreId}' does not exist. KmsLab simulates no custom key stores.");
        if (request.Recipient is not null) throw KmsException.Validation("KmsLab cannot verify Nitro Enclaves attestation documents; omit Recipient.");
        return Run(ctx, _ =>
        {
            Authorize(ctx, "kms:GenerateRandom", null);
            var bytes = new byte[request.NumberOfBytes!.Value];
            World.Random.GetBytes(bytes);
            return new GenerateRandomResponse { Plaintext = bytes };
        });
    }

    private KmsKey UsableEncryptionKey(CallContext ctx, RegionalKms kms, string keyId, string? algorithm, string action, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        var key = AuthorizedKey(ctx, kms, keyId, action, encryptionContext: encryptionContext);
        key.EnsureUsable();
        if (key.KeyUsage != "ENCRYPT_DECRYPT") throw InvalidKeyUsage(key, "Encrypt");
        // Without EncryptionAlgorithm KMS assumes SYMMETRIC_DEFAULT, which an RSA key refuses.
        var effective = algorithm ?? EncryptionAlgorithms.SymmetricDefault;
        if (!key.Spec.EncryptionAlgorithms(key.KeyUsage).Contains(effective)) throw IncompatibleAlgorithm(effective, key);
        return key;
    }

    /// <summary>Encrypts under the key's current material: a KmsLab ciphertext blob for symmetric keys, RSAES-OAEP for RSA keys.</summary>
    private byte[] EncryptUnder(KmsKey key, string algorithm, byte[] plaintext, byte[] canonicalContext) =>
        key.Spec.IsSymmetric
            ? CiphertextBlob.Encrypt(key.Id, key.CurrentMaterial, plaintext, canonicalContext, World.Random)
            : key.CurrentMaterial.Rsa.Encrypt(plaintext, EncryptionAlgorithms.RsaPadding(algorithm));

    private (KmsKey Key, KeyMaterial Material, byte[] Plaintext, string Algorithm) DecryptBlob(CallContext ctx, RegionalKms kms, byte[] blobBytes, string? keyId, string? algorithm, byte[] context, string action, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        if (keyId is not null)
        {
            // Asymmetric ciphertext is raw RSA output that names no key: KeyId (and the algorithm) say how to decrypt it.
            var named = ResolveKey(ctx, kms, keyId);
            if (!named.Spec.IsSymmetric)
            {
                Authorize(ctx, action, named, encryptionContext);
                return DecryptAsymmetric(named, blobBytes, algorithm, context);
            }
        }
        var blob = CiphertextBlob.TryParse(blobBytes) ?? throw InvalidCiphertext();
        var (home, key) = World.FindKey(blob.KeyId, kms.AccountId, kms.Region);
        if (key is null)
        {
            if (home.WasDeleted(blob.KeyId)) throw KmsException.NotFound($"Key '{KmsArn.ForKey(home.Region, home.AccountId, blob.KeyId.ToString("D"))}' does not exist");
            throw InvalidCiphertext();
        }
        ctx.Touch(key);
        if (keyId is not null && ResolveKey(ctx, kms, keyId) != key)
        {
            throw new KmsException(KmsErrorCodes.IncorrectKey, "The key ID in the request does not identify a CMK that can perform this operation.");
        }
        Authorize(ctx, action, key, encryptionContext);
        key.EnsureUsable();
        if (algorithm is not null && algorithm != "SYMMETRIC_DEFAULT")
        {
            throw new KmsException(KmsErrorCodes.InvalidKeyUsage, $"The encryption algorithm {algorithm} is not supported by {key.Arn}, whose KeySpec is {key.Spec.Name}.");
        }
        var material = key.FindMaterial(blob.MaterialId) ?? throw InvalidCiphertext();
        var plaintext = blob.Decrypt(material, context) ?? throw InvalidCiphertext();
        return (key, material, plaintext, EncryptionAlgorithms.SymmetricDefault);
    }

    private static KmsException InvalidCiphertext() => new(KmsErrorCodes.InvalidCiphertext,
        "The ciphertext is invalid: it was changed, it was not produced by this KMS (account and Region), or the encryption context does not match the one used to encrypt it.");

    private static KmsException InvalidKeyUsage(KmsKey key, string operation) => new(KmsErrorCodes.InvalidKeyUsage,
        $"{key.Arn} key usage is {key.KeyUsage} (KeySpec {key.Spec.Name}), which is not valid for {operation}.");
}
