namespace KmsLab.Xks;

/// <summary>
/// The proxy's URI path, <c>[/&lt;path-prefix&gt;]/kms/xks/v1</c> (<c>XksProxyUriPath</c> in
/// CreateCustomKeyStore), and the routes under it: <c>/health</c> and
/// <c>/keys/&lt;externalKeyId&gt;/{metadata,encrypt,decrypt}</c>.
/// </summary>
internal static class XksUriPath
{
    /// <summary>What every XKS Proxy API v1 path ends its prefix with.</summary>
    public const string Version1 = "/kms/xks/v1";

    /// <summary>The longest <c>XksProxyUriPath</c> KMS accepts.</summary>
    public const int MaxLength = 128;

    /// <summary>The longest external key ID.</summary>
    public const int MaxKeyIdLength = 128;

    /// <summary>The operations of the API, as the proxy's log names them.</summary>
    public enum Operation { GetHealthStatus, GetKeyMetadata, Encrypt, Decrypt }

    /// <summary>
    /// Why <paramref name="prefix"/> cannot be a path prefix, or null if it can: empty (no prefix) or
    /// <c>/</c>-separated segments of <c>a</c>–<c>z</c>, <c>A</c>–<c>Z</c>, <c>0</c>–<c>9</c>, <c>-</c> and <c>_</c>,
    /// short enough that the whole URI path stays within 128 characters.
    /// </summary>
    public static string? PrefixProblem(string prefix)
    {
        if (prefix.Length == 0) return null;
        if (!prefix.StartsWith('/') || prefix.EndsWith('/')) return $"the path prefix '{prefix}' must start with '/' and not end with one, e.g. /keystores/demo";
        if (prefix.Contains("//", StringComparison.Ordinal)) return $"the path prefix '{prefix}' has an empty segment";
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_')) return $"the path prefix '{prefix}' may hold only a-z, A-Z, 0-9, /, - and _";
        if (prefix.Length + Version1.Length > MaxLength) return $"the URI path '{prefix}{Version1}' is longer than {MaxLength} characters";
        return null;
    }

    /// <summary>True if <paramref name="keyId"/> is a valid external key ID: 1 to 128 letters, digits, <c>-</c>, <c>.</c> and <c>_</c>.</summary>
    public static bool IsValidKeyId(string keyId) =>
        keyId.Length is > 0 and <= MaxKeyIdLength && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    /// <summary>
    /// The operation and external key ID <paramref name="path"/> asks for under <paramref name="uriPath"/>,
    /// or null if it is no route of the API (InvalidUriPathException). The key ID is returned as sent:
    /// the caller checks it once the request is authenticated.
    /// </summary>
    public static (Operation Operation, string? KeyId)? Route(string uriPath, string path)
    {
        if (!path.StartsWith(uriPath, StringComparison.Ordinal) || path.Length <= uriPath.Length || path[uriPath.Length] != '/') return null;
        var rest = path.AsSpan(uriPath.Length + 1);
        if (rest.SequenceEqual("health")) return (Operation.GetHealthStatus, null);
        if (!rest.StartsWith("keys/")) return null;
        rest = rest["keys/".Length..];
        int slash = rest.IndexOf('/');
        if (slash <= 0) return null;
        var keyId = rest[..slash].ToString();
        Operation? operation = rest[(slash + 1)..] switch
        {
            "metadata" => Operation.GetKeyMetadata,
            "encrypt" => Operation.Encrypt,
            "decrypt" => Operation.Decrypt,
            _ => null,
        };
        return operation is { } op ? (op, keyId) : null;
    }
}
