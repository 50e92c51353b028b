using System.Security.Cryptography;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>
/// Keys with your own key material (Origin EXTERNAL): GetParametersForImport, ImportKeyMaterial,
/// DeleteImportedKeyMaterial, and the expiry of imported material on the simulated clock.
/// </summary>
internal sealed class ImportService(RequestPipeline pipeline)
{
    private static readonly KmsOperation GetParametersForImportOperation = OperationCatalog.Get("GetParametersForImport");
    private static readonly KmsOperation ImportKeyMaterialOperation = OperationCatalog.Get("ImportKeyMaterial");
    private static readonly KmsOperation DeleteImportedKeyMaterialOperation = OperationCatalog.Get("DeleteImportedKeyMaterial");

    private const string ExpiresModel = "KEY_MATERIAL_EXPIRES";
    private const string DoesNotExpireModel = "KEY_MATERIAL_DOES_NOT_EXPIRE";
    private const string NewKeyMaterial = "NEW_KEY_MATERIAL";
    private const string ExistingKeyMaterial = "EXISTING_KEY_MATERIAL";
    private static readonly IReadOnlyList<string> ExpirationModels = [ExpiresModel, DoesNotExpireModel];
    private static readonly IReadOnlyList<string> ImportTypes = [NewKeyMaterial, ExistingKeyMaterial];

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    public GetParametersForImportResponse GetParametersForImport(CallContext ctx, GetParametersForImportRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.WrappingAlgorithm, "wrappingAlgorithm").Enum(request.WrappingAlgorithm, "wrappingAlgorithm", WrappingAlgorithms.AllNames)
            .Required(request.WrappingKeySpec, "wrappingKeySpec").Enum(request.WrappingKeySpec, "wrappingKeySpec", WrappingAlgorithms.AllKeySpecs)
            .ThrowIfInvalid();
        var algorithm = request.WrappingAlgorithm!;
        var wrappingKeySpec = request.WrappingKeySpec!;
        if (algorithm == "RSAES_PKCS1_V1_5")
        {
            throw KmsException.Unsupported("KMS no longer supports the RSAES_PKCS1_V1_5 wrapping algorithm (withdrawn on 10 October 2023). Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.");
        }
        if (algorithm == "SM2PKE" || wrappingKeySpec == "SM2")
        {
            throw KmsException.Unsupported("The SM2PKE wrapping algorithm and SM2 wrapping keys are available only in China Regions.");
        }

        var call = new KeyedCall(request.KeyId!)
        {
            Conditions = new Dictionary<string, IReadOnlyList<string>> { ["kms:WrappingAlgorithm"] = [algorithm], ["kms:WrappingKeySpec"] = [wrappingKeySpec] },
        };
        var (keyId, arn) = pipeline.Run(GetParametersForImportOperation, ctx, call, (Algorithm: algorithm, WrappingKeySpec: wrappingKeySpec), GetParametersForImportSteps);

