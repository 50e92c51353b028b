using System.Security.Cryptography;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;
using KmsLab.Simulation.Policies;

namespace KmsLab.Simulation.Services;

/// <summary>The life of a key: CreateKey, DescribeKey, ListKeys, its description, enabling and disabling, scheduled deletion.</summary>
internal sealed class KeyService(RequestPipeline pipeline, AwsManagedKeys awsManagedKeys, ExternalKeyStores externalKeys)
{
    private static readonly KmsOperation CreateKeyOperation = OperationCatalog.Get("CreateKey");
    private static readonly KmsOperation DescribeKeyOperation = OperationCatalog.Get("DescribeKey");
    private static readonly KmsOperation ListKeysOperation = OperationCatalog.Get("ListKeys");
    private static readonly KmsOperation UpdateKeyDescriptionOperation = OperationCatalog.Get("UpdateKeyDescription");
    private static readonly KmsOperation EnableKeyOperation = OperationCatalog.Get("EnableKey");
    private static readonly KmsOperation DisableKeyOperation = OperationCatalog.Get("DisableKey");
    private static readonly KmsOperation ScheduleKeyDeletionOperation = OperationCatalog.Get("ScheduleKeyDeletion");
    private static readonly KmsOperation CancelKeyDeletionOperation = OperationCatalog.Get("CancelKeyDeletion");
    private static readonly KmsOperation GetKeyLastUsageOperation = OperationCatalog.Get("GetKeyLastUsage");

