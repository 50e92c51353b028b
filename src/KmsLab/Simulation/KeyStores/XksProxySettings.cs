namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// Where an external key store's proxy is and how KMS authenticates to it: the URI endpoint and
/// path KMS sends to, the connectivity, and the SigV4 credential the proxy knows (its secret is
/// never shown by DescribeCustomKeyStores and never audited).
/// </summary>
internal sealed record XksProxySettings(
    string UriEndpoint,
    string UriPath,
    string Connectivity,
    string AccessKeyId,
    string SecretAccessKey,
    string? VpcEndpointServiceName = null,
    string? VpcEndpointServiceOwner = null)
{
    public const string PublicEndpoint = "PUBLIC_ENDPOINT";
    public const string VpcEndpointService = "VPC_ENDPOINT_SERVICE";

    /// <summary>The proxy's base URI: the endpoint followed by the path (…/kms/xks/v1).</summary>
    public Uri BaseUri => new(UriEndpoint.TrimEnd('/') + UriPath);
}
