namespace KmsLab.Simulation.Operations;

/// <summary>
/// The key states in which an operation accepts its key. A key in another state is refused:
/// <c>DisabledException</c> for a disabled key, <c>KMSInvalidStateException</c> otherwise.
/// </summary>
[Flags]
internal enum KeyStates
{
    /// <summary>The operation names no key.</summary>
    None = 0,
    Enabled = 1,
    Disabled = 2,
    PendingDeletion = 4,
    PendingImport = 8,

    /// <summary>Cryptographic operations and CreateGrant: the key must be usable.</summary>
    Usable = Enabled,

    /// <summary>EnableKey and DisableKey.</summary>
    EnabledOrDisabled = Enabled | Disabled,

    /// <summary>Aliases, tags and the description can change unless the key is pending deletion.</summary>
    NotPendingDeletion = Enabled | Disabled | PendingImport,

    /// <summary>Describe, List, policies, grants' retirement: any state.</summary>
    Any = Enabled | Disabled | PendingDeletion | PendingImport,
}
