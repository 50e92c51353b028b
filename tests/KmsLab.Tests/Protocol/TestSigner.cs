using System.Security.Cryptography;
using System.Text;

namespace KmsLab.Tests.Protocol;

/// <summary>A minimal SigV4 signer for hand-made requests (the SDK signs everything else).</summary>
internal static class TestSigner
{
    /// <param name="alsoSign">More request headers to sign; their values are canonicalized as SigV4 says (trimmed, runs of spaces collapsed).</param>
    public static void Sign(HttpRequestMessage request, byte[] body, string accessKey, string secretKey, string region = "us-east-1", DateTimeOffset? at = null, string[]? alsoSign = null)
    {
        var now = at ?? DateTimeOffset.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'");
        var date = amzDate[..8];
        var host = request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : request.RequestUri.Authority;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-date"] = amzDate };
        foreach (var name in new[] { "X-Amz-Target" }.Concat(alsoSign ?? []))
        {
            if (request.Headers.NonValidated.TryGetValues(name, out var values)) headers[name.ToLowerInvariant()] = System.Text.RegularExpressions.Regex.Replace(values.Single().Trim(), " +", " ");
        }
        if (request.Content?.Headers.TryGetValues("Content-Type", out var ct) == true) headers["content-type"] = ct.Single();
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{request.Method.Method}\n{request.RequestUri.AbsolutePath}\n\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{date}/{region}/kms/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, "kms"u8);
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }
}
