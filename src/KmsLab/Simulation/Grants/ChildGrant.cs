namespace KmsLab.Simulation.Grants;

/// <summary>
/// The grant a CreateGrant request would create: its operations and its encryption-context
/// constraint. A principal whose CreateGrant permission comes from a grant (a parent grant) may
/// create only grants within it: "some or all of the operations in the parent grant", with
/// constraints "at least as strict" (Developer Guide, Granting CreateGrant permission).
/// </summary>
internal sealed record ChildGrant(
    IReadOnlyList<string> Operations,
    IReadOnlyDictionary<string, string>? EncryptionContextEquals,
    IReadOnlyDictionary<string, string>? EncryptionContextSubset);
