namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The engine's view of an external key store proxy: the XKS Proxy API operations KMS calls.
/// The engine knows no wire; the carrier that speaks HTTP to a real proxy is
/// <see cref="Protocol.Xks.XksProxyHttpClient"/>. Every failure is an <see cref="XksProxyException"/>
/// naming the failure scenario of the specification's error table.
/// </summary>
internal interface IXksProxy
{
    /// <summary>GetHealthStatus: whether the proxy is reachable, accepts KMS's credential and can serve.</summary>
    /// <exception cref="XksProxyException">The proxy refused, failed or could not be reached.</exception>
    XksHealthStatus GetHealthStatus(XksProxySettings proxy, string region, XksRequestMetadata metadata);
}
