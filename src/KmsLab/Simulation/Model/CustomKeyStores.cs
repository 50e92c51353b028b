namespace KmsLab.Simulation.Model;

internal sealed class XksProxyAuthenticationCredential
{
    public string? AccessKeyId { get; set; }
    public string? RawSecretAccessKey { get; set; }
}

internal sealed class CreateCustomKeyStoreRequest
{
    public string? CustomKeyStoreName { get; set; }
    public string? CustomKeyStoreType { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public string? KeyStorePassword { get; set; }
    public string? XksProxyUriEndpoint { get; set; }
    public string? XksProxyUriPath { get; set; }
    public string? XksProxyVpcEndpointServiceName { get; set; }
    public string? XksProxyVpcEndpointServiceOwner { get; set; }
    public XksProxyAuthenticationCredential? XksProxyAuthenticationCredential { get; set; }
    public string? XksProxyConnectivity { get; set; }
}

internal sealed class CreateCustomKeyStoreResponse
{
    public string? CustomKeyStoreId { get; set; }
}

internal sealed class CustomKeyStoreIdRequest
{
    public string? CustomKeyStoreId { get; set; }
}

internal sealed class DescribeCustomKeyStoresRequest
{
    public string? CustomKeyStoreId { get; set; }
    public string? CustomKeyStoreName { get; set; }
    public int? Limit { get; set; }
    public string? Marker { get; set; }
}

/// <summary>What DescribeCustomKeyStores shows of an external key store's proxy: never its secret.</summary>
internal sealed class XksProxyConfiguration
{
    public string? AccessKeyId { get; set; }
    public string? Connectivity { get; set; }
    public string? UriEndpoint { get; set; }
    public string? UriPath { get; set; }
    public string? VpcEndpointServiceName { get; set; }
    public string? VpcEndpointServiceOwner { get; set; }
}

internal sealed class CustomKeyStoresListEntry
{
    public string? CustomKeyStoreId { get; set; }
    public string? CustomKeyStoreName { get; set; }
    public string? CustomKeyStoreType { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? TrustAnchorCertificate { get; set; }
    public string? ConnectionState { get; set; }
    public string? ConnectionErrorCode { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public XksProxyConfiguration? XksProxyConfiguration { get; set; }
}

internal sealed class DescribeCustomKeyStoresResponse
{
    public List<CustomKeyStoresListEntry>? CustomKeyStores { get; set; }
    public string? NextMarker { get; set; }
    public bool Truncated { get; set; }
}

internal sealed class UpdateCustomKeyStoreRequest
{
    public string? CustomKeyStoreId { get; set; }
    public string? NewCustomKeyStoreName { get; set; }
    public string? CloudHsmClusterId { get; set; }
    public string? KeyStorePassword { get; set; }
    public string? XksProxyUriEndpoint { get; set; }
    public string? XksProxyUriPath { get; set; }
    public string? XksProxyVpcEndpointServiceName { get; set; }
    public string? XksProxyVpcEndpointServiceOwner { get; set; }
    public XksProxyAuthenticationCredential? XksProxyAuthenticationCredential { get; set; }
    public string? XksProxyConnectivity { get; set; }
}

// The wire registers these shapes through OperationShapes (see Common.cs).
internal sealed partial class OperationShapes
{
    public CreateCustomKeyStoreRequest? CreateCustomKeyStoreRequest { get; set; }
    public CreateCustomKeyStoreResponse? CreateCustomKeyStoreResponse { get; set; }
    public CustomKeyStoreIdRequest? CustomKeyStoreIdRequest { get; set; }
    public DescribeCustomKeyStoresRequest? DescribeCustomKeyStoresRequest { get; set; }
    public DescribeCustomKeyStoresResponse? DescribeCustomKeyStoresResponse { get; set; }
    public UpdateCustomKeyStoreRequest? UpdateCustomKeyStoreRequest { get; set; }
}
