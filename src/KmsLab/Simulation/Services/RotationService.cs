using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>Key rotation: automatic (enable, disable, status), on demand, and the list of a key's rotations.</summary>
internal sealed class RotationService(RequestPipeline pipeline)
{
    private static readonly KmsOperation EnableKeyRotationOperation = OperationCatalog.Get("EnableKeyRotation");
    private static readonly KmsOperation DisableKeyRotationOperation = OperationCatalog.Get("DisableKeyRotation");
    private static readonly KmsOperation GetKeyRotationStatusOperation = OperationCatalog.Get("GetKeyRotationStatus");
    private static readonly KmsOperation RotateKeyOnDemandOperation = OperationCatalog.Get("RotateKeyOnDemand");
    private static readonly KmsOperation ListKeyRotationsOperation = OperationCatalog.Get("ListKeyRotations");

    private static readonly IReadOnlyList<string> IncludeKeyMaterialValues = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"];

    private const string Automatic = "automatic key rotation";
    private const string OnDemand = "on-demand key rotation";

    private KmsWorld World => pipeline.World;

    private DateTimeOffset Now => pipeline.Now;

    public EmptyResponse EnableKeyRotation(CallContext ctx, EnableKeyRotationRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Range(request.RotationPeriodInDays, "rotationPeriodInDays", KmsLimits.MinRotationPeriodInDays, KmsLimits.MaxRotationPeriodInDays)
            .ThrowIfInvalid();
        return pipeline.Run(EnableKeyRotationOperation, ctx, new KeyedCall(request.KeyId!), (Service: this, Days: request.RotationPeriodInDays), EnableKeyRotationSteps);
    }

    private static readonly KeyedSteps<(RotationService Service, int? Days), EmptyResponse> EnableKeyRotationSteps =
        new(static (s, _, key) => s.Service.EnableRotation(key, s.Days))
        {
            BeforeState = static (_, _, key) => CheckManagedHere(key, Automatic),
        };

    private EmptyResponse EnableRotation(KmsKey key, int? days)
    {
        if (!key.RotationEnabled) key.RotationBase = Now;
        key.RotationEnabled = true;
        key.RotationPeriodInDays = days ?? KmsLimits.DefaultRotationPeriodInDays;
        World.Schedule(key.NextRotationDate);
        key.MultiRegion?.ShareFrom(World, key);
        return EmptyResponse.Instance;
    }

    public EmptyResponse DisableKeyRotation(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(DisableKeyRotationOperation, ctx, new KeyedCall(request.KeyId!), this, DisableKeyRotationSteps);
    }

    private static readonly KeyedSteps<RotationService, EmptyResponse> DisableKeyRotationSteps =
        new(static (service, _, key) =>
        {
            key.RotationEnabled = false;
            key.MultiRegion?.ShareFrom(service.World, key);
            return EmptyResponse.Instance;
        })
        {
            BeforeState = static (_, _, key) => CheckManagedHere(key, Automatic),
        };

    public GetKeyRotationStatusResponse GetKeyRotationStatus(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(GetKeyRotationStatusOperation, ctx, new KeyedCall(request.KeyId!), 0, GetKeyRotationStatusSteps);
    }

    private static readonly KeyedSteps<int, GetKeyRotationStatusResponse> GetKeyRotationStatusSteps =
        new(static (_, _, key) => new GetKeyRotationStatusResponse
        {
            KeyRotationEnabled = key.RotationEnabled,
            KeyId = key.Arn,
            RotationPeriodInDays = key.RotationEnabled ? key.RotationPeriodInDays : null,
            NextRotationDate = key.NextRotationDate,
        })
        {
            BeforeState = static (_, _, key) => CheckRotatable(key, Automatic),
        };

    public KeyIdResponse RotateKeyOnDemand(CallContext ctx, KeyIdRequest request)
    {
        RequestRules.KeyId(request.KeyId);
        return pipeline.Run(RotateKeyOnDemandOperation, ctx, new KeyedCall(request.KeyId!), this, RotateKeyOnDemandSteps);
    }

