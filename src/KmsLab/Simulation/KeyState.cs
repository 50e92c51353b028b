namespace KmsLab.Simulation;

/// <summary>The key states KMS reports in <c>KeyMetadata.KeyState</c>, spelled as on the wire.</summary>
internal static class KeyState
{
    public const string Enabled = "Enabled";
    public const string Disabled = "Disabled";
    public const string PendingDeletion = "PendingDeletion";
    public const string PendingImport = "PendingImport";

    /// <summary>A multi-Region replica key while ReplicateKey's work is still under way (then Enabled or PendingImport).</summary>
    public const string Creating = "Creating";

    /// <summary>The old and new primary keys of a multi-Region key while UpdatePrimaryRegion's work is under way.</summary>
    public const string Updating = "Updating";

    /// <summary>A multi-Region primary key scheduled for deletion while it still has replica keys.</summary>
    public const string PendingReplicaDeletion = "PendingReplicaDeletion";

    /// <summary>
    /// A key in a custom key store that is not connected (unless it is pending deletion): it can be
    /// viewed and managed, not used. Reported, never stored: the key keeps its own state
    /// (<see cref="KmsKey.State"/>), which comes back when the store is connected again.
    /// </summary>
    public const string Unavailable = "Unavailable";
}
