namespace KmsLab.Simulation;

/// <summary>
/// One multi-Region key: the related KMS keys, one per Region of one account, that share a key ID
/// (<c>mrk-</c> + 32 hex digits), key material, key spec, key usage, origin and automatic rotation.
/// One of them is the primary; the others are replicas. Each key keeps its own policy, grants,
/// aliases, tags, description, key state and deletion. Every key of the set refers to this one
/// object, which knows where its keys are; the keys themselves live in their Regions'
/// <see cref="RegionalKms"/>. Used only under the world lock.
/// </summary>
internal sealed class MultiRegionSet
{
    /// <summary>How long a new replica stays <c>Creating</c> ("a few seconds", says the API reference).</summary>
    public static readonly TimeSpan CreatingFor = TimeSpan.FromSeconds(5);

    /// <summary>How long the old and new primary stay <c>Updating</c> after UpdatePrimaryRegion.</summary>
    public static readonly TimeSpan UpdatingFor = TimeSpan.FromSeconds(5);

    public const string Primary = "PRIMARY";
    public const string Replica = "REPLICA";

    private readonly List<string> _regions;

    public MultiRegionSet(Guid id, string accountId, string primaryRegion)
    {
        Id = id;
        AccountId = accountId;
        PrimaryRegion = primaryRegion;
        _regions = [primaryRegion];
    }

    public Guid Id { get; }

    public string AccountId { get; }

    /// <summary>The Region of the primary key.</summary>
    public string PrimaryRegion { get; set; }

    /// <summary>Every Region that holds a key of the set, in the order they joined it (the first primary first).</summary>
    public IReadOnlyList<string> Regions => _regions;

    /// <summary>The Regions of the replica keys, in the order they were replicated.</summary>
    public IEnumerable<string> ReplicaRegions => _regions.Where(r => r != PrimaryRegion);

    public bool HasReplicas => _regions.Count > 1;

    /// <summary>The key ID KMS shows: a UUID for a single-Region key, <c>mrk-</c> and the 32 hex digits of the UUID for a multi-Region key.</summary>
    public static string KeyIdOf(Guid id, bool multiRegion) => multiRegion ? "mrk-" + id.ToString("N") : id.ToString("D");

    /// <summary>Reads a multi-Region key ID (<c>mrk-</c> + 32 lowercase or uppercase hex digits); false for any other text.</summary>
    public static bool TryParseKeyId(ReadOnlySpan<char> keyId, out Guid id)
    {
        id = default;
        return keyId.StartsWith("mrk-", StringComparison.Ordinal) && keyId.Length == 36 && Guid.TryParseExact(keyId[4..], "N", out id);
    }

    public void Add(string region) => _regions.Add(region);

    public void Remove(string region) => _regions.Remove(region);

    public string TypeOf(KmsKey key) => key.Region == PrimaryRegion ? Primary : Replica;

    /// <summary>The key of the set in <paramref name="region"/>, if there is one.</summary>
    public KmsKey? KeyIn(KmsWorld world, string region) => _regions.Contains(region) ? world.Region(AccountId, region).Find(Id) : null;

    /// <summary>The primary key.</summary>
    public KmsKey PrimaryKey(KmsWorld world) => KeyIn(world, PrimaryRegion) ?? throw new InvalidOperationException($"The multi-Region key {KeyIdOf(Id, true)} has no primary key in {PrimaryRegion}.");

    /// <summary>The replica keys, in the order they were replicated.</summary>
    public IEnumerable<KmsKey> ReplicaKeys(KmsWorld world)
    {
        foreach (var region in ReplicaRegions.ToList())
        {
            if (KeyIn(world, region) is { } key) yield return key;
        }
    }

    /// <summary>
    /// Carries the shared properties of <paramref name="primary"/> to every replica: automatic
    /// rotation (on or off, period, schedule, on-demand count) and every key material version the
    /// replica lacks. Called whenever the primary's rotation changes or a rotation adds material.
    /// </summary>
    public void ShareFrom(KmsWorld world, KmsKey primary)
    {
        foreach (var replica in ReplicaKeys(world)) CopyShared(primary, replica);
    }

    /// <summary>Copies the shared properties of one key of the set to another (a new replica, or a replica to bring up to date).</summary>
    public static void CopyShared(KmsKey from, KmsKey to)
    {
        to.RotationEnabled = from.RotationEnabled;
        to.RotationPeriodInDays = from.RotationPeriodInDays;
        to.RotationBase = from.RotationBase;
        to.OnDemandRotationCount = from.OnDemandRotationCount;
        // Imported material is imported into each key by its owner: a replica learns which
        // materials (their IDs and states, not their secrets) it may take; generated material is copied.
        if (from.Origin != "AWS_KMS")
        {
            foreach (var material in from.ImportedMaterials.Where(m => m.IsBound))
            {
                var known = to.ImportedMaterials.FirstOrDefault(m => m.Id == material.Id);
                if (known is null) to.ImportedMaterials.Add(known = new ImportedMaterial(material.IdBytes.ToArray()) { Description = material.Description });
                known.State = material.State;
                known.RotationDate = material.RotationDate;
            }
            to.SyncImportedMaterials();
            return;
        }
        foreach (var material in from.Materials)
        {
            if (to.FindMaterial(material.IdBytes) is null)
            {
                to.AddMaterial(KeyMaterial.Restore(from.Spec, material.IdBytes.ToArray(), material.Secret.ToArray(), material.CreatedAt, material.RotationType));
            }
        }
    }

    /// <summary>
    /// A key of the set is gone (deleted at the end of its waiting period). When it was the last
    /// replica of a primary pending replica deletion, the primary's own waiting period starts now:
    /// it becomes PendingDeletion. Returns that primary, or null.
    /// </summary>
    public KmsKey? Removed(KmsWorld world, KmsKey key, DateTimeOffset now)
    {
        Remove(key.Region);
        if (key.Region == PrimaryRegion || HasReplicas) return null;
        if (KeyIn(world, PrimaryRegion) is not { State: KeyState.PendingReplicaDeletion } primary) return null;
        primary.State = KeyState.PendingDeletion;
        primary.DeletionDate = now.AddDays(primary.PendingWindowInDays ?? KmsLimits.DefaultPendingWindowInDays);
        world.Schedule(primary.DeletionDate);
        return primary;
    }

    /// <summary>The state a transient state (Creating, Updating) settles into when its time has come.</summary>
    public static void Settle(KmsKey key)
    {
        key.SettlesAt = null;
        if (key.State is KeyState.Creating or KeyState.Updating) key.State = key.HasMaterial ? KeyState.Enabled : KeyState.PendingImport;
    }
}
