namespace KmsLab.Xks;

/// <summary>
/// The error names of the XKS Proxy API (its "Error codes" table) and the HTTP status each is sent
/// with. Every refusal of <see cref="XksProxy"/> is one of these, in the body
/// <c>{"errorName": "...", "errorMessage": "..."}</c>.
/// </summary>
internal static class XksErrors
{
    public const string Validation = "ValidationException";
    public const string InvalidState = "InvalidStateException";
    public const string InvalidCiphertext = "InvalidCiphertextException";
    public const string InvalidKeyUsage = "InvalidKeyUsageException";
    public const string AuthenticationFailed = "AuthenticationFailedException";
    public const string AccessDenied = "AccessDeniedException";
    public const string KeyNotFound = "KeyNotFoundException";
    public const string InvalidUriPath = "InvalidUriPathException";
    public const string Throttling = "ThrottlingException";
    public const string UnsupportedOperation = "UnsupportedOperationException";
    public const string DependencyTimeout = "DependencyTimeoutException";
    public const string Internal = "InternalException";

    /// <summary>The HTTP status the specification sends <paramref name="errorName"/> with.</summary>
    public static int StatusOf(string errorName) => errorName switch
    {
        Validation or InvalidState or InvalidCiphertext or InvalidKeyUsage => 400,
        AuthenticationFailed => 401,
        AccessDenied => 403,
        KeyNotFound or InvalidUriPath => 404,
        Throttling => 429,
        UnsupportedOperation => 501,
        DependencyTimeout => 503,
        _ => 500,
    };
}

/// <summary>A request the proxy refuses: one of <see cref="XksErrors"/>' names and a message for the proxy's administrator.</summary>
internal sealed class XksException(string errorName, string message, int? statusCode = null) : Exception(message)
{
    public string ErrorName { get; } = errorName;

    /// <summary>The HTTP status: the specification's for <see cref="ErrorName"/> unless the request needs another (405 for a GET).</summary>
    public int StatusCode { get; } = statusCode ?? XksErrors.StatusOf(errorName);
}
