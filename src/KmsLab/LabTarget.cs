namespace KmsLab;

/// <summary>
/// Where a <see cref="Lab"/>'s clients send their KMS calls. Lessons branch on
/// <see cref="Lab.IsSimulator"/> (or <see cref="Lab.Target"/>) where the simulator can show
/// something real AWS cannot (advancing the clock, reading the audit trail at once).
/// </summary>
public enum LabTarget
{
    /// <summary>The in-process KMS simulator: no account, no network, a clock you can move.</summary>
    Simulator,

    /// <summary>Real AWS KMS, through the standard credential chain (profiles, SSO, environment) and a Region.</summary>
    Aws,
}
