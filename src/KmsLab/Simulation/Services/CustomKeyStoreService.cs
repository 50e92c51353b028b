using System.Text.RegularExpressions;
using KmsLab.Simulation.Model;
using KmsLab.Simulation.Operations;
using KmsLab.Simulation.Pipeline;

namespace KmsLab.Simulation.Services;

/// <summary>
/// Custom key stores: CreateCustomKeyStore and DescribeCustomKeyStores for external key stores
/// (an XKS proxy at a public endpoint). Both are IAM-only: authorized on <c>*</c>, not on a key.
/// </summary>
/// <remarks>
/// Not yet as KMS does it: real CreateCustomKeyStore calls the proxy's GetHealthStatus to check its
/// URI and credential; here the store is recorded DISCONNECTED without contacting the proxy
/// (ConnectCustomKeyStore, which will, is not simulated yet). AWS_CLOUDHSM stores and the
/// VPC_ENDPOINT_SERVICE connectivity are refused with UnsupportedOperationException.
/// </remarks>
internal sealed partial class CustomKeyStoreService(RequestPipeline pipeline)
{
    private static readonly KmsOperation CreateOperation = OperationCatalog.Get("CreateCustomKeyStore");
    private static readonly KmsOperation DescribeOperation = OperationCatalog.Get("DescribeCustomKeyStores");

