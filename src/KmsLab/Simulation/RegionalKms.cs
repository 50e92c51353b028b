using KmsLab.Simulation.KeyStores;

namespace KmsLab.Simulation;

/// <summary>
/// The KMS of one account in one Region. KMS is regional: keys and aliases exist in exactly one
/// of these, and a client in another Region cannot see them.
/// </summary>
internal sealed class RegionalKms(string accountId, string region)
{
    private readonly Dictionary<Guid, KmsKey> _keys = [];
    private readonly List<KmsKey> _keyOrder = [];
    private readonly SortedDictionary<string, KmsAlias> _aliases = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _deleted = [];

    public string AccountId { get; } = accountId;
    public string Region { get; } = region;

    public IReadOnlyList<KmsKey> Keys => _keyOrder;

    public IEnumerable<KmsAlias> Aliases => _aliases.Values;

    /// <summary>The account's custom key stores in this Region, in creation order.</summary>
    public List<CustomKeyStore> KeyStores { get; } = [];

    /// <summary>The account's simulated CloudHSM clusters in this Region (deleted ones too: a key store may still name one), in creation order.</summary>
    public List<CloudHsmCluster> CloudHsmClusters { get; } = [];

    /// <summary>Where this Region marks what it adds and removes, when its world is kept in a database (see <see cref="WorldChanges"/>).</summary>
    public WorldChanges? Changes { get; set; }

    public void Add(KmsKey key)
    {
        _keys.Add(key.Id, key);
        _keyOrder.Add(key);
        Changes?.Key(key);
    }

    public KmsKey? Find(Guid id) => _keys.GetValueOrDefault(id);

    /// <summary>True if a key with this ID existed here and was deleted (its ciphertexts can never decrypt again).</summary>
    public bool WasDeleted(Guid id) => _deleted.Contains(id);

    /// <summary>The IDs of keys deleted here, in no particular order.</summary>
    public IReadOnlyCollection<Guid> DeletedKeyIds => _deleted;

    /// <summary>Records a key deleted before this world was restored from a snapshot.</summary>
    public void AddDeletedKeyId(Guid id) => _deleted.Add(id);

    public void Remove(KmsKey key)
    {
        _keys.Remove(key.Id);
        _keyOrder.Remove(key);
        _deleted.Add(key.Id);
        Changes?.Key(key);
        foreach (var alias in _aliases.Values.Where(a => a.Target == key).ToList()) RemoveAlias(alias.Name);
        key.DisposeMaterials();
    }

    public KmsAlias? FindAlias(string name) => _aliases.GetValueOrDefault(name);

    public void AddAlias(KmsAlias alias)
    {
        _aliases.Add(alias.Name, alias);
        Changes?.Alias(AccountId, Region, alias.Name);
    }

    /// <summary>Points an alias at another key (UpdateAlias).</summary>
    public void Retarget(KmsAlias alias, KmsKey target, DateTimeOffset now)
    {
        alias.Target = target;
        alias.LastUpdatedDate = now;
        Changes?.Alias(AccountId, Region, alias.Name);
    }

    public void RemoveAlias(string name)
    {
        _aliases.Remove(name);
        Changes?.Alias(AccountId, Region, name);
    }

    public int AliasCount(KmsKey key) => _aliases.Values.Count(a => a.Target == key);
}