    private static readonly IReadOnlyList<string> Origins = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    public KeyMetadataResponse CreateKey(CallContext ctx, CreateKeyRequest request)
    {
        var v = RequestValidator.Start()
            .Length(request.Description, "description", 0, KmsLimits.MaxDescriptionLength)
            .Length(request.Policy, "policy", 1, KmsLimits.MaxPolicyLength)
            .Enum(request.KeyUsage, "keyUsage", KeySpecInfo.AllKeyUsages)
            .Enum(request.KeySpec, "keySpec", KeySpecInfo.AllKeySpecs)
            .Enum(request.CustomerMasterKeySpec, "customerMasterKeySpec", KeySpecInfo.CustomerMasterKeySpecs)
            .Enum(request.Origin, "origin", Origins);
        TagRules.Validate(v, request.Tags);
        v.ThrowIfInvalid();

        if (request.KeySpec is not null && request.CustomerMasterKeySpec is not null)
        {
            throw KmsException.Validation("You cannot specify both the KeySpec and the CustomerMasterKeySpec parameters. CustomerMasterKeySpec is deprecated; use KeySpec.");
        }
        var spec = KeySpecInfo.Get(request.KeySpec ?? request.CustomerMasterKeySpec ?? KeySpecInfo.SymmetricDefault);
        var usage = request.KeyUsage ?? "ENCRYPT_DECRYPT";
        if (!spec.Usages.Contains(usage))
        {
            throw KmsException.Validation($"KeyUsage {usage} is not compatible with KeySpec {spec.Name}. {spec.Name} keys support: {string.Join(", ", spec.Usages)}.");
        }
        var origin = request.Origin ?? "AWS_KMS";
        if (origin == ExternalKeyStores.Origin) return CreateExternalKey(ctx, request, spec, usage);
        if (origin == CloudHsmKeyStores.Origin) return CreateCloudHsmKey(ctx, request, spec, usage);
        if (request.CustomKeyStoreId is not null || request.XksKeyId is not null)
        {
            if (request.CustomKeyStoreId is { } storeId && !pipeline.InWorld(ctx, storeId, static (id, kms) => kms.KeyStores.Any(s => s.Id == id)))
            {
                throw new KmsException(KmsErrorCodes.CustomKeyStoreNotFound, $"Custom key store '{storeId}' does not exist in this account and Region.");
            }
            throw KmsException.Validation($"CustomKeyStoreId and XksKeyId are for keys in custom key stores (Origin {CloudHsmKeyStores.Origin} or {ExternalKeyStores.Origin}), not for Origin {origin}.");
        }
        ChinaRegions.CheckKeySpec(spec.Name, ctx.Region);
        if (!spec.IsSimulated) throw KmsException.Unsupported($"KmsLab does not simulate {spec.Name} keys.");
        if (origin == "EXTERNAL" && spec.IsBouncyCastle) throw KmsException.Unsupported($"KmsLab does not simulate importing {spec.Name} key material yet; create the key with Origin AWS_KMS.");

        var policy = request.Policy is null ? null : PolicyDocument.ParseKeyPolicy(request.Policy);

        // A key with Origin EXTERNAL starts without material (PendingImport). Key pairs are generated
        // outside the world lock: an RSA_4096 pair takes about a second.
        var material = origin == "AWS_KMS" ? KeyMaterial.Generate(spec, World.KeyPairs, World.Random, Now) : null;
        try
        {
            // The request's tags are condition keys (aws:RequestTag/<k>, aws:TagKeys): IAM can demand them.
            return pipeline.RunWithoutKey(CreateKeyOperation, ctx, (Service: this, Ctx: ctx, Request: request, Spec: spec, Usage: usage, Origin: origin, Policy: policy, Material: material),
                static (s, kms) => s.Service.CreateKey(s.Ctx, kms, s.Request, s.Spec, s.Usage, s.Origin, s.Policy, s.Material),
                CreateKeyConditions(request, spec, usage, origin));
        }
        catch
        {
            material?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The condition keys a CreateKey request supplies itself, as no key exists yet: its tags,
    /// kms:MultiRegion, and kms:KeyOrigin, kms:KeySpec and kms:KeyUsage from the request.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> CreateKeyConditions(CreateKeyRequest request, KeySpecInfo spec, string usage, string origin)
    {
        var conditions = MultiRegionConditions.ForCreateKey(request.MultiRegion == true, TagRules.RequestConditions(request.Tags));
        conditions["kms:KeyOrigin"] = [origin];
        conditions["kms:KeySpec"] = [spec.Name];
        conditions["kms:KeyUsage"] = [usage];
        return conditions;
    }

    /// <summary>
    /// CreateKey in an external key store: the store and the external key are checked first (the
    /// proxy is asked outside the world lock), then the key is made with material of its own, as every
    /// KMS key in an external key store has: KMS encrypts with both.
    /// </summary>
    private KeyMetadataResponse CreateExternalKey(CallContext ctx, CreateKeyRequest request, KeySpecInfo spec, string usage)
    {
        var policy = request.Policy is null ? null : PolicyDocument.ParseKeyPolicy(request.Policy);
        var prepared = externalKeys.PrepareKey(ctx, request, spec, usage, CreateKeyConditions(request, spec, usage, ExternalKeyStores.Origin));
        var material = KeyMaterial.Generate(spec, World.KeyPairs, World.Random, Now);
        try
        {
            return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request, Spec: spec, Usage: usage, Policy: policy, Material: material, Prepared: prepared), static (s, kms) =>
            {
                var store = ExternalKeyStores.ConnectedStore(kms, s.Prepared);
                return s.Service.CreateKey(s.Ctx, kms, s.Request, s.Spec, s.Usage, ExternalKeyStores.Origin, s.Policy, s.Material, store, s.Prepared.XksKeyId);
            });
        }
        catch
        {
            material.Dispose();
            throw;
        }
    }

    /// <summary>
    /// CreateKey in a CloudHSM key store: a symmetric encryption key whose key KMS makes in the
    /// store's cluster (there labelled with the KMS key's ID); the store must be CONNECTED and its
    /// cluster must hold two active HSMs in different Availability Zones.
    /// </summary>
    private KeyMetadataResponse CreateCloudHsmKey(CallContext ctx, CreateKeyRequest request, KeySpecInfo spec, string usage)
    {
        CloudHsmKeyStores.CheckKeyRequest(request, spec, usage);
        var policy = request.Policy is null ? null : PolicyDocument.ParseKeyPolicy(request.Policy);
        var material = KeyMaterial.Generate(spec, World.KeyPairs, World.Random, Now);
        try
        {
            return pipeline.RunWithoutKey(CreateKeyOperation, ctx, (Service: this, Ctx: ctx, Request: request, Spec: spec, Usage: usage, Policy: policy, Material: material), static (s, kms) =>
            {
                var store = CloudHsmKeyStores.StoreForNewKey(kms, s.Request.CustomKeyStoreId!);
                return s.Service.CreateKey(s.Ctx, kms, s.Request, s.Spec, s.Usage, CloudHsmKeyStores.Origin, s.Policy, s.Material, store);
            }, CreateKeyConditions(request, spec, usage, CloudHsmKeyStores.Origin));
        }
        catch
        {
            material.Dispose();
            throw;
        }
    }

