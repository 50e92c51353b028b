namespace KmsLab.Simulation.Policies;

/// <summary>The outcome of authorizing a request, with the reason AWS gives when it refuses.</summary>
internal enum AccessDecision
{
    Allowed,
    NoResourceBasedPolicy,
    NoIdentityBasedPolicy,
    ExplicitDenyInResourceBasedPolicy,
    ExplicitDenyInIdentityBasedPolicy,
}
