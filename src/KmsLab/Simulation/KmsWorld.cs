using System.Security.Cryptography;

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
    }

    public PrincipalDirectory Principals { get; }

    public Lock Sync { get; } = new();

    public TimeProvider Clock { get; }

    public RandomNumberGenerator Random { get; }

    /// <summary>The earliest moment at which a scheduled event (rotation, deletion) may be due.</summary>
    public DateTimeOffset NextEventAt { get; private set; } = DateTimeOffset.MaxValue;

    public IEnumerable<RegionalKms> AllRegions => _regions.Values;

    /// <summary>
    /// Counts the changes the world makes by itself as the clock passes their dates (automatic
    /// rotations, scheduled deletions): state that changed although no request asked for it.
    /// Whoever keeps the world durable compares it to know that a read-only request changed state.
    /// </summary>
    public long SpontaneousChanges { get; private set; }

    public void NoteSpontaneousChange() => SpontaneousChanges++;

    public RegionalKms Region(string accountId, string region)
    {
        if (!_regions.TryGetValue((accountId, region), out var kms))
        {
            kms = new RegionalKms(accountId, region);
            _regions.Add((accountId, region), kms);
        }
        return kms;
    }

    public void Schedule(DateTimeOffset? at)
    {
        if (at is { } t && t < NextEventAt) NextEventAt = t;
    }

    public void RecomputeNextEvent(DateTimeOffset next) => NextEventAt = next;
}
