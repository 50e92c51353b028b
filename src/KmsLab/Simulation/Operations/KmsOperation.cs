namespace KmsLab.Simulation.Operations;

/// <summary>
/// One KMS operation and every fact the simulator needs about it, declared once in
/// <see cref="OperationCatalog"/>. The wire adapter, the audit trail, persistence, quotas and grants
/// all read these facts; none keeps a table of its own.
/// </summary>
internal abstract class KmsOperation
{
    private protected KmsOperation(string name)
    {
        Name = name;
        Action = "kms:" + name;
    }

    /// <summary>The operation's name: the wire's <c>X-Amz-Target: TrentService.&lt;Name&gt;</c>, the audit event's name and the SDK method's stem.</summary>
    public string Name { get; }

    /// <summary>The IAM action that authorizes the operation (<c>kms:&lt;Name&gt;</c>).</summary>
    /// <remarks>Kept, not computed: every call authorizes with it, and it must cost no string per call.</remarks>
    public string Action { get; }

    /// <summary>Why the simulator does not carry out this operation, or null if it does.</summary>
    public string? NotSimulatedReason { get; init; }

    public bool IsSimulated => NotSimulatedReason is null;

    /// <summary>The request shape the handler takes (null for an operation that is not simulated).</summary>
    public abstract Type? RequestType { get; }

    /// <summary>The response shape the handler returns (null for an operation that is not simulated).</summary>
    public abstract Type? ResponseType { get; }

    /// <summary>
    /// Whether a successful call may change what KMS keeps (a carrier that keeps state durable saves
    /// after it). Not the same fact as <see cref="ReadOnly"/>: GetParametersForImport is read-only to
    /// CloudTrail but keeps an import token; Encrypt changes nothing but is not a "read" to IAM's eyes.
    /// </summary>
    public required bool ChangesState { get; init; }

    /// <summary>What CloudTrail records as the event's <c>readOnly</c>: true for Describe/List/Get and for every cryptographic operation.</summary>
    public required bool ReadOnly { get; init; }

    /// <summary>The request-rate quota the operation counts against.</summary>
    public QuotaClass Quota { get; init; }

    /// <summary>
    /// The names in CreateGrant's <c>Operations</c> that allow this operation (empty: no grant can);
    /// ReEncrypt is allowed by two, <c>ReEncryptFrom</c> and <c>ReEncryptTo</c>.
    /// </summary>
    public IReadOnlyList<string> GrantOperations { get; init; } = [];

    /// <summary>The key usages whose keys the operation accepts; null if it accepts a key of any usage or names no key.</summary>
    public IReadOnlyList<string>? KeyUsages { get; init; }

    /// <summary>The key states in which the operation accepts its key (<see cref="KeyStates.None"/>: it names no key).</summary>
    public KeyStates KeyStates { get; init; }

    /// <summary>Whether the <c>KeyId</c> parameter may be an alias name or alias ARN (key-management operations take only key IDs and ARNs).</summary>
    public bool AcceptsAlias { get; init; }

    /// <summary>Top-level request members CloudTrail never records (secrets, bulky blobs, tokens); byte arrays among them are zeroed once the call is done.</summary>
    public IReadOnlyList<string> RequestSecrets { get; init; } = [];

    /// <summary>Response members CloudTrail never records (tokens, public keys), at any depth.</summary>
    public IReadOnlyList<string> ResponseSecrets { get; init; } = [];

    /// <summary>Whether CloudTrail records the response as <c>responseElements</c> (not for cryptographic operations, whose responses carry data and keys).</summary>
    public bool AuditsResponse { get; init; } = true;

    /// <summary>Whether the request has a <c>DryRun</c> member (a dry run answers <c>DryRunOperationException</c> when the call would succeed).</summary>
    public bool DryRun { get; init; }

    /// <summary>Whether a successful call counts as the key's last use (GetKeyLastUsage; the SDK's <c>KeyLastUsageTrackingOperation</c> values).</summary>
    public bool TracksLastUsage { get; init; }

