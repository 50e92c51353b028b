namespace KmsLab;

/// <summary>
/// KMS's request-rate quotas (per account and Region, per second), which the simulator can
/// enforce so a lesson can hit the wall that many small direct Encrypt calls hit, and see how
/// data keys and caching avoid it. Off unless <see cref="LabOptions.RequestQuotas"/> is set.
/// Calls over a quota get <c>ThrottlingException</c>, as from AWS.
/// </summary>
/// <remarks>
/// Operations share quotas as in AWS: every symmetric cryptographic operation counts against one
/// shared quota; Sign, Verify and GetPublicKey against the asymmetric one. The simulator counts
/// requests per second of the lab clock, so on a frozen test clock the count never resets until
/// the test advances it.
/// </remarks>
public sealed record RequestQuotas
{
    /// <summary>Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateRandom, GenerateMac, VerifyMac (shared). AWS: 5,500 to 50,000+ by Region.</summary>
    public int SymmetricCryptographic { get; init; } = KmsFacts.SymmetricCryptographicRequestsPerSecond;

    /// <summary>Sign, Verify, GetPublicKey and RSA/ECC operations (shared). AWS: 1,000 for RSA, 1,000 for ECC.</summary>
    public int Asymmetric { get; init; } = KmsFacts.AsymmetricRequestsPerSecond;

    /// <summary>CreateKey per second. AWS: 5.</summary>
    public int CreateKey { get; init; } = KmsFacts.CreateKeyRequestsPerSecond;

    /// <summary>CreateAlias per second. AWS: 5.</summary>
    public int CreateAlias { get; init; } = KmsFacts.CreateAliasRequestsPerSecond;

    /// <summary>EnableKey and DisableKey (shared). AWS: 5.</summary>
    public int EnableDisableKey { get; init; } = KmsFacts.EnableDisableKeyRequestsPerSecond;

    /// <summary>EnableKeyRotation per second. AWS: 15.</summary>
    public int EnableKeyRotation { get; init; } = KmsFacts.EnableKeyRotationRequestsPerSecond;

    /// <summary>PutKeyPolicy per second. AWS: 15.</summary>
    public int PutKeyPolicy { get; init; } = KmsFacts.PutKeyPolicyRequestsPerSecond;

    /// <summary>DescribeKey per second. AWS: 2,000.</summary>
    public int DescribeKey { get; init; } = KmsFacts.DescribeKeyRequestsPerSecond;

    /// <summary>ListKeys per second. AWS: 500.</summary>
    public int ListKeys { get; init; } = KmsFacts.ListKeysRequestsPerSecond;

    /// <summary>The quotas of a standard AWS Region (the values of <see cref="KmsFacts"/>).</summary>
    public static RequestQuotas Standard { get; } = new();

    /// <summary>Every quota multiplied by <paramref name="factor"/> (at least 1), e.g. 0.01 to hit the wall after a few dozen calls in a lesson.</summary>
    public RequestQuotas Scaled(double factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        int S(int q) => Math.Max(1, (int)Math.Round(q * factor));
        return new RequestQuotas
        {
            SymmetricCryptographic = S(SymmetricCryptographic), Asymmetric = S(Asymmetric), CreateKey = S(CreateKey), CreateAlias = S(CreateAlias),
            EnableDisableKey = S(EnableDisableKey), EnableKeyRotation = S(EnableKeyRotation), PutKeyPolicy = S(PutKeyPolicy),
            DescribeKey = S(DescribeKey), ListKeys = S(ListKeys),
        };
    }

    /// <summary>The per-second limit of a quota class (the operations in each class are in <see cref="Simulation.Operations.OperationCatalog"/>).</summary>
    internal int LimitOf(Simulation.Operations.QuotaClass quota) => quota switch
    {
        Simulation.Operations.QuotaClass.SymmetricCryptographic => SymmetricCryptographic,
        Simulation.Operations.QuotaClass.Asymmetric => Asymmetric,
        Simulation.Operations.QuotaClass.CreateKey => CreateKey,
        Simulation.Operations.QuotaClass.CreateAlias => CreateAlias,
        Simulation.Operations.QuotaClass.EnableDisableKey => EnableDisableKey,
        Simulation.Operations.QuotaClass.EnableKeyRotation => EnableKeyRotation,
        Simulation.Operations.QuotaClass.PutKeyPolicy => PutKeyPolicy,
        Simulation.Operations.QuotaClass.DescribeKey => DescribeKey,
        Simulation.Operations.QuotaClass.ListKeys => ListKeys,
        _ => throw new ArgumentOutOfRangeException(nameof(quota), quota, "No limit is simulated for this quota."),
    };
}
