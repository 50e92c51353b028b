using KmsLab.Simulation.Model;

namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    private static readonly IReadOnlyList<string> IncludeKeyMaterialValues = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"];

    public EmptyResponse EnableKeyRotation(CallContext ctx, EnableKeyRotationRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Range(request.RotationPeriodInDays, "rotationPeriodInDays", KmsLimits.MinRotationPeriodInDays, KmsLimits.MaxRotationPeriodInDays)
            .ThrowIfInvalid();
        return Run(ctx, kms =>
        {
            var key = RotatableKey(ctx, kms, request.KeyId!, "kms:EnableKeyRotation", "automatic key rotation");
            key.EnsureUsable();
            if (!key.RotationEnabled) key.RotationBase = Now;
            key.RotationEnabled = true;
            key.RotationPeriodInDays = request.RotationPeriodInDays ?? KmsLimits.DefaultRotationPeriodInDays;
            World.Schedule(key.NextRotationDate);
            return EmptyResponse.Instance;
        });
    }

    public EmptyResponse DisableKeyRotation(CallContext ctx, KeyIdRequest request)
    {
        ValidateKeyId(request.KeyId);
        return Run(ctx, kms =>
        {
            var key = RotatableKey(ctx, kms, request.KeyId!, "kms:DisableKeyRotation", "automatic key rotation");
            key.EnsureUsable();
            key.RotationEnabled = false;
            return EmptyResponse.Instance;
        });
    }

    public GetKeyRotationStatusResponse GetKeyRotationStatus(CallContext ctx, KeyIdRequest request)
    {
        ValidateKeyId(request.KeyId);
        return Run(ctx, kms =>
        {
            var key = RotatableKey(ctx, kms, request.KeyId!, "kms:GetKeyRotationStatus", "automatic key rotation");
            return new GetKeyRotationStatusResponse
            {
                KeyRotationEnabled = key.RotationEnabled,
                KeyId = key.Arn,
                RotationPeriodInDays = key.RotationEnabled ? key.RotationPeriodInDays : null,
                NextRotationDate = key.NextRotationDate,
            };
        });
    }

    public KeyIdResponse RotateKeyOnDemand(CallContext ctx, KeyIdRequest request)
    {
        ValidateKeyId(request.KeyId);
        return Run(ctx, kms =>
        {
            var key = RotatableKey(ctx, kms, request.KeyId!, "kms:RotateKeyOnDemand", "on-demand key rotation");
            key.EnsureUsable();
            if (key.OnDemandRotationCount >= KmsLimits.MaxOnDemandRotations)
            {
                throw new KmsException(KmsErrorCodes.LimitExceeded, $"{key.Arn} has reached the limit of {KmsLimits.MaxOnDemandRotations} on-demand rotations.");
            }
            // On-demand rotation adds material but leaves the automatic schedule where it was.
            key.AddMaterial(KeyMaterial.Generate(World.Random, Now, RotationTypes.OnDemand));
            key.OnDemandRotationCount++;
            return new KeyIdResponse { KeyId = key.Arn };
        });
    }

    public ListKeyRotationsResponse ListKeyRotations(CallContext ctx, ListKeyRotationsRequest request)
    {
        RequestValidator.Start()
            .Required(request.KeyId, "keyId").Length(request.KeyId, "keyId", 1, 2048)
            .Enum(request.IncludeKeyMaterial, "includeKeyMaterial", IncludeKeyMaterialValues)
            .ThrowIfInvalid();
        ValidatePaging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return Run(ctx, kms =>
        {
            var key = RotatableKey(ctx, kms, request.KeyId!, "kms:ListKeyRotations", "key rotation", allowImported: true);
            if (key.Origin == "EXTERNAL") return ListImportedKeyMaterial(key, request);
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
        });
    }

    /// <summary>
    /// Only symmetric keys with KMS-generated material rotate; the others get UnsupportedOperationException.
    /// (ListKeyRotations also lists the material of symmetric keys with imported material.)
    /// </summary>
    private KmsKey RotatableKey(CallContext ctx, RegionalKms kms, string keyId, string action, string what, bool allowImported = false)
    {
        var key = AuthorizedKey(ctx, kms, keyId, action, allowAlias: false);
        if (key.Spec.IsSymmetric && key.Origin == "EXTERNAL")
        {
            if (allowImported) return key;
            throw KmsException.Unsupported(what == "on-demand key rotation"
                ? $"KmsLab does not simulate on-demand rotation of imported key material yet (ImportKeyMaterial with NEW_KEY_MATERIAL, then RotateKeyOnDemand); {key.Arn} keeps its first key material."
                : $"{key.Arn} does not support {what}: automatic rotation is not available for keys with imported key material.");
        }
        if (!key.Spec.IsSymmetric || key.Origin != "AWS_KMS")
        {
            throw KmsException.Unsupported($"{key.Arn} does not support {what}: only symmetric encryption keys with key material generated by KMS rotate.");
        }
        return key;
    }
}
