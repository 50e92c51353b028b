namespace KmsLab.Simulation.Pipeline;

/// <summary>
/// What the pipeline reads from a request that names its key: the <c>KeyId</c> member, the grant
/// tokens, DryRun, and the values authorization weighs (encryption context, the operation's own
/// condition keys). A value: building one costs no allocation.
/// </summary>
internal readonly struct KeyedCall(string keyId)
{
    public string KeyId { get; } = keyId;

    public List<string>? GrantTokens { get; init; }

    public bool? DryRun { get; init; }

    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>The operation's own condition keys (e.g. <c>kms:SigningAlgorithm</c>, <c>aws:RequestTag/...</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Conditions { get; init; }

    /// <summary>For CreateGrant: the grant the request would create (a parent grant must contain it).</summary>
    public Grants.ChildGrant? ChildGrant { get; init; }

    /// <summary>
    /// The operation a key-usage error names when it is not the operation itself: KMS words
    /// GenerateDataKey's (and ReEncrypt's destination's) as Encrypt's.
    /// </summary>
    public string? UsageNamedAs { get; init; }
}
