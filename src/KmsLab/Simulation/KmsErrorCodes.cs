namespace KmsLab.Simulation;

/// <summary>
/// The error codes AWS KMS puts in <c>__type</c>. The SDK maps them to typed exceptions
/// (for the operations whose model lists them), so the spelling must be exact.
/// </summary>
internal static class KmsErrorCodes
{
    public const string AccessDenied = "AccessDeniedException";
    public const string AlreadyExists = "AlreadyExistsException";
    public const string CustomKeyStoreNotFound = "CustomKeyStoreNotFoundException";
    public const string CustomKeyStoreInvalidState = "CustomKeyStoreInvalidStateException";
    public const string CustomKeyStoreNameInUse = "CustomKeyStoreNameInUseException";
    public const string CustomKeyStoreHasCMKs = "CustomKeyStoreHasCMKsException";
    public const string XksProxyUriInUse = "XksProxyUriInUseException";
    public const string CloudHsmClusterNotFound = "CloudHsmClusterNotFoundException";
    public const string CloudHsmClusterNotActive = "CloudHsmClusterNotActiveException";
    public const string CloudHsmClusterInUse = "CloudHsmClusterInUseException";
    public const string CloudHsmClusterInvalidConfiguration = "CloudHsmClusterInvalidConfigurationException";
    public const string CloudHsmClusterNotRelated = "CloudHsmClusterNotRelatedException";
    public const string IncorrectTrustAnchor = "IncorrectTrustAnchorException";
    public const string XksKeyInvalidConfiguration = "XksKeyInvalidConfigurationException";
    public const string XksKeyAlreadyInUse = "XksKeyAlreadyInUseException";
    public const string XksKeyNotFound = "XksKeyNotFoundException";
    public const string XksProxyInvalidResponse = "XksProxyInvalidResponseException";
    public const string XksProxyIncorrectAuthenticationCredential = "XksProxyIncorrectAuthenticationCredentialException";
    public const string XksProxyInvalidConfiguration = "XksProxyInvalidConfigurationException";
    public const string XksProxyUriUnreachable = "XksProxyUriUnreachableException";
    public const string Disabled = "DisabledException";
    public const string ExpiredImportToken = "ExpiredImportTokenException";
    public const string DryRunOperation = "DryRunOperationException";
    public const string IncorrectKey = "IncorrectKeyException";
    public const string IncorrectKeyMaterial = "IncorrectKeyMaterialException";
    public const string InvalidAliasName = "InvalidAliasNameException";
    public const string InvalidArn = "InvalidArnException";
    public const string InvalidCiphertext = "InvalidCiphertextException";
    public const string InvalidImportToken = "InvalidImportTokenException";
    public const string InvalidKeyUsage = "InvalidKeyUsageException";
    public const string InvalidGrantToken = "InvalidGrantTokenException";
    public const string InvalidMarker = "InvalidMarkerException";
    public const string InvalidState = "KMSInvalidStateException";
    public const string Internal = "KMSInternalException";

    /// <summary>Verify's answer to a signature that does not verify (not the front door's <see cref="InvalidSignature"/>).</summary>
    public const string KmsInvalidSignature = "KMSInvalidSignatureException";

    /// <summary>VerifyMac's answer to an HMAC that does not verify.</summary>
    public const string KmsInvalidMac = "KMSInvalidMacException";
    public const string LimitExceeded = "LimitExceededException";
    public const string MalformedPolicyDocument = "MalformedPolicyDocumentException";
    public const string NotAuthorized = "NotAuthorizedException";
    public const string NotFound = "NotFoundException";
    public const string Tag = "TagException";
    public const string UnsupportedOperation = "UnsupportedOperationException";
    public const string Validation = "ValidationException";
    public const string Throttling = "ThrottlingException";

    // Errors of the AWS front door (Coral), not of KMS itself.
    public const string Serialization = "SerializationException";
    public const string RequestEntityTooLarge = "RequestEntityTooLargeException";
    public const string UnknownOperation = "UnknownOperationException";
    public const string UnrecognizedClient = "UnrecognizedClientException";
    public const string InvalidSignature = "InvalidSignatureException";
    /// <summary>An Authorization header that is not a complete SigV4 header (see <c>SigV4Authorization.Problem</c>).</summary>
    public const string IncompleteSignature = "IncompleteSignatureException";
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";
}
