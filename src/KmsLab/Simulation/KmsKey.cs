using KmsLab.Simulation.Grants;
using KmsLab.Simulation.KeyStores;
using KmsLab.Simulation.Policies;
namespace KmsLab.Simulation;

/// <summary>
/// A KMS key and everything KMS keeps about it: metadata, state, material versions, rotation
/// schedule, tags and the key policy. Mutated only by <see cref="KmsEngine"/> under the world lock.
/// </summary>
internal sealed class KmsKey
{
    private readonly List<KeyMaterial> _materials = [];

    public KmsKey(Guid id, string accountId, string region, DateTimeOffset creationDate, KeySpecInfo spec, string keyUsage, string origin, string description, PolicyDocument policy, bool multiRegion = false)
    {
        Id = id;
        KeyId = MultiRegionSet.KeyIdOf(id, multiRegion);
        AccountId = accountId;
        Region = region;
        Arn = KmsArn.ForKey(region, accountId, KeyId);
        CreationDate = creationDate;
        Spec = spec;
        KeyUsage = keyUsage;
        Origin = origin;
        Description = description;
        PolicyDocument = policy;
        State = KeyState.Enabled;
    }

    public Guid Id { get; }
    public string KeyId { get; }
    public string Arn { get; }
    public string AccountId { get; }
    public string Region { get; }
    public DateTimeOffset CreationDate { get; }
    public KeySpecInfo Spec { get; }
    public string KeyUsage { get; }
    public string Origin { get; }
    /// <summary>For a key in a custom key store (Origin AWS_CLOUDHSM or EXTERNAL_KEY_STORE): the store's ID; null otherwise.</summary>
    public string? CustomKeyStoreId => KeyStore?.Id;

    /// <summary>The custom key store the key lives in (null for other keys); set when the key is made or restored.</summary>
    public CustomKeyStore? KeyStore { get; init; }

    /// <summary>
    /// The state KMS reports and checks: <see cref="State"/>, except that a key whose custom key
    /// store is not connected is <see cref="KeyState.Unavailable"/> unless it is pending deletion.
    /// </summary>
    public string ReportedState => KeyStore is { IsConnected: false } && State is not (KeyState.PendingDeletion or KeyState.PendingReplicaDeletion) ? KeyState.Unavailable : State;

    /// <summary>For a key in an external key store: the ID of its external key in the external key manager.</summary>
    public string? XksKeyId { get; init; }

    /// <summary><c>CUSTOMER</c>, or <c>AWS</c> for the AWS managed keys services create (<c>alias/aws/s3</c>...).</summary>
    public string KeyManager { get; init; } = "CUSTOMER";
    public string Description { get; set; }
    public PolicyDocument PolicyDocument { get; set; }
    public string Policy => PolicyDocument.Text;

    /// <summary>The last call the key's policy allowed without conditions or grants (see <see cref="AllowedCall"/>).</summary>
    /// <remarks>
    /// Hot-path cache. <b>Keeps:</b> one decision per key. <b>Lifetime:</b> the key's; replaced by every
    /// later remembered Allow on this key (by any caller, for any action). <b>Valid while</b> the same
    /// caller asks for the same action with the same key policy document and the same identity
    /// statements in force (<see cref="AllowedCall.Answers"/>): PutKeyPolicy installs a new document
    /// and PutIdentityPolicy/DeleteIdentityPolicy a new statements array, which ends it; a decision a
    /// grant or a condition took part in is never remembered. Read and written under the world lock.
    /// Tests: <c>HotPathCacheTests.LastAllowed_*</c>.
    /// </remarks>
    public AllowedCall? LastAllowed { get; set; }

    /// <summary>The last successful call that used the key (the operations that track last usage); null if none has.</summary>
    public KeyLastUse? LastUse { get; set; }

    /// <summary>The related multi-Region keys this key is one of (its primary and replicas); null for a single-Region key.</summary>
    public MultiRegionSet? MultiRegion { get; set; }

    /// <summary>True for a multi-Region replica key: shared properties (rotation) are managed on its primary.</summary>
    public bool IsReplica => MultiRegion is { } set && set.PrimaryRegion != Region;

    /// <summary>When a transient multi-Region state (Creating, Updating) ends; null otherwise.</summary>
    public DateTimeOffset? SettlesAt { get; set; }

    /// <summary>The key's grants, in creation order.</summary>
    public List<KmsGrant> Grants { get; } = [];
    public string State { get; set; }

    public DateTimeOffset? DeletionDate { get; set; }
    public int? PendingWindowInDays { get; set; }

    public bool RotationEnabled { get; set; }
    public int RotationPeriodInDays { get; set; } = KmsLimits.DefaultRotationPeriodInDays;

    /// <summary>When the automatic-rotation period started counting: enabling rotation, or the last automatic rotation.</summary>
    public DateTimeOffset RotationBase { get; set; }

    public int OnDemandRotationCount { get; set; }

    /// <summary>
    /// For keys with Origin EXTERNAL: every key material imported into the key, in the order it was
    /// bound (the first, then each rotated in), pending rotation material last. See <see cref="ImportedMaterial"/>.
    /// Change it only through <see cref="SyncImportedMaterials"/>, which keeps <see cref="Materials"/> in step.
    /// </summary>
    public List<ImportedMaterial> ImportedMaterials { get; } = [];