    private KeyMetadataResponse CreateKey(CallContext ctx, RegionalKms kms, CreateKeyRequest request, KeySpecInfo spec, string usage, string origin, PolicyDocument? policy, KeyMaterial? material,
        CustomKeyStore? store = null, string? xksKeyId = null)
    {
        bool multiRegion = request.MultiRegion == true;
        var key = new KmsKey(NewKeyId(World.Random), kms.AccountId, kms.Region, Now, spec, usage, origin,
            request.Description ?? "", policy ?? PolicyDocument.ParseKeyPolicy(KeyPolicyDocument.Default(kms.AccountId)), multiRegion)
        {
            KeyStore = store,
            XksKeyId = xksKeyId,
        };
        if (multiRegion) key.MultiRegion = new MultiRegionSet(key.Id, kms.AccountId, kms.Region);
        if (policy is not null) Authorizer.CheckLockout(ctx, key, policy, request.BypassPolicyLockoutSafetyCheck);
        if (material is not null) key.AddMaterial(material);
        else key.State = KeyState.PendingImport;
        foreach (var tag in request.Tags ?? []) TagRules.Set(key, tag.TagKey!, tag.TagValue!);
        kms.Add(key);
        if (store?.CloudHsm is not null) CloudHsmKeyStores.KeyCreated(key);
        ctx.Touch(key);
        return new KeyMetadataResponse { KeyMetadata = Metadata(key) };
    }

    public KeyMetadataResponse DescribeKey(CallContext ctx, DescribeKeyRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        RequestValidator.Start().GrantTokens(request.GrantTokens).ThrowIfInvalid();
        return pipeline.InWorld(ctx, (Service: this, Ctx: ctx, Request: request), static (s, kms) => s.Service.DescribeKey(s.Ctx, kms, s.Request));
    }

    /// <summary>
    /// DescribeKey's own path, for one extra step between the grant tokens and the key: DescribeKey
    /// on a predefined AWS alias (alias/aws/s3) creates its AWS managed key, as in KMS.
    /// </summary>
    private KeyMetadataResponse DescribeKey(CallContext ctx, RegionalKms kms, DescribeKeyRequest request)
    {
        var op = DescribeKeyOperation;
        pipeline.CheckGrantTokens(request.GrantTokens);
        awsManagedKeys.CreateOnDescribe(kms, request.KeyId!);
        var key = pipeline.ResolveKey(ctx, kms, request.KeyId!, op.AcceptsAlias);
        Authorizer.Authorize(ctx, op.Action, key);
        KeyChecks.State(key, op.KeyStates);
        return new KeyMetadataResponse { KeyMetadata = Metadata(key) };
    }