    private static readonly KeyedSteps<RotationService, KeyIdResponse> RotateKeyOnDemandSteps =
        new(static (service, _, key) => service.RotateOnDemand(key))
        {
            BeforeState = static (_, _, key) => CheckManagedHere(key, OnDemand),
            Check = static (_, _, key) =>
            {
                if (IsImported(key) && !key.ImportedMaterials.Any(m => m.State == KeyMaterialStates.PendingRotation))
                {
                    throw KmsException.InvalidState($"{key.Arn} has imported key material and none of it is pending rotation. Import new key material first (ImportKeyMaterial with ImportType NEW_KEY_MATERIAL); RotateKeyOnDemand then makes it current.");
                }
                if (key.OnDemandRotationCount >= KmsLimits.MaxOnDemandRotations)
                {
                    throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} has reached the limit of {KmsLimits.MaxOnDemandRotations} on-demand rotations.");
                }
            },
        };

    private KeyIdResponse RotateOnDemand(KmsKey key)
    {
        // On-demand rotation adds material but leaves the automatic schedule where it was.
        if (IsImported(key))
        {
            // The material pending rotation becomes current; the current one is kept for decryption.
            foreach (var m in key.ImportedMaterials)
            {
                if (m.State == KeyMaterialStates.Current) m.State = KeyMaterialStates.NonCurrent;
            }
            var pending = key.ImportedMaterials.First(m => m.State == KeyMaterialStates.PendingRotation);
            pending.State = KeyMaterialStates.Current;
            pending.RotationDate = Now;
            key.SyncImportedMaterials();
        }
        else
        {
            key.AddMaterial(KeyMaterial.Generate(World.Random, Now, RotationTypes.OnDemand));
        }
        key.OnDemandRotationCount++;
        key.MultiRegion?.ShareFrom(World, key);
        return new KeyIdResponse { KeyId = key.Arn };
    }

    public ListKeyRotationsResponse ListKeyRotations(CallContext ctx, ListKeyRotationsRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Enum(request.IncludeKeyMaterial, "includeKeyMaterial", IncludeKeyMaterialValues)
            .ThrowIfInvalid();
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return pipeline.Run(ListKeyRotationsOperation, ctx, new KeyedCall(request.KeyId!), request, ListKeyRotationsSteps);
    }

    private static readonly KeyedSteps<ListKeyRotationsRequest, ListKeyRotationsResponse> ListKeyRotationsSteps =
        new(static (request, _, key) => ListRotations(key, request))
        {
            // Symmetric keys with imported material list their material too.
            BeforeState = static (_, _, key) =>
            {
                if (!IsImported(key)) CheckRotatable(key, "key rotation");
            },
        };

    private static ListKeyRotationsResponse ListRotations(KmsKey key, ListKeyRotationsRequest request)
    {
        if (key.Origin == "EXTERNAL") return ImportService.ListImportedKeyMaterial(key, request);
        var materials = key.Materials.Where(m => request.IncludeKeyMaterial == "ALL_KEY_MATERIAL" || m.RotationType is not null).ToList();
        var page = Paging.Page(materials, m => m.Id, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
        return new ListKeyRotationsResponse
        {
            Rotations = page.Items.Select(m => new RotationsListEntry
            {
                KeyId = key.Arn,
                KeyMaterialId = m.Id,
                KeyMaterialState = m == key.CurrentMaterial ? "CURRENT" : "NON_CURRENT",
                RotationDate = m.RotationType is null ? null : m.CreatedAt,
                RotationType = m.RotationType,
            }).ToList(),
            NextMarker = page.NextMarker,
            Truncated = page.NextMarker is not null,
        };
    }

    /// <summary>
    /// Rotation of a multi-Region key is managed on its primary, which shares it with every
    /// replica: on a replica, changing it is refused (after the checks every key gets).
    /// </summary>
    private static void CheckManagedHere(KmsKey key, string what)
    {
        CheckRotatable(key, what);
        if (key.IsReplica)
        {
            throw KmsException.Unsupported(
                $"{key.Arn} is a multi-Region replica key: its {what} is managed on its primary key in {key.MultiRegion!.PrimaryRegion}, which shares it with every replica.");
        }
    }

    private static bool IsImported(KmsKey key) => key.Spec.IsSymmetric && key.Origin == "EXTERNAL";

    /// <summary>
    /// Only symmetric keys with KMS-generated material rotate automatically, and symmetric keys with
    /// imported material on demand; the others get
    /// UnsupportedOperationException, whatever their state.
    /// </summary>
    private static void CheckRotatable(KmsKey key, string what)
    {
        if (IsImported(key))
        {
            // Imported symmetric material rotates on demand only (ImportKeyMaterial NEW_KEY_MATERIAL, then RotateKeyOnDemand).
            if (what == OnDemand) return;
            throw KmsException.Unsupported($"{key.Arn} does not support {what}: automatic rotation is not available for keys with imported key material. Import new key material (ImportType NEW_KEY_MATERIAL) and call RotateKeyOnDemand.");
        }
        if (!key.Spec.IsSymmetric || key.Origin != "AWS_KMS")
        {
            throw KmsException.Unsupported($"{key.Arn} does not support {what}: only symmetric encryption keys with key material generated by KMS rotate.");
        }
    }
}
