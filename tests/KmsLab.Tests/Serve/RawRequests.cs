using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KmsLab.Tests.Serve;

/// <summary>
/// Hand-made HTTP requests to a served simulator, signed with Signature Version 4 as an SDK signs
/// them (so they pass whatever signature check the server does) — or deliberately broken.
/// </summary>
public sealed class RawRequests(ServedLab served) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public const string JsonContentType = "application/x-amz-json-1.1";

    /// <summary>Sends a POST with the given target, body and content type, signed unless <paramref name="authorization"/> overrides it.</summary>
    public async Task<(int Status, string? ErrorType, string Body, HttpResponseMessage Response)> PostAsync(string? target, byte[] body, string? contentType = JsonContentType, string? authorization = null, bool sign = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, served.Endpoint);
        request.Content = new ByteArrayContent(body);
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (target is not null) request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        else if (sign) request.Headers.TryAddWithoutValidation("Authorization", Sign(served.Lab.Admin.AccessKeyId, served.Lab.Admin.SecretAccessKey, "us-east-1", served.Endpoint.Authority, amzDate, contentType, target, body));
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, ErrorType(text), text, response);
    }

    public Task<(int Status, string? ErrorType, string Body, HttpResponseMessage Response)> PostJsonAsync(string target, string json) =>
        PostAsync("TrentService." + target, Encoding.UTF8.GetBytes(json));

    /// <summary>The SigV4 Authorization header for a KMS JSON request (headers signed: content-type, host, x-amz-date, x-amz-target).</summary>
    public static string Sign(string accessKeyId, string secret, string region, string host, string amzDate, string? contentType, string? target, byte[] body)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-date"] = amzDate };
        if (contentType is not null) headers["content-type"] = contentType;
        if (target is not null) headers["x-amz-target"] = target;
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"POST\n/\n\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n"))}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var date = amzDate[..8];
        var scope = $"{date}/{region}/kms/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, "kms"u8);
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>Writes raw bytes on a new TCP connection and returns what the server answers before it closes or goes quiet.</summary>
    public async Task<string> SendRawAsync(byte[] bytes, bool closeAfterSending = true, TimeSpan? quietAfter = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(served.Endpoint.Host, served.Endpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
        if (closeAfterSending) tcp.Client.Shutdown(SocketShutdown.Send);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var quiet = new CancellationTokenSource(quietAfter ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(buffer, quiet.Token);
                if (n == 0) break;
                received.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>Writes raw bytes on a new TCP connection, then resets it (RST: linger 0) without reading.</summary>
    public async Task SendAndResetAsync(byte[] bytes)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(served.Endpoint.Host, served.Endpoint.Port);
        await tcp.GetStream().WriteAsync(bytes);
        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Client.Close();
    }

    private static string? ErrorType(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("__type", out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public void Dispose() => _http.Dispose();
}
