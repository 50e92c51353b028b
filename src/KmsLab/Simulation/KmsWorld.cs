using System.Security.Cryptography;
using KmsLab.Simulation.Grants;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.KeyStores;

namespace KmsLab.Simulation;

/// <summary>
/// The whole simulated AWS: every account's KMS in every Region, one clock and one source of
/// randomness. All state changes happen under <see cref="Sync"/>, so many clients (and threads)
/// can share one world.
/// </summary>
internal sealed class KmsWorld
{
    private readonly Dictionary<(string Account, string Region), RegionalKms> _regions = [];

    public KmsWorld(TimeProvider clock, RandomNumberGenerator random)
    {
        Clock = clock;
        Random = new BufferedRandom(random);
        Principals = new PrincipalDirectory();
        Secrets = new WorldSecrets(Random);
    }

    /// <summary>The simulated service's own keys: they seal import tokens and derive imported KeyMaterialIds.</summary>
    public WorldSecrets Secrets { get; set; }

    /// <summary>Where new key pairs (asymmetric KMS keys, data key pairs, import wrapping keys) come from.</summary>
    public KeyPairFactory KeyPairs { get; set; } = KeyPairFactory.Platform;

    public PrincipalDirectory Principals { get; }

    public GrantRegistry Grants { get; } = new();

    /// <summary>How KMS reaches the proxies of external key stores; null until the lab sets it (no external key store can be created then).</summary>
    public IXksProxy? XksProxy { get; set; }

    /// <summary>Enforces request-rate quotas when the lab asks for them; null means no throttling.</summary>
    public RequestRateLimiter? RateLimiter { get; set; }

    public Lock Sync { get; } = new();

    public TimeProvider Clock { get; }

    public RandomNumberGenerator Random { get; }

    /// <summary>The earliest moment at which a scheduled event (rotation, deletion, expiry of imported key material) may be due.</summary>
    public DateTimeOffset NextEventAt { get; private set; } = DateTimeOffset.MaxValue;

    public IEnumerable<RegionalKms> AllRegions => _regions.Values;

    /// <summary>
    /// Counts the changes the world makes by itself as the clock passes their dates (automatic
    /// rotations, scheduled deletions): state that changed although no request asked for it.
    /// Whoever keeps the world durable compares it to know that a read-only request changed state.
    /// </summary>
    public long SpontaneousChanges { get; private set; }

    public void NoteSpontaneousChange() => SpontaneousChanges++;

    /// <summary>What changed since a database store last saved this world; null (nothing is tracked) unless <see cref="TrackChanges"/> was called.</summary>
    public WorldChanges? Changes { get; private set; }

    /// <summary>Starts marking changes (see <see cref="WorldChanges"/>) for a store that writes only what changed. Under <see cref="Sync"/>.</summary>
    public WorldChanges TrackChanges()
    {
        Changes ??= new WorldChanges();
        foreach (var kms in _regions.Values) kms.Changes = Changes;
        return Changes;
    }

    // Calls come in runs from one account and Region: the one used last is checked first, which
    // costs two short comparisons instead of hashing both strings.
    // Hot-path cache. Keeps: the RegionalKms returned last. Lifetime: this world's (an instance
    // field: another lab's world has its own). Invalidation: none is needed because an entry of
    // _regions is never removed or replaced, so the cached object is always the one the dictionary
    // holds for its account and Region; it is matched on both strings. Whoever ever removes a
    // Region must clear it there. Read and written under Sync, as every caller of Region holds it.
    // Tests: HotPathCacheTests (LastRegion_*, LastFound_and_LastRegion_belong_to_one_world).
    private RegionalKms? _lastRegion;

    public RegionalKms Region(string accountId, string region)
    {
        if (_lastRegion is { } last && string.Equals(last.AccountId, accountId, StringComparison.Ordinal) && string.Equals(last.Region, region, StringComparison.Ordinal)) return last;
        if (!_regions.TryGetValue((accountId, region), out var kms))
        {
            kms = new RegionalKms(accountId, region) { Changes = Changes };
            _regions.Add((accountId, region), kms);
        }
        return _lastRegion = kms;
    }

    /// <summary>
    /// Finds a key by ID in a Region, in whichever account holds it: a symmetric ciphertext names
    /// its key, so Decrypt finds it across accounts (permission permitting). The caller's own account is searched first.
    /// </summary>
    public (RegionalKms Kms, KmsKey? Key) FindKey(Guid id, string accountId, string region)
    {
        var own = Region(accountId, region);
        if (own.Find(id) is { } key) return (own, key);
        foreach (var other in _regions.Values)
        {
            if (other.Region == region && other.Find(id) is { } found) return (other, found);
        }
        foreach (var other in _regions.Values)
        {
            if (other.Region == region && other.WasDeleted(id)) return (other, null);
        }
        return (own, null);
    }

    public void Schedule(DateTimeOffset? at)
    {
        if (at is { } t && t < NextEventAt) NextEventAt = t;
    }

    public void RecomputeNextEvent(DateTimeOffset next) => NextEventAt = next;
}
