namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The failure scenarios of the XKS Proxy API specification's table "KMS Considerations" under
/// Error codes: what went wrong between KMS and an external key store proxy. Each one has one
/// message, the same in every KMS operation, and an exception that depends on the operation
/// (<see cref="XksProxyFailures"/>).
/// </summary>
internal enum XksProxyFailure
{
    /// <summary>The proxy answered ValidationException, or anything KMS cannot read (no JSON error, a malformed body).</summary>
    InvalidResponse,
    /// <summary>The proxy answered InvalidStateException: the external key is not enabled.</summary>
    KeyNotEnabled,
    /// <summary>The proxy answered InvalidCiphertextException to a decrypt.</summary>
    InvalidCiphertext,
    /// <summary>The proxy returned a ciphertext that does not decrypt (the integrity value did not match).</summary>
    CorruptCiphertext,
    /// <summary>The proxy answered InvalidKeyUsageException.</summary>
    KeyUsage,
    /// <summary>The proxy answered AuthenticationFailedException: it does not accept KMS's SigV4 credential.</summary>
    AuthenticationFailed,
    /// <summary>The proxy answered AccessDeniedException (its secondary authorization).</summary>
    AccessDenied,
    /// <summary>The proxy answered KeyNotFoundException.</summary>
    KeyNotFound,
    /// <summary>The proxy answered InvalidUriPathException.</summary>
    InvalidUriPath,
    /// <summary>The proxy answered UnsupportedOperationException.</summary>
    UnsupportedOperation,
    /// <summary>The proxy answered DependencyTimeoutException.</summary>
    DependencyTimeout,
    /// <summary>The proxy answered ThrottlingException.</summary>
    Throttling,
    /// <summary>The proxy answered InternalException.</summary>
    ProxyInternal,
    /// <summary>KMS could not open a connection to the proxy.</summary>
    Unreachable,
    /// <summary>The proxy did not answer in the time KMS allows.</summary>
    TimedOut,
    /// <summary>The custom key store is not CONNECTED.</summary>
    NotConnected,
}

/// <summary>A call to an external key store proxy that failed, with the scenario it failed in.</summary>
internal sealed class XksProxyException(XksProxyFailure failure, string? detail = null) : Exception(XksProxyFailures.Message(failure))
{
    public XksProxyFailure Failure { get; } = failure;

    /// <summary>What the proxy or the network said (the proxy's errorMessage, a socket error): for the log, never for the caller, as KMS does.</summary>
    public string? Detail { get; } = detail;
}