    /// <summary>The earliest expiry of the imported material bound to the key (KEY_MATERIAL_EXPIRES); null otherwise.</summary>
    public DateTimeOffset? ValidTo => ImportedMaterials.Where(m => m.IsBound && m.ValidTo is not null).Min(m => m.ValidTo);

    /// <summary>For EXTERNAL keys while bound material is imported: <c>KEY_MATERIAL_EXPIRES</c> if any of it expires, else <c>KEY_MATERIAL_DOES_NOT_EXPIRE</c>; null otherwise.</summary>
    public string? ExpirationModel =>
        ImportedMaterials.Where(m => m.IsBound && m.IsImported).Select(m => m.ExpirationModel).OrderBy(e => e == "KEY_MATERIAL_EXPIRES" ? 0 : 1).FirstOrDefault();

    /// <summary>When the next imported material (bound or pending rotation) expires; null if none will.</summary>
    public DateTimeOffset? NextMaterialExpiry => ImportedMaterials.Where(m => m.IsImported && m.ValidTo is not null).Min(m => m.ValidTo);

    /// <summary>
    /// After a change to <see cref="ImportedMaterials"/>: the materials cryptography may use are the
    /// imported ones bound to the key, in binding order (the current one last).
    /// </summary>
    public void SyncImportedMaterials()
    {
        _materials.Clear();
        foreach (var m in ImportedMaterials)
        {
            if (m.IsBound && m.Secret is { } secret) _materials.Add(secret);
        }
    }

    /// <summary>True when every material the key is bound to is present: false for an EXTERNAL key pending import.</summary>
    public bool HasAllMaterial => Origin != "EXTERNAL"
        ? HasMaterial
        : ImportedMaterials.Any(m => m.IsBound) && ImportedMaterials.All(m => !m.IsBound || m.IsImported);

    /// <summary>Tags in insertion order, as ListResourceTags returns them.</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    public IReadOnlyList<KeyMaterial> Materials => _materials;

    /// <summary>The material new encryptions and signatures use. Only for usable keys: EXTERNAL keys pending import have none.</summary>
    public KeyMaterial CurrentMaterial => _materials.Count > 0 ? _materials[^1] : throw new InvalidOperationException($"{Arn} has no key material.");

    /// <summary>False for an EXTERNAL key before its first import and after its material expired or was deleted.</summary>
    public bool HasMaterial => _materials.Count > 0;

    /// <summary>The ID of the current material; for an EXTERNAL key, of its CURRENT material even while that awaits reimport.</summary>
    public string? CurrentMaterialId => Origin == "EXTERNAL"
        ? ImportedMaterials.FirstOrDefault(m => m.State == KeyMaterialStates.Current)?.Id
        : HasMaterial ? CurrentMaterial.Id : null;

    public DateTimeOffset? NextRotationDate => RotationEnabled ? RotationBase.AddDays(RotationPeriodInDays) : null;

    public bool Enabled => ReportedState == KeyState.Enabled;

    public void AddMaterial(KeyMaterial material) => _materials.Add(material);

    public KeyMaterial? FindMaterial(ReadOnlySpan<byte> id)
    {
        foreach (var m in _materials)
        {
            if (id.SequenceEqual(m.IdBytes)) return m;
        }
        return null;
    }

    /// <summary>The error KMS gives when a cryptographic operation meets a key that is not Enabled.</summary>
    public void EnsureUsable()
    {
        switch (State)
        {
            case KeyState.Enabled: return;
            case KeyState.Disabled: throw new KmsException(KmsErrorCodes.Disabled, $"{Arn} is disabled.");
            default: throw InvalidState();
        }
    }

    /// <summary>For operations that need the key in any state but PendingDeletion (tagging, aliases, description).</summary>
    public void EnsureNotPendingDeletion()
    {
        if (State == KeyState.PendingDeletion) throw InvalidState();
    }

    public KmsException InvalidState() => KmsException.InvalidState(ReportedState switch
    {
        KeyState.Unavailable when KeyStore!.IsExternal => XksProxyFailures.Message(XksProxyFailure.NotConnected),
        KeyState.Unavailable => $"{Arn} is unavailable: its custom key store {KeyStore.Id} is {KeyStore.ConnectionState}. Connect it (ConnectCustomKeyStore) to use the key.",
        KeyState.PendingDeletion => $"{Arn} is pending deletion.",
        KeyState.PendingImport => $"{Arn} is pending import.",
        KeyState.PendingReplicaDeletion => $"{Arn} is pending replica deletion.",
        KeyState.Creating => $"{Arn} is creating.",
        KeyState.Updating => $"{Arn} is updating.",
        KeyState.Disabled => $"{Arn} is disabled.",
        _ => $"{Arn} is {State}.",
    });

    public void DisposeMaterials()
    {
        foreach (var m in _materials) m.Dispose();
        foreach (var m in ImportedMaterials) m.Secret?.Dispose();
    }

    /// <summary>Drops every material of the key (tests use it to break a key behind the engine's back).</summary>
    public void RemoveMaterials()
    {
        DisposeMaterials();
        _materials.Clear();
    }
}
