using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Protocol.Xks;

/// <summary>
/// Signs KMS's requests to an external key store proxy with SigV4 as the XKS Proxy API's
/// Appendix A says: service <c>kms-xks-proxy</c>, the Region KMS calls from, signed headers
/// <c>host;x-amz-date</c>, the SHA-256 of the JSON body, no query string.
/// </summary>
internal static class XksRequestSigner
{
    public const string Service = "kms-xks-proxy";
    private const string SignedHeaders = "host;x-amz-date";

    /// <summary>Adds <c>X-Amz-Date</c> and <c>Authorization</c> to a POST of <paramref name="body"/>.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, string accessKeyId, string secretAccessKey, string region, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = uri.IsDefaultPort ? uri.Host : uri.Authority;
        var canonical = $"POST\n{uri.AbsolutePath}\n\nhost:{host}\nx-amz-date:{amzDate}\n\n{SignedHeaders}\n{Hex(SHA256.HashData(body))}";
        var scope = $"{date}/{region}/{Service}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
