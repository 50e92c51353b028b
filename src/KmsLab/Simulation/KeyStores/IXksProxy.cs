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

    /// <summary>GetKeyMetadata of an external key: its spec, usages and status.</summary>
    /// <exception cref="XksProxyException">The proxy refused, failed or could not be reached.</exception>
    XksKeyMetadata GetKeyMetadata(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata);

    /// <summary>
    /// Encrypt under an external key (AES-GCM in the external key manager), with the
    /// ciphertext data integrity value checked as KMS checks it (SHA_256, Appendix C).
    /// </summary>
    /// <exception cref="XksProxyException">The proxy refused, failed, could not be reached, or its answer failed the integrity check.</exception>
    XksCiphertext Encrypt(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata, byte[] plaintext, byte[] additionalAuthenticatedData);

    /// <summary>Decrypt under an external key what <see cref="Encrypt"/> returned, with the same AAD.</summary>
    /// <exception cref="XksProxyException">The proxy refused, failed or could not be reached.</exception>
    byte[] Decrypt(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata, XksCiphertext ciphertext, byte[] additionalAuthenticatedData);
}

/// <summary>What GetKeyMetadata says of an external key.</summary>
internal sealed record XksKeyMetadata(string KeySpec, IReadOnlyList<string> KeyUsage, string KeyStatus)
{
    /// <summary>The answer CreateKey needs (XKS Proxy API, GetKeyMetadata, KMS Considerations): AES_256, ENCRYPT and DECRYPT, ENABLED.</summary>
    public bool CanBackAKmsKey => KeySpec == "AES_256" && KeyUsage.Contains("ENCRYPT") && KeyUsage.Contains("DECRYPT") && KeyStatus == "ENABLED";
}

/// <summary>An external key manager's AES-GCM output, as the proxy's Encrypt returns it.</summary>
internal sealed record XksCiphertext(byte[] Ciphertext, byte[] InitializationVector, byte[] AuthenticationTag, byte[]? CiphertextMetadata);
