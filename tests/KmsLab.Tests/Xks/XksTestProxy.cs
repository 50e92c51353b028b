using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KmsLab.Hosting;
using KmsLab.Xks;
using Microsoft.Extensions.Time.Testing;

namespace KmsLab.Tests.Xks;

/// <summary>
/// An <see cref="XksProxy"/> on a frozen wall clock, and requests to it signed as KMS signs them
/// (SigV4, service <c>kms-xks-proxy</c>, signed headers <c>host;x-amz-date</c>, the specification's
/// Appendix A) by a signer written here from the SigV4 rules, not the proxy's verifier.
/// </summary>
internal sealed class XksTestProxy
{
    /// <summary>The credential of the specification's examples, cut to its rules (20–30 Base32 characters; 43–64 for the secret).</summary>
    public static readonly XksCredential Credential = new("MUBSXM6K3KMXHN6RRCXI7TWQ", "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE");

    public const string Prefix = "/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f";
    public const string UriPath = Prefix + "/kms/xks/v1";
    public const string Host = "xks.example.com";
    public const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

    /// <param name="now">The proxy's wall clock (frozen); default 2026-12-03T08:00:00Z.</param>
    public XksTestProxy(DateTimeOffset? now = null)
    {
        Clock = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));
        Keys = new XksKeyManager(clock: Clock);
        Keys.CreateKey(KeyId);
        Proxy = new XksProxy(Keys, Credential, Prefix, Clock) { Log = Log };
    }

    public FakeTimeProvider Clock { get; }

    public XksKeyManager Keys { get; }

    public XksProxy Proxy { get; }

    public StringWriter Log { get; } = new();

    /// <summary>Every response body this proxy sent, for the "no key material" checks.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>The key's material, read from inside the proxy (tests only): what no answer may contain.</summary>
    public byte[] Material => Keys.Find(KeyId)!.Material;

    /// <summary>POSTs <paramref name="json"/> to <c>{UriPath}/{operation}</c>, signed; the knobs break one thing at a time.</summary>
    public Answer Post(string operation, string json, XksCredential? signWith = null, string service = XksProxy.ServiceName, TimeSpan? signedAgo = null,
        string? sentBody = null, string method = "POST", string? path = null, bool sign = true, string region = "us-east-2")
    {
        path ??= $"{UriPath}/{operation}";
        var body = Encoding.UTF8.GetBytes(json);
        var amzDate = (Clock.GetUtcNow() - (signedAgo ?? TimeSpan.Zero)).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var credential = signWith ?? Credential;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = Host,
            ["X-Amz-Date"] = amzDate,
            ["Content-Type"] = "application/json",
        };
        if (sign) headers["Authorization"] = Sign(credential, region, service, method, path, Host, amzDate, body);
        var sent = sentBody is null ? body : Encoding.UTF8.GetBytes(sentBody);
        return Send(new EndpointRequest(method, path, name => headers.GetValueOrDefault(name), sent, Host: Host));
    }

    public Answer Send(in EndpointRequest request)
    {
        var response = Proxy.Handle(request);
        var text = Encoding.UTF8.GetString(response.Body.Span);
        Bodies.Add(text);
        Assert.Equal("application/json", response.ContentType);
        return new Answer(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    /// <summary>A SigV4 Authorization header for a request whose signed headers are host and x-amz-date.</summary>
    public static string Sign(XksCredential credential, string region, string service, string method, string path, string host, string amzDate, byte[] body)
    {
        var canonical = $"{method}\n{path}\n\nhost:{host}\nx-amz-date:{amzDate}\n\nhost;x-amz-date\n{Hex(SHA256.HashData(body))}";
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + credential.RawSecretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return $"AWS4-HMAC-SHA256 Credential={credential.AccessKeyId}/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}";
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The Encrypt request of the specification's example (plaintext "Hello World!", AAD "project=nile,department=marketing").</summary>
    public const string EncryptExample = """
        {
            "requestMetadata": {
                "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
                "kmsKeyArn": "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "kmsOperation": "Encrypt",
                "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
                "kmsViaService": "ebs"
            },
            "additionalAuthenticatedData": "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n",
            "plaintext": "SGVsbG8gV29ybGQh",
            "encryptionAlgorithm": "AES_GCM",
            "ciphertextDataIntegrityValueAlgorithm": "SHA_256"
        }
        """;

    /// <summary>The specification's Decrypt request example with the encrypt output's fields put in (its own values were made by another proxy's key).</summary>
    public static string DecryptExample(JsonElement encrypted, string aad = "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n") => $$"""
        {
            "requestMetadata": {
                "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
                "kmsKeyArn": "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "kmsOperation": "Decrypt",
                "kmsRequestId": "5112f4d6-db54-4af4-ae30-c55a22a8dfae",
                "kmsViaService": "ebs"
            },
            "additionalAuthenticatedData": "{{aad}}",
            "encryptionAlgorithm": "AES_GCM",
            "ciphertext": "{{encrypted.GetProperty("ciphertext").GetString()}}",
            "ciphertextMetadata": "{{encrypted.GetProperty("ciphertextMetadata").GetString()}}",
            "initializationVector": "{{encrypted.GetProperty("initializationVector").GetString()}}",
            "authenticationTag": "{{encrypted.GetProperty("authenticationTag").GetString()}}"
        }
        """;

    /// <summary>The GetKeyMetadata request of the specification's example.</summary>
    public const string MetadataExample = """
        {
            "requestMetadata": {
                "awsPrincipalArn": "arn:aws:iam::123456789012:user/Alice",
                "kmsOperation": "CreateKey",
                "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae"
            }
        }
        """;

    /// <summary>The GetHealthStatus request of the specification's example.</summary>
    public const string HealthExample = """
        {
            "requestMetadata": {
                "kmsRequestId": "4112f4d6-db54-4af4-ae30-c55a22a8dfae",
                "kmsOperation": "CreateCustomKeyStore"
            }
        }
        """;

    public string KeyPath(string operation, string keyId = KeyId) => $"keys/{keyId}/{operation}";
}

/// <summary>A proxy's answer: the HTTP status and the JSON body.</summary>
internal sealed record Answer(int Status, JsonElement Body, string Text)
{
    public string? ErrorName => Body.TryGetProperty("errorName", out var name) ? name.GetString() : null;

    public string Member(string name) => Body.GetProperty(name).GetString()!;

    public byte[] Bytes(string name) => Convert.FromBase64String(Member(name));

    /// <summary>Asserts the specification's error shape: this status and errorName, and an errorMessage of printable ASCII under 512 characters.</summary>
    public void IsError(int status, string errorName)
    {
        Assert.True(Status == status && ErrorName == errorName, $"expected {status} {errorName}, got {Status}: {Text}");
        var names = Body.EnumerateObject().Select(p => p.Name).ToList();
        Assert.All(names, n => Assert.Contains(n, new[] { "errorName", "errorMessage" }));
        var message = Body.GetProperty("errorMessage").GetString()!;
        Assert.InRange(message.Length, 1, 511);
        Assert.All(message, c => Assert.InRange(c, ' ', '~'));
    }
}
