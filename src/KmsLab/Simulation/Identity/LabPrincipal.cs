using KmsLab.Audit;
using KmsLab.Simulation.Policies;
namespace KmsLab.Simulation.Identity;

/// <summary>
/// A simulated IAM identity (a user, or a role whose session the lab acts as) with its access key
/// and its identity policies: who a signed request comes from, and what IAM lets it do.
/// </summary>
internal sealed class LabPrincipal(string accountId, string name, PrincipalKind kind, string accessKeyId, string secretAccessKey, string sessionName = LabPrincipal.RoleSessionName)
{
    private readonly Dictionary<string, PolicyDocument> _policies = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private PolicyStatement[] _statements = [];

    public const string RoleSessionName = "kmslab";

    /// <summary>The role session's name (a role's callers only): <see cref="RoleSessionName"/>, or the instance an EC2 infrastructure session is for.</summary>
    public string SessionName { get; } = sessionName;

    /// <summary>
    /// The name grants give this caller when it is not an ARN: EC2's infrastructure role acting for
    /// an instance is <c>111122223333:aws:ec2-infrastructure:i-…</c> (its principal ID), as the grants
    /// EC2 creates to attach an encrypted EBS volume name it. Null for every lab principal.
    /// </summary>
    public string? GrantIdentity { get; init; }

    public string AccountId { get; } = accountId;
    public string Name { get; } = name;
    public PrincipalKind Kind { get; } = kind;

    /// <summary>
    /// The IAM ARN policies name: <c>arn:aws:iam::111122223333:user/myKeyUser</c> or <c>...:role/Name</c>;
    /// for an AWS service principal, its name (<c>rds.amazonaws.com</c>), which is what policies and grants name.
    /// </summary>
    public string Arn { get; } = kind == PrincipalKind.Service ? name : $"arn:aws:iam::{accountId}:{(kind == PrincipalKind.User ? "user" : "role")}/{name}";

    /// <summary>The ARN AWS reports for the caller: the user, or the role's assumed-role session (a service principal: its name).</summary>
    public string CallerArn => Kind switch
    {
        PrincipalKind.Role => $"arn:aws:sts::{AccountId}:assumed-role/{Name}/{SessionName}",
        _ => Arn,
    };

    public string AccessKeyId { get; } = accessKeyId;
    public string SecretAccessKey { get; } = secretAccessKey;

    public IReadOnlyList<PolicyDocument> IdentityPolicies
    {
        get { lock (_sync) return [.. _policies.Values]; }
    }

    /// <summary>Every statement of every identity policy: a snapshot replaced (never mutated) when policies change.</summary>
    public PolicyStatement[] IdentityStatements => Volatile.Read(ref _statements);

    /// <summary>CloudTrail's identity of this principal calling directly (cached: every audited call needs it).</summary>
    public AuditIdentity AuditIdentity => _auditIdentity ??= Kind switch
    {
        PrincipalKind.User => new AuditIdentity("IAMUser", "AIDA" + AccessKeyId[4..], CallerArn, AccountId, AccessKeyId, Name, null),
        // CloudTrail: "type": "AWSService", "invokedBy": the service principal (see AuditIdentity.Type).
        PrincipalKind.Service => new AuditIdentity(AuditIdentity.AwsServiceType, "", Name, "", "", null, Name),
        _ => new AuditIdentity("AssumedRole", GrantIdentity ?? $"AROA{AccessKeyId[4..]}:{SessionName}", CallerArn, AccountId, GrantIdentity is null ? AccessKeyId : "", null, null),
    };

    // Made from fields that never change, so it is never stale; two threads racing to make it make equal ones.
    private AuditIdentity? _auditIdentity;

    public IReadOnlyDictionary<string, string> IdentityPolicyTexts
    {
        get { lock (_sync) return _policies.ToDictionary(p => p.Key, p => p.Value.Text); }
    }

    public void PutPolicy(string name, PolicyDocument policy)
    {
        lock (_sync)
        {
            _policies[name] = policy;
            Volatile.Write(ref _statements, [.. _policies.Values.SelectMany(p => p.Statements)]);
        }
    }

    public bool DeletePolicy(string name)
    {
        lock (_sync)
        {
            bool removed = _policies.Remove(name);
            Volatile.Write(ref _statements, [.. _policies.Values.SelectMany(p => p.Statements)]);
            return removed;
        }
    }
}

internal enum PrincipalKind
{
    User,
    Role,

    /// <summary>An AWS service calling with its own identity (a service principal such as <c>rds.amazonaws.com</c>): see <see cref="ServiceCaller"/>.</summary>
    Service,
}
