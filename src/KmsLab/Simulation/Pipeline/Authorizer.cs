using System.Collections.Frozen;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.Policies;

namespace KmsLab.Simulation.Pipeline;

/// <summary>
/// The authorization step: refuses a request with AccessDeniedException, worded as AWS words it,
/// unless the key policy, the caller's IAM policies or a grant allow it.
/// </summary>
internal static class Authorizer
{
    /// <summary>The grant operation each kms: action is, for the actions a grant can allow (from the catalogue).</summary>
    private static readonly FrozenDictionary<string, string> GrantOperations =
        OperationCatalog.GrantOperationNames.ToFrozenDictionary(op => "kms:" + op, op => op, StringComparer.Ordinal);

    /// <param name="ctx">The call.</param>
    /// <param name="action">The IAM action, e.g. <c>kms:Encrypt</c> (ReEncrypt asks for <c>kms:ReEncryptFrom</c> and <c>kms:ReEncryptTo</c>).</param>
    /// <param name="key">The key, or null for an action on <c>*</c> (CreateKey, ListKeys...).</param>
    /// <param name="encryptionContext">The request's encryption context (kms:EncryptionContext:* keys, grant constraints).</param>
    /// <param name="extra">The operation's own condition keys (kms:SigningAlgorithm, aws:RequestTag/...).</param>
    /// <param name="childGrant">For CreateGrant: the grant it would create, which a grant allowing CreateGrant must contain.</param>
    public static void Authorize(CallContext ctx, string action, KmsKey? key, IReadOnlyDictionary<string, string>? encryptionContext = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null, Grants.ChildGrant? childGrant = null)
    {
        // KmsKey.LastAllowed: the last decision on this key that no condition and no grant took
        // part in. Lifetime: the key. It answers only the same caller, action, key policy object
        // and identity-statement array; a policy is replaced, never edited, so a changed policy
        // no longer matches. It is written only when AllowedCall.IsRepeatable holds at the time
        // (no grants, no conditions), and a grant or condition added later fails that test at the
        // next write but does not clear an existing entry: a grant can only allow more, never
        // deny, so the remembered Allowed stays true. Read and written only under the world lock.
        if (key?.LastAllowed is { } last && last.Answers(ctx.Caller, action, key)) return;
        var request = new AccessRequest(ctx, action, key) { EncryptionContext = encryptionContext, Extra = extra, ChildGrant = childGrant };
        var decision = KeyPolicyEvaluator.Evaluate(request, key?.Grants ?? [], GrantOperations.GetValueOrDefault(action));
        if (decision != AccessDecision.Allowed) throw AccessDenied(ctx.Caller, action, request.Resource, decision);
        if (key is not null && AllowedCall.IsRepeatable(ctx.Caller, key)) key.LastAllowed = new AllowedCall(ctx.Caller, ctx.Caller.IdentityStatements, key.PolicyDocument, action);
    }

    /// <summary>
    /// PutKeyPolicy's (and CreateKey's) lockout safety check: the new policy must still let the
    /// caller change the policy, or nobody may be able to manage the key again.
    /// </summary>
    public static void CheckLockout(CallContext ctx, KmsKey key, PolicyDocument candidate, bool? bypass)
    {
        if (bypass == true) return;
        var current = key.PolicyDocument;
        key.PolicyDocument = candidate;
        try
        {
            var decision = KeyPolicyEvaluator.Evaluate(new AccessRequest(ctx, "kms:PutKeyPolicy", key), [], null);
            if (decision != AccessDecision.Allowed)
            {
                throw new KmsException(KmsErrorCodes.MalformedPolicyDocument,
                    "The new key policy will not allow you to update the key policy in the future.");
            }
        }
        finally
        {
            key.PolicyDocument = current;
        }
    }

    private static KmsException AccessDenied(LabPrincipal caller, string action, string resource, AccessDecision decision)
    {
        string why = decision switch
        {
            AccessDecision.ExplicitDenyInResourceBasedPolicy => "with an explicit deny in a resource-based policy",
            AccessDecision.ExplicitDenyInIdentityBasedPolicy => "with an explicit deny in an identity-based policy",
            AccessDecision.NoIdentityBasedPolicy => $"because no identity-based policy allows the {action} action",
            _ => $"because no resource-based policy allows the {action} action",
        };
        return new KmsException(KmsErrorCodes.AccessDenied, $"User: {caller.CallerArn} is not authorized to perform: {action} on resource: {resource} {why}");
    }
}
