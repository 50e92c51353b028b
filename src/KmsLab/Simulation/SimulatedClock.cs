namespace KmsLab.Simulation;

/// <summary>
/// The simulator's clock: a <see cref="TimeProvider"/> that a learner can move forward, so that a
/// year of key rotation or a 7-day deletion window passes in one call. It reads the time of its
/// source (the system clock by default) plus everything advanced so far.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly TimeProvider _source;
    private readonly Lock _sync = new();
    private readonly string? _realAwsAdvice;
    private long _offsetTicks; // read without the lock on every simulated call; written under it

    /// <summary>Creates a clock that follows <paramref name="source"/>, moved on by <see cref="Advance"/>.</summary>
    public SimulatedClock(TimeProvider source) => _source = source;

    private SimulatedClock(TimeProvider source, string realAwsAdvice)
    {
        _source = source;
        _realAwsAdvice = realAwsAdvice;
    }

    /// <summary>A clock that reads real time and refuses to move (a lab on real AWS), saying what to do instead.</summary>
    internal static SimulatedClock RealTime(string realAwsAdvice) => new(System, realAwsAdvice);

    /// <summary>False on real AWS, where time passes only in real time: <see cref="Advance"/> then throws <see cref="SimulatorOnlyException"/>.</summary>
    public bool CanAdvance => _realAwsAdvice is null;

    /// <summary>How far this clock has been moved ahead of its source.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _source.GetUtcNow().AddTicks(Volatile.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward. Time never goes back: a negative span is refused.</summary>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (see <see cref="CanAdvance"/>).</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        RefuseOnRealAws();
        lock (_sync) Volatile.Write(ref _offsetTicks, _offsetTicks + by.Ticks);
    }

    /// <summary>
    /// Restores a clock saved earlier: its offset, and never a time before <paramref name="notBefore"/>
    /// (the moment it showed when saved), even if the source clock has gone back since.
    /// </summary>
    internal void Restore(TimeSpan offset, DateTimeOffset notBefore)
    {
        lock (_sync)
        {
            var now = _source.GetUtcNow() + offset;
            if (now < notBefore) offset += notBefore - now;
            Volatile.Write(ref _offsetTicks, offset.Ticks);
        }
    }

    /// <summary>Moves the clock forward to <paramref name="moment"/>; a moment in the past is refused.</summary>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (see <see cref="CanAdvance"/>).</exception>
    public void AdvanceTo(DateTimeOffset moment)
    {
        RefuseOnRealAws();
        lock (_sync)
        {
            var now = _source.GetUtcNow().AddTicks(_offsetTicks);
            if (moment < now) throw new ArgumentOutOfRangeException(nameof(moment), moment, $"The clock is already at {now:O}; time does not go back.");
            Volatile.Write(ref _offsetTicks, _offsetTicks + (moment - now).Ticks);
        }
    }

    private void RefuseOnRealAws()
    {
        if (_realAwsAdvice is not null) throw new SimulatorOnlyException("Lab.Clock.Advance", _realAwsAdvice);
    }
}
