namespace KmsLab.Simulation.KeyStores;

/// <summary>
/// The XKS Proxy API specification's table of what KMS answers when its proxy fails (section
/// Error codes, "KMS Considerations"): one message per failure scenario, and the exception by the
/// kind of KMS operation that met it. KMS never passes on the proxy's own errorMessage.
/// </summary>
internal static class XksProxyFailures
{
    /// <summary>The kinds of KMS operation the specification's table distinguishes.</summary>
    public enum Caller
    {
        /// <summary>CreateCustomKeyStore and UpdateCustomKeyStore.</summary>
        KeyStoreAdministration,
        /// <summary>CreateKey in an external key store.</summary>
        CreateKey,
        /// <summary>Encrypt, Decrypt, ReEncrypt, GenerateDataKey… on a key in an external key store.</summary>
        Cryptographic,
    }

    private sealed record Entry(string Message, string? Administration, string? CreateKey, string? Cryptographic, string ConnectionErrorCode);

    private const string CannotInterpret = "AWS KMS cannot interpret the response from the external key store proxy. If you see this error repeatedly, report it to your external key store proxy administrator.";

    private static readonly IReadOnlyDictionary<XksProxyFailure, Entry> Table = new Dictionary<XksProxyFailure, Entry>
    {
        [XksProxyFailure.InvalidResponse] = new(CannotInterpret,
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.KeyNotEnabled] = new("The external key associated with this KMS key in an external key store is not enabled in the external key manager. Enable the external key in the external key manager and retry the request.",
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.XksKeyInvalidConfiguration, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.InvalidCiphertext] = new("The external key store proxy rejected the request because the specified ciphertext or encryption context is corrupted, missing, or otherwise invalid.",
            null, null, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.CorruptCiphertext] = new("The ciphertext that the external key store proxy submitted for decryption, or the encryption context, is corrupted, missing, or otherwise invalid.",
            null, null, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.KeyUsage] = new("The external key associated with this KMS key in an external key store does not support the requested operation. Enable the operation on the key in your external key manager, and try the request again.",
            null, KmsErrorCodes.XksKeyInvalidConfiguration, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.AuthenticationFailed] = new("The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the XKS proxy authentication credentials for your external key store and update if necessary.",
            KmsErrorCodes.XksProxyIncorrectAuthenticationCredential, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "INVALID_CREDENTIALS"),
        [XksProxyFailure.AccessDenied] = new("The external key store proxy denied access to the operation. Verify that the user and the external key are both authorized for this operation, and try the request again.",
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.InvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_ACCESS_DENIED"),
        [XksProxyFailure.KeyNotFound] = new("The external key associated with this KMS key in an external key store was not found in its external key manager. If the external key ID associated with this KMS key is incorrect, create a new KMS key with the correct external key ID.",
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.XksKeyNotFound, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.InvalidUriPath] = new("The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for your external key store and update if necessary.",
            KmsErrorCodes.XksProxyInvalidConfiguration, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_CONFIGURATION"),
        [XksProxyFailure.UnsupportedOperation] = new("The external key store proxy rejected the request because it does not support the requested operation. If you see this error repeatedly, report it to your external key store proxy administrator.",
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.InvalidState, "XKS_PROXY_INVALID_RESPONSE"),
        [XksProxyFailure.DependencyTimeout] = new("The external key store proxy did not respond to the request in the time allotted. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
            KmsErrorCodes.XksProxyUriUnreachable, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_TIMED_OUT"),
        [XksProxyFailure.Throttling] = new("The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of your calls using KMS keys in this external key store.",
            KmsErrorCodes.XksProxyUriUnreachable, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_NOT_REACHABLE"),
        [XksProxyFailure.ProxyInternal] = new("The external key store proxy rejected the request because it cannot communicate with the external key manager. Verify that the external key store proxy configuration is correct and that the external key manager is available.",
            KmsErrorCodes.XksProxyInvalidResponse, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_NOT_REACHABLE"),
        [XksProxyFailure.Unreachable] = new("AWS KMS cannot communicate with the external key store proxy. This might be a transient network issue. If you see this error repeatedly, verify that your external key store proxy is active and is connected to the network, and that its endpoint URI is correct in your external keystore.",
            KmsErrorCodes.XksProxyUriUnreachable, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_NOT_REACHABLE"),
        [XksProxyFailure.TimedOut] = new("AWS KMS rejected the request because the external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
            KmsErrorCodes.XksProxyUriUnreachable, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "XKS_PROXY_TIMED_OUT"),
        [XksProxyFailure.NotConnected] = new("This KMS key is in a custom key store that is not connected to its external key store proxy. Connect the external key store and try the request again.",
            null, KmsErrorCodes.CustomKeyStoreInvalidState, KmsErrorCodes.InvalidState, "INTERNAL_ERROR"),
    };

    /// <summary>The message KMS gives for this failure, whatever the operation.</summary>
    public static string Message(XksProxyFailure failure) => Table[failure].Message;

    /// <summary>The ConnectionErrorCode a connection attempt that met this failure leaves on the key store.</summary>
    public static string ConnectionErrorCode(XksProxyFailure failure) => Table[failure].ConnectionErrorCode;

    /// <summary>The KMS error this failure is, in an operation of this kind.</summary>
    public static KmsException ToKmsException(XksProxyException e, Caller caller)
    {
        var entry = Table[e.Failure];
        var code = caller switch
        {
            Caller.KeyStoreAdministration => entry.Administration,
            Caller.CreateKey => entry.CreateKey,
            _ => entry.Cryptographic,
        } ?? KmsErrorCodes.InvalidState;
        return new KmsException(code, entry.Message);
    }
}