    public ListKeysResponse ListKeys(CallContext ctx, ListKeysRequest request)
    {
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return pipeline.RunWithoutKey(ListKeysOperation, ctx, request, static (request, kms) =>
        {
            var page = Paging.Page(kms.Keys, k => k.KeyId, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
            return new ListKeysResponse
            {
                Keys = page.Items.Select(k => new KeyListEntry { KeyId = k.KeyId, KeyArn = k.Arn }).ToList(),
                NextMarker = page.NextMarker,
                Truncated = page.NextMarker is not null,
            };
        });
    }

    public EmptyResponse UpdateKeyDescription(CallContext ctx, UpdateKeyDescriptionRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Required(request.Description, "description").Length(request.Description, "description", 0, KmsLimits.MaxDescriptionLength)
            .ThrowIfInvalid();
        return pipeline.Run(UpdateKeyDescriptionOperation, ctx, new KeyedCall(request.KeyId!), request.Description!, UpdateKeyDescriptionSteps);
    }

    private static readonly KeyedSteps<string, EmptyResponse> UpdateKeyDescriptionSteps = new(static (description, _, key) =>
    {
        key.Description = description;
        return EmptyResponse.Instance;
    });

    public EmptyResponse EnableKey(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(EnableKeyOperation, ctx, new KeyedCall(request.KeyId!), this, EnableKeySteps);
    }

    private static readonly KeyedSteps<KeyService, EmptyResponse> EnableKeySteps = new(static (service, _, key) =>
    {
        service.Enable(key);
        return EmptyResponse.Instance;
    });

    private void Enable(KmsKey key)
    {
        if (key.State != KeyState.Disabled) return;
        key.State = KeyState.Enabled;
        // A disabled key misses its rotations; once enabled again, overdue material rotates at once.
        // A multi-Region replica rotates only with its primary.
        if (key.NextRotationDate <= Now && !key.IsReplica)
        {
            key.AddMaterial(KeyMaterial.Generate(World.Random, Now, RotationTypes.Automatic));
            key.RotationBase = Now;
            key.MultiRegion?.ShareFrom(World, key);
        }
        World.Schedule(key.NextRotationDate);
    }

    public EmptyResponse DisableKey(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(DisableKeyOperation, ctx, new KeyedCall(request.KeyId!), 0, DisableKeySteps);
    }

    private static readonly KeyedSteps<int, EmptyResponse> DisableKeySteps = new(static (_, _, key) =>
    {
        key.State = KeyState.Disabled;
        return EmptyResponse.Instance;
    });

    public GetKeyLastUsageResponse GetKeyLastUsage(CallContext ctx, GetKeyLastUsageRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(GetKeyLastUsageOperation, ctx, new KeyedCall(request.KeyId!), 0, GetKeyLastUsageSteps);
    }

    // The simulator tracks every key from its creation, so tracking starts when the key was created.
    private static readonly KeyedSteps<int, GetKeyLastUsageResponse> GetKeyLastUsageSteps = new(static (_, _, key) => new GetKeyLastUsageResponse
    {
        KeyId = key.KeyId,
        KeyCreationDate = key.CreationDate,
        TrackingStartDate = key.CreationDate,
        KeyLastUsage = key.LastUse is { } use
            ? new KeyLastUsageData { Operation = use.Operation, Timestamp = use.Time, KmsRequestId = use.RequestId, CloudTrailEventId = use.EventId.ToString("D") }
            : new KeyLastUsageData(),
    });

    public ScheduleKeyDeletionResponse ScheduleKeyDeletion(CallContext ctx, ScheduleKeyDeletionRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Range(request.PendingWindowInDays, "pendingWindowInDays", KmsLimits.MinPendingWindowInDays, KmsLimits.MaxPendingWindowInDays)
            .ThrowIfInvalid();
        int days = request.PendingWindowInDays ?? KmsLimits.DefaultPendingWindowInDays;
        var call = new KeyedCall(request.KeyId!)
        {
            Conditions = new Dictionary<string, IReadOnlyList<string>> { ["kms:ScheduleKeyDeletionPendingWindowInDays"] = [days.ToString(System.Globalization.CultureInfo.InvariantCulture)] },
        };
        return pipeline.Run(ScheduleKeyDeletionOperation, ctx, call, (Service: this, Days: days), ScheduleKeyDeletionSteps);
    }

    private static readonly KeyedSteps<(KeyService Service, int Days), ScheduleKeyDeletionResponse> ScheduleKeyDeletionSteps =
        new(static (s, _, key) => s.Service.ScheduleDeletion(key, s.Days));

    private ScheduleKeyDeletionResponse ScheduleDeletion(KmsKey key, int days)
    {
        if (key.MultiRegion is { HasReplicas: true } set && !key.IsReplica)
        {
            // A primary with replicas waits for them: its waiting period starts when the last is deleted.
            key.State = KeyState.PendingReplicaDeletion;
            key.PendingWindowInDays = days;
            key.DeletionDate = null;
            return new ScheduleKeyDeletionResponse { KeyId = key.Arn, KeyState = key.State, PendingWindowInDays = days };
        }
        key.State = KeyState.PendingDeletion;
        key.PendingWindowInDays = days;
        key.DeletionDate = Now.AddDays(days);
        World.Schedule(key.DeletionDate);
        return new ScheduleKeyDeletionResponse { KeyId = key.Arn, DeletionDate = key.DeletionDate, KeyState = key.State, PendingWindowInDays = days };
    }

    public KeyIdResponse CancelKeyDeletion(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(CancelKeyDeletionOperation, ctx, new KeyedCall(request.KeyId!), 0, CancelKeyDeletionSteps);
    }

    private static readonly KeyedSteps<int, KeyIdResponse> CancelKeyDeletionSteps = new(static (_, _, key) =>
    {
        // KMS leaves a key whose deletion is cancelled Disabled, whatever it was before — or
        // PendingImport if it is an EXTERNAL key whose imported material expired or was deleted.
        key.State = key.HasAllMaterial ? KeyState.Disabled : KeyState.PendingImport;
        key.DeletionDate = null;
        key.PendingWindowInDays = null;
        return new KeyIdResponse { KeyId = key.Arn };
    });

    /// <summary>A new key ID: a random (version 4) UUID.</summary>
    internal static Guid NewKeyId(RandomNumberGenerator random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.GetBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // UUID version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>DescribeKey's view of a key (also CreateKey's and ReplicateKey's).</summary>
    internal static KeyMetadata Metadata(KmsKey key)
    {
        var encryption = key.Spec.EncryptionAlgorithms(key.KeyUsage);
        var signing = key.Spec.SigningAlgorithms(key.KeyUsage);
        var mac = key.Spec.MacAlgorithms(key.KeyUsage);
        var agreement = key.Spec.KeyAgreementAlgorithms(key.KeyUsage);
        var encapsulation = key.Spec.EncapsulationAlgorithms(key.KeyUsage);
        return new KeyMetadata
        {
            AWSAccountId = key.AccountId,
            KeyId = key.KeyId,
            Arn = key.Arn,
            CreationDate = key.CreationDate,
            Enabled = key.Enabled,
            Description = key.Description,
            KeyUsage = key.KeyUsage,
            KeyState = key.ReportedState,
            DeletionDate = key.DeletionDate,
            ValidTo = key.ValidTo,
            ExpirationModel = key.ExpirationModel,
            PendingDeletionWindowInDays = key.PendingWindowInDays,
            Origin = key.Origin,
            KeyManager = key.KeyManager,
            CustomerMasterKeySpec = key.Spec.Name,
            KeySpec = key.Spec.Name,
            EncryptionAlgorithms = encryption.Count > 0 ? [.. encryption] : null,
            SigningAlgorithms = signing.Count > 0 ? [.. signing] : null,
            MacAlgorithms = mac.Count > 0 ? [.. mac] : null,
            KeyAgreementAlgorithms = agreement.Count > 0 ? [.. agreement] : null,
            EncapsulationAlgorithms = encapsulation.Count > 0 ? [.. encapsulation] : null,
            MultiRegion = key.MultiRegion is not null,
            MultiRegionConfiguration = key.MultiRegion is { } set ? MultiRegionConfigurationOf(key, set) : null,
            CurrentKeyMaterialId = key.Spec.IsSymmetric ? key.CurrentMaterialId : null,
            CustomKeyStoreId = key.CustomKeyStoreId,
            CloudHsmClusterId = key.KeyStore?.CloudHsm?.ClusterId,
            XksKeyConfiguration = key.XksKeyId is { } xksKeyId ? new XksKeyConfiguration { Id = xksKeyId } : null,
        };
    }

    private static MultiRegionConfiguration MultiRegionConfigurationOf(KmsKey key, MultiRegionSet set) => new()
    {
        MultiRegionKeyType = set.TypeOf(key),
        PrimaryKey = new MultiRegionKey { Arn = KmsArn.ForKey(set.PrimaryRegion, key.AccountId, key.KeyId), Region = set.PrimaryRegion },
        ReplicaKeys = set.ReplicaRegions.Select(r => new MultiRegionKey { Arn = KmsArn.ForKey(r, key.AccountId, key.KeyId), Region = r }).ToList(),
    };
}
