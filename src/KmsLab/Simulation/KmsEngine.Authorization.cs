namespace KmsLab.Simulation;

internal sealed partial class KmsEngine
{
    /// <summary>
    /// Refuses the request with AccessDeniedException, worded as AWS words it, unless the key
    /// policy, the caller's IAM policies or a grant allow it.
    /// </summary>
    private static void Authorize(CallContext ctx, string action, KmsKey? key, IReadOnlyDictionary<string, string>? encryptionContext = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null)
    {
        if (key?.LastAllowed is { } last && last.Answers(ctx.Caller, action, key)) return;
        var request = new AccessRequest(ctx, action, key) { EncryptionContext = encryptionContext, Extra = extra };
        var decision = KeyPolicyEvaluator.Evaluate(request, key?.Grants ?? [], GrantOperations.GetValueOrDefault(action));
        if (decision != AccessDecision.Allowed) throw AccessDenied(ctx.Caller, action, request.Resource, decision);
        if (key is not null && AllowedCall.IsRepeatable(ctx.Caller, key)) key.LastAllowed = new AllowedCall(ctx.Caller, ctx.Caller.IdentityStatements, key.PolicyDocument, action);
    }

    /// <summary>The grant operation each kms: action is, for the actions a grant can allow.</summary>
    private static readonly System.Collections.Frozen.FrozenDictionary<string, string> GrantOperations =
        System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(KmsGrant.AllOperations, op => "kms:" + op, op => op, StringComparer.Ordinal);

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

    /// <summary>Resolves a KeyId parameter and authorizes the action on that key.</summary>
    private KmsKey AuthorizedKey(CallContext ctx, RegionalKms kms, string keyId, string action, bool allowAlias = true, IReadOnlyDictionary<string, string>? encryptionContext = null)
    {
        var key = ResolveKey(ctx, kms, keyId, allowAlias);
        Authorize(ctx, action, key, encryptionContext);
        return key;
    }

    /// <summary>
    /// PutKeyPolicy's (and CreateKey's) lockout safety check: the new policy must still let the
    /// caller change the policy, or nobody may be able to manage the key again.
    /// </summary>
    private static void CheckLockout(CallContext ctx, KmsKey key, PolicyDocument candidate, bool? bypass)
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
}
