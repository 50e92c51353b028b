namespace KmsLab;

/// <summary>
/// Thrown on the real-AWS target by a lab member that exists only on the simulator (moving the
/// clock, reading the simulator's audit trail, creating IAM users...). The message says what to
/// do on real AWS instead; <see cref="OnRealAws"/> holds that advice alone.
/// </summary>
public sealed class SimulatorOnlyException : NotSupportedException
{
    /// <summary>Creates the exception for <paramref name="member"/> with the real-AWS alternative.</summary>
    public SimulatorOnlyException(string member, string onRealAws)
        : base($"{member} exists only on the KmsLab simulator; this lab targets real AWS. On real AWS: {onRealAws} (Lessons can branch with `if (lab.IsSimulator) ... else ...`.)")
    {
        Member = member;
        OnRealAws = onRealAws;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SimulatorOnlyException(string message)
        : base(message)
    {
        Member = "";
        OnRealAws = "";
    }

    /// <summary>Creates the exception with a message and the exception behind it.</summary>
    public SimulatorOnlyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Member = "";
        OnRealAws = "";
    }

    /// <summary>Creates the exception without details.</summary>
    public SimulatorOnlyException()
        : this("This member exists only on the KmsLab simulator.")
    {
    }

    /// <summary>The simulator-only member that was used, e.g. <c>Lab.AuditTrail</c>.</summary>
    public string Member { get; }

    /// <summary>What to do on real AWS instead.</summary>
    public string OnRealAws { get; }
}
