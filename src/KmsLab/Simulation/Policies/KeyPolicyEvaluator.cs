using KmsLab.Simulation.Grants;
using KmsLab.Simulation.Identity;
namespace KmsLab.Simulation.Policies;

/// <summary>
/// Decides KMS requests as AWS does. An explicit Deny anywhere wins. Otherwise a request on a key
/// is allowed by: the key policy naming the caller; the key policy trusting the caller's account
/// (its root) together with the caller's IAM identity policies; or a grant. Across accounts, the
/// key policy and the caller's identity policies must both allow. Requests on no key (CreateKey,
/// ListKeys...) are decided by identity policies alone.
/// </summary>
internal static class KeyPolicyEvaluator
{
    public static AccessDecision Evaluate(AccessRequest request, IEnumerable<KmsGrant> grants, string? grantOperation)
    {
        var caller = request.Caller;
        bool identityAllows = false;
        foreach (var s in caller.IdentityStatements)
        {
            if (!Applies(s, request)) continue;
            if (!s.IsAllow) return AccessDecision.ExplicitDenyInIdentityBasedPolicy;
            identityAllows = true;
        }

        if (request.Key is not { } key)
        {
            return identityAllows ? AccessDecision.Allowed : AccessDecision.NoIdentityBasedPolicy;
        }

        bool direct = false, viaRoot = false;
        foreach (var s in key.PolicyDocument.Statements)
        {
            var match = PrincipalMatch(s, caller);
            if (match == Match.None || !Applies(s, request)) continue;
            if (!s.IsAllow) return AccessDecision.ExplicitDenyInResourceBasedPolicy;
            if (match == Match.Direct) direct = true;
            else viaRoot = true;
        }

        if (grantOperation is not null)
        {
            foreach (var g in grants)
            {
                if (g.IsFor(caller) && g.Allows(grantOperation, request.EncryptionContext, request.Context.SourceArn, request.ChildGrant)) return AccessDecision.Allowed;
            }
        }

        // An AWS service principal has no IAM identity: only the key policy naming it (or a grant) lets it in.
        if (caller.Kind == PrincipalKind.Service) return direct ? AccessDecision.Allowed : AccessDecision.NoResourceBasedPolicy;

        bool sameAccount = caller.AccountId == key.AccountId;
        if (sameAccount)
        {
            if (direct || (viaRoot && identityAllows)) return AccessDecision.Allowed;
            return viaRoot ? AccessDecision.NoIdentityBasedPolicy : AccessDecision.NoResourceBasedPolicy;
        }
        if (!(direct || viaRoot)) return AccessDecision.NoResourceBasedPolicy;
        return identityAllows ? AccessDecision.Allowed : AccessDecision.NoIdentityBasedPolicy;
    }

    /// <summary>Whether a statement's action, resource and conditions apply to the request (its principal aside).</summary>
    private static bool Applies(PolicyStatement s, AccessRequest request)
    {
        if (!s.MatchesAction(request.Action)) return false;
        if ((s.Resources is not null || s.NotResources is not null) && !s.MatchesResource(request.Resource)) return false;
        foreach (var c in s.Conditions)
        {
            if (!c.IsSatisfied(request.Values(c.Key))) return false;
        }
        return true;
    }

    private enum Match
    {
        None,
        Direct,
        AccountRoot,
    }

    private static Match PrincipalMatch(PolicyStatement s, LabPrincipal caller)
    {
        if (caller.Kind == PrincipalKind.Service)
        {
            // A service principal is named by "Principal": {"Service": ...} (or "*"), never by an account's root.
            if (s.Principal is { } sp) return sp.Everyone || sp.NamesService(caller.Name) ? Match.Direct : Match.None;
            if (s.NotPrincipal is { } snp) return snp.Everyone || snp.NamesService(caller.Name) ? Match.None : Match.Direct;
            return Match.None;
        }
        if (s.Principal is { } p)
        {
            if (p.Everyone || p.Aws.Contains(caller.Arn) || p.Aws.Contains(caller.CallerArn)) return Match.Direct;
            if (p.NamesAccountRoot(caller.AccountId)) return s.IsAllow ? Match.AccountRoot : Match.Direct;
            return Match.None;
        }
        if (s.NotPrincipal is { } np)
        {
            bool excluded = np.Everyone || np.Aws.Contains(caller.Arn) || np.Aws.Contains(caller.CallerArn) || np.NamesAccountRoot(caller.AccountId);
            return excluded ? Match.None : Match.Direct;
        }
        return Match.None;
    }
}
