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

    /// <summary>Multi-Region replicas being created: they can be managed, not used.</summary>
    Creating = 16,

    /// <summary>Multi-Region keys whose primary Region is changing: they can be used, not enabled, disabled or replicated.</summary>
    Updating = 32,

    /// <summary>A multi-Region primary scheduled for deletion that still has replicas.</summary>
    PendingReplicaDeletion = 64,

    /// <summary>A key in a custom key store that is not connected: it can be viewed and managed (enabling and disabling take effect once it is available), not used.</summary>
    Unavailable = 128,

    /// <summary>Cryptographic operations and CreateGrant: the key must be usable (an Updating multi-Region key is).</summary>
    Usable = Enabled | Updating,

    /// <summary>EnableKey and DisableKey.</summary>
    EnabledOrDisabled = Enabled | Disabled | Unavailable,

    /// <summary>Aliases, tags and the description can change unless the key is pending deletion.</summary>
    NotPendingDeletion = Enabled | Disabled | PendingImport | Creating | Updating | Unavailable,

    /// <summary>CancelKeyDeletion: a key scheduled for deletion, with or without replicas left.</summary>
    ScheduledForDeletion = PendingDeletion | PendingReplicaDeletion,

    /// <summary>Describe, List, policies, grants' retirement: any state.</summary>
    Any = Enabled | Disabled | PendingDeletion | PendingImport | Creating | Updating | PendingReplicaDeletion | Unavailable,
}
