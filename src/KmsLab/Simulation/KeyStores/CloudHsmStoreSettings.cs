namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// What KMS knows about a CloudHSM key store's cluster: the cluster, the trust anchor certificate
/// given at creation, and the <c>kmsuser</c> password KMS logs in with (rotated by KMS at each
/// connection; never shown by DescribeCustomKeyStores and never audited).
/// </summary>
internal sealed record CloudHsmStoreSettings(CloudHsmCluster Cluster, string TrustAnchorCertificate, string KmsUserPassword)
{
    public string ClusterId => Cluster.Id;
}