    /// <summary>
    /// Request members the simulator reads but refuses when they are set (not null, not false, not
    /// empty), each with the error KMS's answer carries (e.g. <c>Recipient</c>: Nitro Enclaves
    /// attestation). Every other member of the request is honoured.
    /// </summary>
    public IReadOnlyDictionary<string, RefusedMember> RefusedMembers { get; init; } = new Dictionary<string, RefusedMember>();

    /// <summary>Hands the operation, with its shapes as type arguments, to <paramref name="visitor"/> (the wire adapter binds its JSON this way).</summary>
    /// <exception cref="InvalidOperationException">The operation is not simulated.</exception>
    public abstract TResult Accept<TResult>(IOperationVisitor<TResult> visitor);

    public override string ToString() => Name;
}

/// <summary>Something built for each simulated operation from its request and response shapes.</summary>
internal interface IOperationVisitor<out TResult>
{
    TResult Visit<TRequest, TResponse>(KmsOperation<TRequest, TResponse> operation) where TRequest : class, new() where TResponse : class;
}

/// <summary>Why a request member is refused: the error code and the message the caller gets.</summary>
internal sealed record RefusedMember(string ErrorCode, string Message);

/// <summary>An operation with its request and response shapes and the engine method that carries it out.</summary>
internal sealed class KmsOperation<TRequest, TResponse>(string name, Func<KmsEngine, CallContext, TRequest, TResponse> handler) : KmsOperation(name)
    where TRequest : class, new()
    where TResponse : class
{
    private (Func<TRequest, bool> IsSet, RefusedMember Why)[]? _refusals;

    /// <summary>Carries out the operation for an authenticated caller; throws <see cref="KmsException"/> with KMS's error.</summary>
    public Func<KmsEngine, CallContext, TRequest, TResponse> Handler { get; } = handler;

    /// <summary>Refuses a request that sets a member the simulator does not carry out, then runs the handler.</summary>
    public TResponse Invoke(KmsEngine engine, CallContext context, TRequest request)
    {
        foreach (var (isSet, why) in _refusals ??= RefusalsOf(RefusedMembers))
        {
            if (isSet(request)) throw new KmsException(why.ErrorCode, why.Message);
        }
        return Handler(engine, context, request);
    }

    private static Func<TRequest, bool> IsSet(System.Reflection.PropertyInfo property)
    {
        if (property.PropertyType == typeof(bool?))
        {
            var flag = property.GetMethod!.CreateDelegate<Func<TRequest, bool?>>();
            return request => flag(request) == true;
        }
        var value = property.GetMethod!.CreateDelegate<Func<TRequest, object?>>();
        return request => value(request) is { } v && v is not System.Collections.ICollection { Count: 0 };
    }

    /// <summary>A test of each refused member: set means not null, not false and not an empty list.</summary>
    private static (Func<TRequest, bool>, RefusedMember)[] RefusalsOf(IReadOnlyDictionary<string, RefusedMember> refused) =>
    [
        .. refused.Select(r =>
        {
            var property = typeof(TRequest).GetProperty(r.Key)
                ?? throw new InvalidOperationException($"The catalogue refuses {typeof(TRequest).Name}.{r.Key}, which the shape does not have.");
            return (IsSet(property), r.Value);
        }),
    ];

    public override Type RequestType => typeof(TRequest);

    public override Type ResponseType => typeof(TResponse);

    public override TResult Accept<TResult>(IOperationVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>An operation of the KMS API that the simulator lists but does not carry out.</summary>
internal sealed class NotSimulatedOperation(string name) : KmsOperation(name)
{
    public override Type? RequestType => null;

    public override Type? ResponseType => null;

    public override TResult Accept<TResult>(IOperationVisitor<TResult> visitor) => throw new InvalidOperationException($"{Name} is not simulated: {NotSimulatedReason}");
}
