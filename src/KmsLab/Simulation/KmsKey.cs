namespace KmsLab.Simulation;

/// <summary>
/// A KMS key and everything KMS keeps about it: metadata, state, material versions, rotation
/// schedule, tags and the key policy. Mutated only by <see cref="KmsEngine"/> under the world lock.
/// </summary>
internal sealed class KmsKey
{
    private readonly List<KeyMaterial> _materials = [];

    public KmsKey(Guid id, string accountId, string region, DateTimeOffset creationDate, KeySpecInfo spec, string keyUsage, string origin, string description, PolicyDocument policy)
    {
        Id = id;
        KeyId = id.ToString("D");
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
    public string KeyManager => "CUSTOMER";
    public string Description { get; set; }
    public PolicyDocument PolicyDocument { get; set; }
    public string Policy => PolicyDocument.Text;

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

    /// <summary>Tags in insertion order, as ListResourceTags returns them.</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    public IReadOnlyList<KeyMaterial> Materials => _materials;

    public KeyMaterial CurrentMaterial => _materials[^1];

    public DateTimeOffset? NextRotationDate => RotationEnabled ? RotationBase.AddDays(RotationPeriodInDays) : null;

    public bool Enabled => State == KeyState.Enabled;

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

    public KmsException InvalidState() => KmsException.InvalidState(State switch
    {
        KeyState.PendingDeletion => $"{Arn} is pending deletion.",
        KeyState.PendingImport => $"{Arn} is pending import.",
        KeyState.Disabled => $"{Arn} is disabled.",
        _ => $"{Arn} is {State}.",
    });

    public void DisposeMaterials()
    {
        foreach (var m in _materials) m.Dispose();
    }
}
