namespace KmsLab.Simulation.KeyStores;

/// <summary>The cluster states KMS distinguishes, spelled as CloudHSM's DescribeClusters does.</summary>
internal static class CloudHsmClusterStates
{
    public const string Uninitialized = "UNINITIALIZED";
    public const string Active = "ACTIVE";
    public const string Deleted = "DELETED";
}
