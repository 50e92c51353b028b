using KmsLab.Simulation.Identity;
namespace KmsLab.Simulation.Grants;

/// <summary>
/// A grant: a delegation of chosen operations on one key to a grantee principal, optionally only
/// for requests whose encryption context matches a constraint. Grants take effect at once here
/// (real KMS is eventually consistent unless the grant token is passed).
/// </summary>
internal sealed class KmsGrant
{
    public required string GrantId { get; init; }
    public required KmsKey Key { get; init; }
    public string? Name { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
    /// <summary>The IAM grantee; null for a grant to an AWS service principal (<see cref="GranteeServicePrincipal"/>).</summary>
    public string? GranteePrincipal { get; init; }
    public string? RetiringPrincipal { get; init; }

    /// <summary>The AWS service principal (e.g. <c>rds.amazonaws.com</c>) the grant is for, instead of an IAM grantee.</summary>
    public string? GranteeServicePrincipal { get; init; }

    /// <summary>The AWS service principal that may retire the grant, instead of an IAM retiring principal.</summary>
    public string? RetiringServicePrincipal { get; init; }

    /// <summary>The SourceArn constraint: the grant applies only to requests made on behalf of this AWS resource (as aws:SourceArn).</summary>
    public string? SourceArn { get; init; }
    public required string IssuingAccount { get; init; }
    public required IReadOnlyList<string> Operations { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContextEquals { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContextSubset { get; init; }

    /// <summary>The operations a grant may allow (CreateGrant's <c>Operations</c>), from the operation catalogue.</summary>
    public static IReadOnlyList<string> AllOperations => KmsLab.Simulation.Operations.OperationCatalog.GrantOperationNames;

    /// <summary>
    /// Whether the grant is for this caller: an IAM caller named by <see cref="GranteePrincipal"/>, or
    /// an AWS service principal named by <see cref="GranteeServicePrincipal"/> (or, as older grants
    /// do, by a GranteePrincipal such as <c>rds.amazonaws.com</c>, or its Regional form
    /// <c>dynamodb.us-east-1.amazonaws.com</c> as DynamoDB's grants name it). A grant to a service
    /// principal is for no IAM identity.
    /// </summary>
    public bool IsFor(LabPrincipal caller) => caller.Kind == PrincipalKind.Service
        ? GranteeServicePrincipal == caller.Name || GranteePrincipal == caller.Name || GranteePrincipal == Regional(caller.Name)
        : GranteePrincipal is not null && (GranteePrincipal == caller.Arn || GranteePrincipal == caller.CallerArn || GranteePrincipal == caller.GrantIdentity);

    // The Regional name of a service principal in the key's Region: dynamodb.amazonaws.com → dynamodb.us-east-1.amazonaws.com.
    private string Regional(string servicePrincipal) =>
        servicePrincipal[..^".amazonaws.com".Length] + "." + Key.Region + ".amazonaws.com";

    public bool CanBeRetiredBy(LabPrincipal caller) =>
        (RetiringPrincipal is not null && RetiringPrincipal == caller.Arn) || RetiringPrincipal == caller.CallerArn
        || (caller.Kind == PrincipalKind.Service && RetiringServicePrincipal == caller.Name)
        || (IsFor(caller) && Operations.Contains("RetireGrant"));

    /// <summary>
    /// Whether this grant allows <paramref name="operation"/> for a request with this encryption
    /// context, made on behalf of <paramref name="sourceArn"/> (<c>aws:SourceArn</c>; null for a
    /// caller that acts for no AWS resource). A SourceArn constraint is "effectively the same as
    /// having the aws:SourceArn global condition key in the grant" (SDK doc, GrantConstraints.SourceArn):
    /// a request for any other resource, or for none, is not allowed by it. An encryption-context
    /// constraint binds only the operations that take a context (<see cref="ContextBound"/>), and in it
    /// "the key in each key-value pair is not case sensitive, but the value is case sensitive"
    /// (API Reference, GrantConstraints).
    /// </summary>
    public bool Allows(string operation, IReadOnlyDictionary<string, string>? context, string? sourceArn = null, ChildGrant? child = null)
    {
        if (!Operations.Contains(operation)) return false;
        if (SourceArn is not null && !string.Equals(SourceArn, sourceArn, StringComparison.Ordinal)) return false;
        if (child is not null) return AllowsChild(child);
        if (!ContextBound.Contains(operation)) return true;
        if (EncryptionContextEquals is { } equals)
        {
            return SamePairs(context ?? new Dictionary<string, string>(), equals);
        }
        if (EncryptionContextSubset is { } subset)
        {
            return subset.All(p => context is not null && Contains(context, p));
        }
        return true;
    }

    /// <summary>
    /// Whether this grant, as a parent grant, lets its grantee create <paramref name="child"/>: only its
    /// own operations, and a constraint at least as strict as its own. "The child grant can add pairs to
    /// an EncryptionContextSubset constraint in the parent grant, but it cannot remove them. The child
    /// grant can change an EncryptionContextSubset constraint to an EncryptionContextEquals constraint,
    /// but not the reverse" (Developer Guide, Granting CreateGrant permission).
    /// </summary>
    private bool AllowsChild(ChildGrant child)
    {
        if (!child.Operations.All(Operations.Contains)) return false;
        if (EncryptionContextEquals is { } equals)
        {
            return child.EncryptionContextEquals is { } childEquals && SamePairs(childEquals, equals);
        }
        if (EncryptionContextSubset is { } subset)
        {
            var childPairs = child.EncryptionContextEquals ?? child.EncryptionContextSubset;
            return childPairs is not null && subset.All(p => Contains(childPairs, p));
        }
        return true;
    }

    /// <summary>
    /// The grant operations an encryption-context constraint binds: those whose requests carry a context
    /// (the cryptographic operations of symmetric keys). DescribeKey, RetireGrant and the operations of
    /// asymmetric and HMAC keys are not bound; CreateGrant is bound through the grants it creates (<see cref="AllowsChild"/>).
    /// </summary>
    private static readonly HashSet<string> ContextBound = new(StringComparer.Ordinal)
    {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    };

    private static bool SamePairs(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => Contains(b, p)) && b.All(p => Contains(a, p));

    private static bool Contains(IReadOnlyDictionary<string, string> pairs, KeyValuePair<string, string> pair)
    {
        foreach (var (key, value) in pairs)
        {
            if (string.Equals(key, pair.Key, StringComparison.OrdinalIgnoreCase) && string.Equals(value, pair.Value, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
