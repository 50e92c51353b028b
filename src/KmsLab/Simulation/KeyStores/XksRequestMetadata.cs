namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The <c>requestMetadata</c> KMS sends with every XKS proxy request (XKS Proxy API, Appendix B):
/// who called KMS, which KMS operation, its request ID, and for key operations the KMS key.
/// </summary>
internal sealed record XksRequestMetadata(string KmsOperation, string KmsRequestId, string? AwsPrincipalArn = null, string? KmsKeyArn = null, string? KmsViaService = null, string? AwsSourceVpce = null);
