using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Protocol;

/// <summary>
/// Checks a request's Signature Version 4 signature as AWS does: rebuild the canonical request
/// from what arrived, derive the signing key from the secret access key, and compare. A request
/// signed with a wrong secret, or altered after signing (its body, a signed header), fails.
/// The request time is not compared with the simulated clock, which a lesson may have moved years ahead.
/// </summary>
internal sealed class SigV4Verifier
{
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _signingKeys = new();

    public bool Verify(KmsWireRequest request, SigV4Authorization authorization, string secretAccessKey)
    {
        var amzDate = request.Header("X-Amz-Date");
        if (amzDate is null || !amzDate.StartsWith(authorization.Date, StringComparison.Ordinal)) return false;

        Span<byte> bodyHash = stackalloc byte[32];
        SHA256.HashData(request.Body.Span, bodyHash);
        var payloadHash = Convert.ToHexStringLower(bodyHash);
        var declared = request.Header("X-Amz-Content-SHA256");
        if (declared is not null && declared != payloadHash && declared != "UNSIGNED-PAYLOAD") return false;

        var canonical = new StringBuilder(512);
        canonical.Append(request.Method).Append('\n');
        canonical.Append(string.IsNullOrEmpty(request.Path) ? "/" : request.Path).Append('\n');
        canonical.Append(CanonicalQuery(request.Query)).Append('\n');
        foreach (var name in authorization.SignedHeaders.Split(';'))
        {
            var value = name == "host" ? request.Header("Host") ?? request.Host : request.Header(name);
            if (value is null) return false;
            canonical.Append(name).Append(':').Append(CollapseSpaces(value.Trim())).Append('\n');
        }
        canonical.Append('\n').Append(authorization.SignedHeaders).Append('\n').Append(declared ?? payloadHash);

        var scope = $"{authorization.Date}/{authorization.Region}/{authorization.Service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = _signingKeys.GetOrAdd((secretAccessKey, authorization.Date, authorization.Region, authorization.Service), DeriveSigningKey);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(authorization.Signature));
    }

    private static byte[] DeriveSigningKey((string Secret, string Date, string Region, string Service) scope)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + scope.Secret), Encoding.UTF8.GetBytes(scope.Date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(scope.Service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query)) return "";
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=') ? p : p + "=")
            .OrderBy(p => p, StringComparer.Ordinal);
        return string.Join('&', pairs);
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal)) return value;
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                if (!space) sb.Append(c);
                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }
}