    // The service model's patterns and the KMS API reference's rules for the XKS members.
    [GeneratedRegex("^https://[a-zA-Z0-9.-]+$")] private static partial Regex HttpsEndpoint();
    [GeneratedRegex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?$")] private static partial Regex LoopbackEndpoint();
    [GeneratedRegex("^(/[a-zA-Z0-9/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$")] private static partial Regex UriPath();
    [GeneratedRegex("^[A-Z2-7]+$")] private static partial Regex AccessKeyId();
    [GeneratedRegex("^[a-zA-Z0-9/+=]+$")] private static partial Regex RawSecret();

    private DateTimeOffset Now => pipeline.Now;

    public CreateCustomKeyStoreResponse CreateCustomKeyStore(CallContext ctx, CreateCustomKeyStoreRequest request)
    {
        var credential = request.XksProxyAuthenticationCredential;
        RequestValidator.Start()
            .Required(request.CustomKeyStoreName, "customKeyStoreName")
            .Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256)
            .Enum(request.CustomKeyStoreType, "customKeyStoreType", [CustomKeyStore.CloudHsm, CustomKeyStore.External])
            .Length(request.XksProxyUriEndpoint, "xksProxyUriEndpoint", 10, 128)
            .Length(request.XksProxyUriPath, "xksProxyUriPath", 10, 128)
            .Enum(request.XksProxyConnectivity, "xksProxyConnectivity", ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"])
            .Length(credential?.AccessKeyId, "xksProxyAuthenticationCredential.accessKeyId", 20, 30)
            .Length(credential?.RawSecretAccessKey, "xksProxyAuthenticationCredential.rawSecretAccessKey", 43, 64)
            .ThrowIfInvalid();
        // An absent type is AWS_CLOUDHSM, as in KMS.
        if (request.CustomKeyStoreType is null or CustomKeyStore.CloudHsm)
            throw new KmsException(KmsErrorCodes.UnsupportedOperation, "KmsLab does not simulate AWS CloudHSM key stores yet; create an external key store (CustomKeyStoreType EXTERNAL_KEY_STORE) in front of 'kmslab xks-proxy'.");
        if (request.CloudHsmClusterId is not null || request.TrustAnchorCertificate is not null || request.KeyStorePassword is not null)
            throw KmsException.Validation("CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are for AWS_CLOUDHSM key stores; an EXTERNAL_KEY_STORE takes the XksProxy* parameters.");
        if (request.XksProxyUriEndpoint is null || request.XksProxyUriPath is null || credential is null || request.XksProxyConnectivity is null)
            throw KmsException.Validation("An EXTERNAL_KEY_STORE needs XksProxyUriEndpoint, XksProxyUriPath, XksProxyAuthenticationCredential and XksProxyConnectivity.");
        if (request.XksProxyConnectivity == "VPC_ENDPOINT_SERVICE" || request.XksProxyVpcEndpointServiceName is not null)
            throw new KmsException(KmsErrorCodes.UnsupportedOperation, "KmsLab has no VPCs: use XksProxyConnectivity PUBLIC_ENDPOINT (a proxy on this machine).");
        // Real KMS takes https:// only; the lab's proxy runs on loopback over plain HTTP, so that is taken too.
        if (!HttpsEndpoint().IsMatch(request.XksProxyUriEndpoint) && !LoopbackEndpoint().IsMatch(request.XksProxyUriEndpoint))
            throw KmsException.Validation($"XksProxyUriEndpoint '{request.XksProxyUriEndpoint}' must be https://<host>, without a port or path (KmsLab also takes http://127.0.0.1:<port>, where kmslab xks-proxy listens).");
        if (!UriPath().IsMatch(request.XksProxyUriPath))
            throw KmsException.Validation($"XksProxyUriPath '{request.XksProxyUriPath}' must be [/<prefix>]/kms/xks/v<version>, e.g. /kmslab/kms/xks/v1.");
        if (credential.AccessKeyId is null || credential.RawSecretAccessKey is null || !AccessKeyId().IsMatch(credential.AccessKeyId) || !RawSecret().IsMatch(credential.RawSecretAccessKey))
            throw KmsException.Validation("XksProxyAuthenticationCredential needs an AccessKeyId of 20 to 30 characters A-Z and 2-7 and a RawSecretAccessKey of 43 to 64 characters a-z, A-Z, 0-9, /, + and =.");
        return pipeline.RunWithoutKey(CreateOperation, ctx, (Service: this, Request: request), static (s, kms) => s.Service.Create(kms, s.Request));
    }

    private CreateCustomKeyStoreResponse Create(RegionalKms kms, CreateCustomKeyStoreRequest request)
    {
        if (kms.CustomKeyStores.Any(c => c.Name == request.CustomKeyStoreName))
            throw new KmsException(KmsErrorCodes.CustomKeyStoreNameInUse, $"A custom key store named '{request.CustomKeyStoreName}' already exists in this account and Region.");
        if (kms.CustomKeyStores.Any(c => c.XksUriEndpoint == request.XksProxyUriEndpoint && c.XksUriPath == request.XksProxyUriPath))
            throw new KmsException(KmsErrorCodes.XksProxyUriInUse, $"Another external key store in this account and Region already uses {request.XksProxyUriEndpoint}{request.XksProxyUriPath}.");
        Span<byte> random = stackalloc byte[9];
        pipeline.World.Random.GetBytes(random);
        var id = "cks-" + Convert.ToHexStringLower(random)[..17];
        var store = new CustomKeyStore(id, request.CustomKeyStoreName!, CustomKeyStore.External, Now)
        {
            XksUriEndpoint = request.XksProxyUriEndpoint,
            XksUriPath = request.XksProxyUriPath,
            XksConnectivity = request.XksProxyConnectivity,
            XksAccessKeyId = request.XksProxyAuthenticationCredential!.AccessKeyId,
            XksRawSecretAccessKey = request.XksProxyAuthenticationCredential.RawSecretAccessKey,
        };
        kms.AddCustomKeyStore(store);
        return new CreateCustomKeyStoreResponse { CustomKeyStoreId = id };
    }

    public DescribeCustomKeyStoresResponse DescribeCustomKeyStores(CallContext ctx, DescribeCustomKeyStoresRequest request)
    {
        RequestValidator.Start()
            .Length(request.CustomKeyStoreId, "customKeyStoreId", 1, 64)
            .Length(request.CustomKeyStoreName, "customKeyStoreName", 1, 256)
            .ThrowIfInvalid();
        RequestRules.Paging(request.Limit, request.Marker, KmsLimits.MaxListLimit);
        return pipeline.RunWithoutKey(DescribeOperation, ctx, request, static (r, kms) => Describe(kms, r));
    }

    private static DescribeCustomKeyStoresResponse Describe(RegionalKms kms, DescribeCustomKeyStoresRequest request)
    {
        var stores = kms.CustomKeyStores
            .Where(c => (request.CustomKeyStoreId is null || c.Id == request.CustomKeyStoreId) && (request.CustomKeyStoreName is null || c.Name == request.CustomKeyStoreName))
            .ToList();
        if (stores.Count == 0 && (request.CustomKeyStoreId is not null || request.CustomKeyStoreName is not null))
            throw new KmsException(KmsErrorCodes.CustomKeyStoreNotFound, $"No custom key store {request.CustomKeyStoreId ?? request.CustomKeyStoreName} exists in this account and Region.");
        var (page, next) = Paging.Page(stores, c => c.Id, request.Limit ?? KmsLimits.DefaultListLimit, request.Marker);
        return new DescribeCustomKeyStoresResponse
        {
            CustomKeyStores = [.. page.Select(c => new CustomKeyStoresListEntry
            {
                CustomKeyStoreId = c.Id,
                CustomKeyStoreName = c.Name,
                CustomKeyStoreType = c.Type,
                ConnectionState = c.ConnectionState,
                ConnectionErrorCode = c.ConnectionErrorCode,
                CreationDate = c.CreationDate,
                XksProxyConfiguration = new XksProxyConfigurationType
                {
                    AccessKeyId = c.XksAccessKeyId,
                    Connectivity = c.XksConnectivity,
                    UriEndpoint = c.XksUriEndpoint,
                    UriPath = c.XksUriPath,
                },
            })],
            NextMarker = next,
            Truncated = next is not null,
        };
    }
}
