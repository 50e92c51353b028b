namespace KmsLab.Simulation;

/// <summary>
/// What may have changed in a world since a durable store last saved it: the keys and aliases to
/// write again (or to delete, if they are gone). Only a world kept in a database tracks changes
/// (<see cref="KmsWorld.TrackChanges"/>); without one, every marking site costs a null check.
/// </summary>
/// <remarks>
/// Why marking and not comparing: comparing needs a copy of every key at every commit, which is
/// exactly the cost a database store exists to avoid. The marks are made where the engine reaches a
/// key, and they over-approximate: a key counts as changed when a request resolved it
/// (<see cref="CallContext.Touch"/>, which every operation on a key goes through, because CloudTrail
/// lists it among the event's resources), when a Region adds or removes it, or when the clock's
/// events change it. A multi-Region key drags its related keys along (<see cref="Drain"/>), because
/// rotation, replication and UpdatePrimaryRegion change them without resolving them. Aliases are
/// marked where a Region adds, removes or re-points one. Writing a key that did not change costs one
/// row; missing one loses a change, so when in doubt, mark. The few small things (principals, custom
/// key stores, the clock and the world's secrets) are not tracked: a store compares them whole,
/// which costs what they are, not what the world is.
/// Used only under the world lock.
/// </remarks>
internal sealed class WorldChanges
{
    // Insertion order matters: a new key is written in the order it was created, and the database
    // keeps that order (the order ListKeys returns).
    private readonly List<KmsKey> _keyOrder = [];
    private readonly HashSet<KmsKey> _keys = [];
    private readonly HashSet<(string AccountId, string Region, string Alias)> _aliases = [];

    /// <summary>The key may have changed (or been added, or removed).</summary>
    public void Key(KmsKey key)
    {
        if (_keys.Add(key)) _keyOrder.Add(key);
    }

    /// <summary>The alias may have changed (or been added, or removed) in this account and Region.</summary>
    public void Alias(string accountId, string region, string name) => _aliases.Add((accountId, region, name));

    /// <summary>True if nothing was marked since the last <see cref="Drain"/>.</summary>
    public bool IsEmpty => _keyOrder.Count == 0 && _aliases.Count == 0;

    /// <summary>
    /// Takes what was marked, and forgets it: the keys in the order they were first marked, each
    /// multi-Region key followed by its related keys in the account's other Regions.
    /// </summary>
    public (List<KmsKey> Keys, List<(string AccountId, string Region, string Alias)> Aliases) Drain(KmsWorld world)
    {
        var keys = new List<KmsKey>(_keyOrder.Count);
        var seen = new HashSet<KmsKey>();
        foreach (var key in _keyOrder)
        {
            if (seen.Add(key)) keys.Add(key);
            if (key.MultiRegion is not { } set) continue;
            foreach (var region in set.Regions)
            {
                if (world.Region(key.AccountId, region).Find(key.Id) is { } related && seen.Add(related)) keys.Add(related);
            }
        }
        var aliases = _aliases.ToList();
        _keyOrder.Clear();
        _keys.Clear();
        _aliases.Clear();
        return (keys, aliases);
    }

    /// <summary>Marks again what a failed write had taken, so that the next write covers it.</summary>
    public void Restore(List<KmsKey> keys, List<(string AccountId, string Region, string Alias)> aliases)
    {
        // In front of what was marked since: the keys keep the order they were created in.
        var since = _keyOrder.ToList();
        _keyOrder.Clear();
        _keys.Clear();
        foreach (var key in keys.Concat(since)) Key(key);
        foreach (var alias in aliases) _aliases.Add(alias);
    }
}
