namespace KmsLab.Simulation.Operations;

/// <summary>
/// The request-rate quota an operation counts against (per account and Region, per second), as KMS
/// shares them: every symmetric cryptographic operation draws on one quota, every asymmetric one on
/// another. <see cref="RequestQuotas"/> holds the limits.
/// </summary>
internal enum QuotaClass
{
    /// <summary>No request-rate quota is simulated for the operation.</summary>
    None,
    SymmetricCryptographic,
    Asymmetric,
    CreateKey,
    CreateAlias,
    EnableDisableKey,
    EnableKeyRotation,
    PutKeyPolicy,
    DescribeKey,
    ListKeys,
}
