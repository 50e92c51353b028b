using KmsLab.Simulation.Identity;
namespace KmsLab.Simulation.Policies;

/// <summary>
/// A decision worth remembering: this caller may perform this action on a key, decided by the
/// key policy and the caller's identity policies alone, none of which has a condition. Such an
/// answer depends on nothing else in the request, and it changes only when one of those policies
/// is replaced — which <see cref="Answers"/> sees, since policies are replaced, never edited. A
/// data-plane loop asks the same question on every call; this spares it the evaluation.
/// </summary>
/// <remarks>
/// Grants created after the decision need no check: a grant can only allow more, never deny. The
/// caller is compared as well as its statements: principals without any IAM policy share one empty
/// statements array. Tests: <c>HotPathCacheTests.LastAllowed_*</c> (one per part of <see cref="Answers"/>
/// and <see cref="IsRepeatable"/>: each fails when that part is left out).
/// </remarks>
internal sealed record AllowedCall(LabPrincipal Caller, PolicyStatement[] IdentityStatements, PolicyDocument KeyPolicy, string Action)
{
    /// <summary>
    /// Whether an Allowed decision for this caller on this key may be remembered: no grants
    /// (which can be retired) took part, and no statement has a condition.
    /// </summary>
    public static bool IsRepeatable(LabPrincipal caller, KmsKey key) =>
        key.Grants.Count == 0 && !key.PolicyDocument.HasConditions && !Array.Exists(caller.IdentityStatements, s => s.Conditions.Count > 0);

    /// <summary>Whether this decision answers the same question with the same policies in force.</summary>
    public bool Answers(LabPrincipal caller, string action, KmsKey key) =>
        ReferenceEquals(Caller, caller) && ReferenceEquals(KeyPolicy, key.PolicyDocument)
        && ReferenceEquals(IdentityStatements, caller.IdentityStatements) && string.Equals(Action, action, StringComparison.Ordinal);
}
