namespace KmsLab.Simulation;

/// <summary>The key states KMS reports in <c>KeyMetadata.KeyState</c>, spelled as on the wire.</summary>
internal static class KeyState
{
    public const string Enabled = "Enabled";
    public const string Disabled = "Disabled";
    public const string PendingDeletion = "PendingDeletion";
    public const string PendingImport = "PendingImport";
}