        // A fresh RSA wrapping key pair for every request, made outside the world lock (RSA_4096
        // takes about a second). Its private half travels sealed inside the import token.
        using var wrappingKey = World.KeyPairs.CreateRsa(int.Parse(wrappingKeySpec.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture));
        var privateKey = wrappingKey.ExportPkcs8PrivateKey();
        try
        {
            var validTo = Now + KmsLimits.ImportParametersLifetime;
            var token = ImportToken.Seal(World.Secrets.ImportTokenKey, keyId, validTo, algorithm, privateKey, World.Random);
            return new GetParametersForImportResponse
            {
                KeyId = arn,
                ImportToken = token,
                PublicKey = wrappingKey.ExportSubjectPublicKeyInfo(),
                ParametersValidTo = validTo,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private static readonly KeyedSteps<(string Algorithm, string WrappingKeySpec), (Guid Id, string Arn)> GetParametersForImportSteps =
        new(static (_, _, key) => (key.Id, key.Arn))
        {
            BeforeState = static (_, _, key) => CheckExternal(key),
            Check = static (s, _, key) => CheckWrappingFits(key, s.Algorithm, s.WrappingKeySpec),
        };

    public ImportKeyMaterialResponse ImportKeyMaterial(CallContext ctx, ImportKeyMaterialRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.ImportToken, "importToken").Length(request.ImportToken, "importToken", 1, KmsLimits.MaxImportToken)
            .Required(request.EncryptedKeyMaterial, "encryptedKeyMaterial").Length(request.EncryptedKeyMaterial, "encryptedKeyMaterial", 1, KmsLimits.MaxEncryptedKeyMaterial)
            .Enum(request.ExpirationModel, "expirationModel", ExpirationModels)
            .Enum(request.ImportType, "importType", ImportTypes)
            .Length(request.KeyMaterialDescription, "keyMaterialDescription", 0, KmsLimits.MaxKeyMaterialDescription)
            .Pattern(request.KeyMaterialDescription, "keyMaterialDescription", "^[a-zA-Z0-9:/_\\s.-]+$", d => d.Length > 0 && d.All(c => char.IsAsciiLetterOrDigit(c) || char.IsWhiteSpace(c) || c is ':' or '/' or '_' or '.' or '-'))
            .Length(request.KeyMaterialId, "keyMaterialId", 64, 64)
            .Pattern(request.KeyMaterialId, "keyMaterialId", "^[a-f0-9]+$", id => id.All(char.IsAsciiHexDigitLower))
            .ThrowIfInvalid();
        var expirationModel = request.ExpirationModel ?? ExpiresModel;
        if (expirationModel == ExpiresModel && request.ValidTo is null)
        {
            throw KmsException.Validation("A ValidTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES (the default). To keep the material until you delete it, set ExpirationModel to KEY_MATERIAL_DOES_NOT_EXPIRE.");
        }
        if (expirationModel == DoesNotExpireModel && request.ValidTo is not null)
        {
            throw KmsException.Validation("A ValidTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.");
        }
        if (request.ImportType == NewKeyMaterial && request.KeyMaterialId is not null)
        {
            throw KmsException.Validation("You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.");
        }
        // ValidTo is checked against the clock in the world, before the key is looked up.
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request, ExpirationModel: expirationModel),
            static (s, kms) => s.Service.ImportKeyMaterial(s.Ctx, kms, s.Request, s.ExpirationModel));
    }

    /// <summary>ImportKeyMaterial's own path: a check on the clock comes before the key steps, which it then runs as the pipeline does.</summary>
    private ImportKeyMaterialResponse ImportKeyMaterial(CallContext ctx, RegionalKms kms, ImportKeyMaterialRequest request, string expirationModel)
    {
        var op = ImportKeyMaterialOperation;
        var now = Now;
        if (request.ValidTo is { } validTo)
        {
            if (validTo <= now) throw KmsException.Validation($"ValidTo ({validTo:u}) must be in the future.");
            if (validTo > now + KmsLimits.MaxImportedMaterialValidity) throw KmsException.Validation($"ValidTo ({validTo:u}) must be at most 365 days from now.");
        }
        var key = pipeline.ResolveKey(ctx, kms, request.KeyId!, op.AcceptsAlias);
        Authorizer.Authorize(ctx, op.Action, key, extra: new Dictionary<string, IReadOnlyList<string>> { ["kms:ExpirationModel"] = [expirationModel] });
        CheckExternal(key);
        KeyChecks.State(key, op.KeyStates);
        if (!key.Spec.IsSymmetric && (request.ImportType ?? request.KeyMaterialId ?? request.KeyMaterialDescription) is not null)
        {
            throw KmsException.Validation($"ImportType, KeyMaterialId and KeyMaterialDescription apply only to symmetric encryption keys; {key.Arn} is a {key.Spec.Name} key.");
        }

        var token = ImportToken.Open(World.Secrets.ImportTokenKey, request.ImportToken!)
            ?? throw new KmsException(KmsErrorCodes.InvalidImportToken, "The import token is invalid: it was changed, or GetParametersForImport in this account and Region did not issue it.");
        byte[]? material = null;
        try
        {
            if (token.KeyId != key.Id)
            {
                throw new KmsException(KmsErrorCodes.InvalidImportToken, $"The import token is associated with a different KMS key, not {key.Arn}.");
            }
            if (now >= token.ValidTo)
            {
                throw new KmsException(KmsErrorCodes.ExpiredImportToken, $"The import token expired at {token.ValidTo:u}. Call GetParametersForImport for a new wrapping key and import token, and wrap the key material again.");
            }
            using (var wrappingKey = RSA.Create())
            {
                wrappingKey.ImportPkcs8PrivateKey(token.WrappingPrivateKey, out _);
                material = WrappingAlgorithms.Unwrap(token.WrappingAlgorithm, wrappingKey, request.EncryptedKeyMaterial!);
            }
            if (material is null)
            {
                throw new KmsException(KmsErrorCodes.InvalidCiphertext,
                    $"KMS could not decrypt the encrypted key material. Wrap it with the public key of the same GetParametersForImport response as the import token, using that response's wrapping algorithm ({token.WrappingAlgorithm}).");
            }
            return Import(key, material, request, expirationModel, now);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(token.WrappingPrivateKey);
            if (material is not null) CryptographicOperations.ZeroMemory(material);
        }
    }

    public DeleteImportedKeyMaterialResponse DeleteImportedKeyMaterial(CallContext ctx, DeleteImportedKeyMaterialRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Length(request.KeyMaterialId, "keyMaterialId", 64, 64)
            .Pattern(request.KeyMaterialId, "keyMaterialId", "^[a-f0-9]+$", id => id.All(char.IsAsciiHexDigitLower))
            .ThrowIfInvalid();
        return pipeline.Run(DeleteImportedKeyMaterialOperation, ctx, new KeyedCall(request.KeyId!), request.KeyMaterialId, DeleteImportedKeyMaterialSteps);
    }

    private static readonly KeyedSteps<string?, DeleteImportedKeyMaterialResponse> DeleteImportedKeyMaterialSteps =
        new(static (keyMaterialId, _, key) =>
        {
            // Without a KeyMaterialId, KMS deletes the current key material.
            var target = keyMaterialId is null
                ? key.ImportedMaterials.FirstOrDefault(m => m.State == KeyMaterialStates.Current)
                : key.ImportedMaterials.FirstOrDefault(m => m.Id == keyMaterialId)
                  ?? throw KmsException.NotFound($"Key material {keyMaterialId} is not associated with {key.Arn}. ListKeyRotations with IncludeKeyMaterial ALL_KEY_MATERIAL lists the key's material IDs.");
            if (target is null)
            {
                if (key.State != KeyState.PendingDeletion) key.State = KeyState.PendingImport;
                return new DeleteImportedKeyMaterialResponse { KeyId = key.Arn };
            }
            DeleteMaterial(key, target);
            return new DeleteImportedKeyMaterialResponse { KeyId = key.Arn, KeyMaterialId = key.Spec.IsSymmetric ? target.Id : null };
        })
        {
            BeforeState = static (_, _, key) => CheckExternal(key),
        };

    /// <summary>
    /// ListKeyRotations of a symmetric key with imported material: ROTATIONS_ONLY (the default)
    /// lists the material that RotateKeyOnDemand made current; ALL_KEY_MATERIAL adds the first
    /// material and material pending rotation. Each entry has its import state and expiration.
    /// </summary>
    internal static ListKeyRotationsResponse ListImportedKeyMaterial(KmsKey key, ListKeyRotationsRequest request)
    {
        var entries = key.ImportedMaterials
            .Where(m => request.IncludeKeyMaterial == "ALL_KEY_MATERIAL" || m.RotationDate is not null)
            .Select(m => new RotationsListEntry
            {
                KeyId = key.Arn,
                KeyMaterialId = m.Id,
                KeyMaterialDescription = m.Description,
                ImportState = m.IsImported ? "IMPORTED" : "PENDING_IMPORT",
                KeyMaterialState = m.State,
                ExpirationModel = m.ExpirationModel,
                ValidTo = m.ValidTo,
                RotationDate = m.RotationDate,
                RotationType = m.RotationDate is null ? null : RotationTypes.OnDemand,
            })
            .ToList();
        var page = Paging.Page(entries, e => e.KeyMaterialId!, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
        return new ListKeyRotationsResponse { Rotations = [.. page.Items], NextMarker = page.NextMarker, Truncated = page.NextMarker is not null };
    }

    /// <summary>
    /// The expiry of imported material on the clock (its ValidTo passed), as if deleted. True if
    /// anything expired. Called by the scheduled-events step, under the world lock.
    /// </summary>
    internal static bool ExpireImportedMaterial(KmsKey key, DateTimeOffset now)
    {
        bool changed = false;
        foreach (var m in key.ImportedMaterials.ToList())
        {
            if (m.IsImported && m.ValidTo is { } validTo && validTo <= now)
            {
                DeleteMaterial(key, m);
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>
    /// Deletes one imported material (DeleteImportedKeyMaterial, or its expiry). Material pending
    /// rotation is not bound to the key: it is forgotten and the key is unchanged. Bound material
    /// keeps its ID and metadata but not its secret, and the key is PendingImport (unless pending
    /// deletion) until the same bytes are imported again; its ciphertexts fail until then.
    /// </summary>
    private static void DeleteMaterial(KmsKey key, ImportedMaterial material)
    {
        material.Forget();
        if (!material.IsBound)
        {
            key.ImportedMaterials.Remove(material);
        }
        else if (key.State != KeyState.PendingDeletion)
        {
            key.State = KeyState.PendingImport;
        }
        key.SyncImportedMaterials();
    }

    private ImportKeyMaterialResponse Import(KmsKey key, byte[] material, ImportKeyMaterialRequest request, string expirationModel, DateTimeOffset now)
    {
        var canonical = KeyMaterial.Canonicalize(key.Spec, material)
            ?? throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial, MaterialRequirements(key.Spec));
        bool kept = false;
        try
        {
            var idHex = Convert.ToHexStringLower(World.Secrets.ImportedMaterialId(key.Id, canonical));
            if (key.IsReplica && key.ImportedMaterials.Count == 0)
            {
                throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial,
                    $"{key.Arn} is a multi-Region replica key: import the key material into its primary key in {key.MultiRegion!.PrimaryRegion} first, then the same key material into each replica.");
            }
            var entry = key.ImportedMaterials.FirstOrDefault(m => m.Id == idHex);
            bool first = key.ImportedMaterials.Count == 0;
            // The default: NEW_KEY_MATERIAL for the first import, EXISTING_KEY_MATERIAL after it.
            // A replica only ever takes the materials its primary has (copied to it without their secrets).
            var importType = key.IsReplica ? ExistingKeyMaterial : request.ImportType ?? (first ? NewKeyMaterial : ExistingKeyMaterial);
            if (importType == ExistingKeyMaterial)
            {
                if (first)
                {
                    throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial, $"No key material was ever imported into {key.Arn}, so there is no existing key material to reimport. Omit ImportType or use NEW_KEY_MATERIAL.");
                }
                if (entry is null)
                {
                    throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial, key.Spec.IsSymmetric
                        ? $"The key material is not associated with {key.Arn}: EXISTING_KEY_MATERIAL reimports material the key already has (ListKeyRotations with IncludeKeyMaterial ALL_KEY_MATERIAL lists it). To import different material for on-demand rotation, use ImportType NEW_KEY_MATERIAL."
                        : $"The key material is not the key material previously imported into {key.Arn}. An asymmetric or HMAC key stays bound to its first imported key material: only the same material can be imported again.");
                }
                if (request.KeyMaterialId is not null && request.KeyMaterialId != idHex)
                {
                    throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial, $"The key material's ID is {idHex}, not the KeyMaterialId {request.KeyMaterialId} of the request.");
                }
            }
            else
            {
                if (entry is not null)
                {
                    throw new KmsException(KmsErrorCodes.IncorrectKeyMaterial, $"This key material is already associated with {key.Arn} (KeyMaterialId {idHex}). To reimport it, omit ImportType or use EXISTING_KEY_MATERIAL.");
                }
                if (key.ImportedMaterials.FirstOrDefault(m => !m.IsBound) is { } pending)
                {
                    throw KmsException.InvalidState($"{key.Arn} already has new key material pending rotation ({pending.Id}). Make it current with RotateKeyOnDemand, or delete it with DeleteImportedKeyMaterial and its KeyMaterialId, before importing other new key material.");
                }
                // The first material is current at once; later new material waits for RotateKeyOnDemand.
                entry = new ImportedMaterial(World.Secrets.ImportedMaterialId(key.Id, canonical))
                {
                    State = first ? KeyMaterialStates.Current : KeyMaterialStates.PendingRotation,
                };
                key.ImportedMaterials.Add(entry);
            }

            if (entry.Secret is null)
            {
                entry.Secret = KeyMaterial.Imported(key.Spec, entry.IdBytes, canonical, now);
                kept = true;
            }
            // Importing again (same material) sets a new expiration model and date, and the
            // description if one is given (without one, KMS keeps the last).
            entry.ExpirationModel = expirationModel;
            entry.ValidTo = expirationModel == ExpiresModel ? request.ValidTo : null;
            if (request.KeyMaterialDescription is not null) entry.Description = request.KeyMaterialDescription;
            key.SyncImportedMaterials();
            // The related multi-Region keys know this material from now on: only the same bytes import into them.
            if (!key.IsReplica) key.MultiRegion?.ShareFrom(World, key);
            if (key.State == KeyState.PendingImport && key.HasAllMaterial) key.State = KeyState.Enabled;
            World.Schedule(entry.ValidTo);
            return new ImportKeyMaterialResponse { KeyId = key.Arn, KeyMaterialId = key.Spec.IsSymmetric ? idHex : null };
        }
        finally
        {
            if (!kept) CryptographicOperations.ZeroMemory(canonical);
        }
    }

    /// <summary>Only a key with Origin EXTERNAL takes imported material, whatever its state.</summary>
    private static void CheckExternal(KmsKey key)
    {
        if (key.Origin != "EXTERNAL") throw KmsException.Unsupported($"{key.Arn} has Origin {key.Origin}: only KMS keys created with Origin EXTERNAL take imported key material.");
    }

    /// <summary>
    /// RSAES_OAEP can wrap only what fits in one RSA block: not an RSA private key, and not an
    /// ECC_NIST_P521 private key under an RSA_2048 wrapping key. Those need RSA_AES_KEY_WRAP.
    /// </summary>
    private static void CheckWrappingFits(KmsKey key, string algorithm, string wrappingKeySpec)
    {
        if (WrappingAlgorithms.IsRsaAesKeyWrap(algorithm)) return;
        if (key.Spec.Kind == KeyMaterialKind.Rsa)
        {
            throw KmsException.Unsupported($"{algorithm} cannot wrap RSA key material: wrap RSA private keys with RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1.");
        }
        if (key.Spec.Name == "ECC_NIST_P521" && wrappingKeySpec == "RSA_2048")
        {
            throw KmsException.Unsupported($"{algorithm} with an RSA_2048 wrapping key cannot wrap ECC_NIST_P521 key material: use a larger wrapping key or RSA_AES_KEY_WRAP_SHA_256.");
        }
    }

    private static string MaterialRequirements(KeySpecInfo spec) => spec.Kind switch
    {
        KeyMaterialKind.Aes => $"The key material does not meet the requirements of a {spec.Name} key: it must be exactly 32 bytes (a 256-bit symmetric key), in binary.",
        KeyMaterialKind.Hmac => $"The key material does not meet the requirements of a {spec.Name} key: it must be {spec.Size} to {(spec.Size <= 32 ? 64 : 128)} bytes, in binary.",
        KeyMaterialKind.Rsa => $"The key material does not meet the requirements of a {spec.Name} key: it must be an RSA private key with a {spec.Size}-bit modulus, DER-encoded PKCS#8 (PrivateKeyInfo).",
        _ => $"The key material does not meet the requirements of a {spec.Name} key: it must be a private key on curve {spec.CurveOid}, DER-encoded PKCS#8 (PrivateKeyInfo).",
    };
}
