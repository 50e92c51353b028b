namespace KmsLab.Simulation;

/// <summary>Values of <c>KeyMaterialState</c> in ListKeyRotations.</summary>
internal static class KeyMaterialStates
{
    /// <summary>Encrypts and decrypts: the key's current material.</summary>
    public const string Current = "CURRENT";

    /// <summary>Decrypts only: material the key rotated away from.</summary>
    public const string NonCurrent = "NON_CURRENT";

    /// <summary>Imported with NEW_KEY_MATERIAL, waiting for RotateKeyOnDemand; not yet bound to the key.</summary>
    public const string PendingRotation = "PENDING_ROTATION";
}

/// <summary>
/// One key material of a key with Origin EXTERNAL, as ListKeyRotations shows it: its ID (derived
/// from the key ID and the bytes, so reimporting the same bytes finds it again), description,
/// state, expiration, and the secret while it is imported. Symmetric encryption keys can hold
/// several (rotation of imported material, 2025); HMAC and asymmetric keys hold exactly one.
/// Material in <see cref="KeyMaterialStates.PendingRotation"/> is not bound to the key: deleting
/// it forgets it. Bound material (CURRENT, NON_CURRENT) is remembered for ever, so that only the
/// same bytes can be imported again after it expired or was deleted.
/// </summary>
internal sealed class ImportedMaterial(byte[] id)
{
    public byte[] IdBytes { get; } = id;

    /// <summary>64 lowercase hex digits, as KMS prints a KeyMaterialId.</summary>
    public string Id { get; } = Convert.ToHexStringLower(id);

    public string? Description { get; set; }

    /// <summary>One of <see cref="KeyMaterialStates"/>.</summary>
    public string State { get; set; } = KeyMaterialStates.PendingRotation;

    /// <summary>When RotateKeyOnDemand made this material current; null for the first material and pending material.</summary>
    public DateTimeOffset? RotationDate { get; set; }

    /// <summary>The secret while imported (ImportState IMPORTED); null after expiry or DeleteImportedKeyMaterial (PENDING_IMPORT).</summary>
    public KeyMaterial? Secret { get; set; }

    /// <summary><c>KEY_MATERIAL_EXPIRES</c> or <c>KEY_MATERIAL_DOES_NOT_EXPIRE</c> while imported; null otherwise.</summary>
    public string? ExpirationModel { get; set; }

    /// <summary>When the imported secret expires (KEY_MATERIAL_EXPIRES); null otherwise.</summary>
    public DateTimeOffset? ValidTo { get; set; }

    public bool IsImported => Secret is not null;

    /// <summary>CURRENT or NON_CURRENT: bound to the key for ever.</summary>
    public bool IsBound => State != KeyMaterialStates.PendingRotation;

    /// <summary>Forgets the secret (the metadata stays): after expiry or DeleteImportedKeyMaterial.</summary>
    public void Forget()
    {
        Secret?.Dispose();
        Secret = null;
        ExpirationModel = null;
        ValidTo = null;
    }
}
