using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KmsLab.Simulation.KeyStores;

namespace KmsLab.Protocol.Xks;

/// <summary>
/// KMS's side of the XKS Proxy API: JSON over HTTP POST to
/// <c>{UriEndpoint}{UriPath}/…</c>, signed with the key store's proxy credential
/// (<see cref="XksRequestSigner"/>), answers and errors read as the specification defines them.
/// </summary>
/// <remarks>
/// Real KMS speaks only HTTPS on port 443 to a proxy named by a DNS name, and gives up after
/// 250 ms. A proxy on a learner's machine listens on loopback over plain HTTP, so the simulator
/// also accepts <c>http://</c> endpoints with a port (the key store validation says where); the
/// time limit is <see cref="Timeout"/> (<see cref="LabOptions.XksProxyTimeout"/>).
/// </remarks>
internal sealed class XksProxyHttpClient(HttpMessageHandler handler, TimeProvider wallClock, TimeSpan timeout) : IXksProxy
{
    private readonly HttpClient _http = new(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public TimeSpan Timeout { get; } = timeout;

    public XksHealthStatus GetHealthStatus(XksProxySettings proxy, string region, XksRequestMetadata metadata)
    {
        var body = new JsonObject { ["requestMetadata"] = Metadata(metadata) };
        var answer = Post(proxy, region, "/health", body);
        var status = Read(answer, "GetHealthStatus", a => new XksHealthStatus((int)a["xksProxyFleetSize"]!, (string)a["xksProxyVendor"]!, (string)a["xksProxyModel"]!, (string)a["ekmVendor"]!,
            a["ekmFleetDetails"]!.AsArray().Select(e => new XksEkmHealth((string)e!["id"]!, (string)e["model"]!, (string)e["healthStatus"]!)).ToList()));
        if (status.XksProxyFleetSize < 1 || status.EkmFleetDetails.Count is < 1 or > 10) throw new XksProxyException(XksProxyFailure.InvalidResponse, "fleet size or ekmFleetDetails out of range");
        return status;
    }

    public XksKeyMetadata GetKeyMetadata(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata)
    {
        var answer = Post(proxy, region, KeyPath(externalKeyId, "metadata"), new JsonObject { ["requestMetadata"] = Metadata(metadata) });
        return Read(answer, "GetKeyMetadata", a => new XksKeyMetadata((string)a["keySpec"]!, a["keyUsage"]!.AsArray().Select(u => (string)u!).ToList(), (string)a["keyStatus"]!));
    }

    public XksCiphertext Encrypt(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata, byte[] plaintext, byte[] additionalAuthenticatedData)
    {
        var body = new JsonObject
        {
            ["requestMetadata"] = Metadata(metadata),
            ["additionalAuthenticatedData"] = Convert.ToBase64String(additionalAuthenticatedData),
            ["plaintext"] = Convert.ToBase64String(plaintext),
            ["encryptionAlgorithm"] = "AES_GCM",
            ["ciphertextDataIntegrityValueAlgorithm"] = "SHA_256",
        };
        var answer = Post(proxy, region, KeyPath(externalKeyId, "encrypt"), body);
        var (result, integrity) = Read(answer, "Encrypt", a => (new XksCiphertext(
            Bytes(a, "ciphertext"), Bytes(a, "initializationVector"), Bytes(a, "authenticationTag"), a["ciphertextMetadata"] is null ? null : Bytes(a, "ciphertextMetadata")),
            Bytes(a, "ciphertextDataIntegrityValue")));
        if (result.InitializationVector.Length is not (12 or 16) || result.AuthenticationTag.Length != 16 || result.CiphertextMetadata?.Length > 20 || result.Ciphertext.Length != plaintext.Length)
        {
            throw new XksProxyException(XksProxyFailure.InvalidResponse, "Encrypt answer with an IV, tag, metadata or ciphertext of the wrong size");
        }
        // Appendix C: SHA-256 over AAD || ciphertextMetadata || IV || ciphertext || tag, which KMS computes itself.
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(additionalAuthenticatedData);
        hash.AppendData(result.CiphertextMetadata ?? []);
        hash.AppendData(result.InitializationVector);
        hash.AppendData(result.Ciphertext);
        hash.AppendData(result.AuthenticationTag);
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), integrity))
        {
            throw new XksProxyException(XksProxyFailure.CorruptCiphertext, "the ciphertextDataIntegrityValue does not match the ciphertext");
        }
        return result;
    }

    public byte[] Decrypt(XksProxySettings proxy, string region, string externalKeyId, XksRequestMetadata metadata, XksCiphertext ciphertext, byte[] additionalAuthenticatedData)
    {
        var body = new JsonObject
        {
            ["requestMetadata"] = Metadata(metadata),
            ["ciphertext"] = Convert.ToBase64String(ciphertext.Ciphertext),
            ["encryptionAlgorithm"] = "AES_GCM",
            ["additionalAuthenticatedData"] = Convert.ToBase64String(additionalAuthenticatedData),
            ["initializationVector"] = Convert.ToBase64String(ciphertext.InitializationVector),
            ["authenticationTag"] = Convert.ToBase64String(ciphertext.AuthenticationTag),
        };
        if (ciphertext.CiphertextMetadata is { } m) body["ciphertextMetadata"] = Convert.ToBase64String(m);
        var answer = Post(proxy, region, KeyPath(externalKeyId, "decrypt"), body);
        var plaintext = Read(answer, "Decrypt", a => Bytes(a, "plaintext"));
        if (plaintext.Length != ciphertext.Ciphertext.Length) throw new XksProxyException(XksProxyFailure.InvalidResponse, "Decrypt answer whose plaintext is not the ciphertext's size");
        return plaintext;
    }

    private static string KeyPath(string externalKeyId, string operation) => $"/keys/{Uri.EscapeDataString(externalKeyId)}/{operation}";

    private static byte[] Bytes(JsonObject answer, string member) => Convert.FromBase64String((string?)answer[member] ?? throw new FormatException($"no {member}"));

    /// <summary>Reads a 200 answer's members; a missing or mistyped one is a response KMS cannot interpret.</summary>
    private static T Read<T>(JsonObject answer, string operation, Func<JsonObject, T> read)
    {
        try
        {
            return read(answer);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or InvalidCastException)
        {
            throw new XksProxyException(XksProxyFailure.InvalidResponse, $"{operation} answer lacks a required field: {e.Message}");
        }
    }

    private static JsonObject Metadata(XksRequestMetadata m)
    {
        var json = new JsonObject();
        if (m.AwsPrincipalArn is not null) json["awsPrincipalArn"] = m.AwsPrincipalArn;
        if (m.AwsSourceVpce is not null) json["awsSourceVpce"] = m.AwsSourceVpce;
        if (m.KmsKeyArn is not null) json["kmsKeyArn"] = m.KmsKeyArn;
        json["kmsOperation"] = m.KmsOperation;
        json["kmsRequestId"] = m.KmsRequestId;
        if (m.KmsViaService is not null) json["kmsViaService"] = m.KmsViaService;
        return json;
    }

    /// <summary>POSTs a signed request and returns the JSON object of a 200 answer; any other outcome is the specification's failure scenario.</summary>
    private JsonObject Post(XksProxySettings proxy, string region, string operationPath, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy.BaseUri + operationPath)) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        XksRequestSigner.Sign(request, bytes, proxy.AccessKeyId, proxy.SecretAccessKey, region, wallClock.GetUtcNow());
        using var cancel = new CancellationTokenSource(Timeout);
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new XksProxyException(XksProxyFailure.TimedOut, $"no answer within {Timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new XksProxyException(XksProxyFailure.Unreachable, e.Message);
        }
        catch (HttpRequestException e)
        {
            throw new XksProxyException(XksProxyFailure.InvalidResponse, e.Message);
        }
        using (response)
        {
            string text;
            try
            {
                using var stream = response.Content.ReadAsStream(cancel.Token);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                text = reader.ReadToEnd();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                throw new XksProxyException(XksProxyFailure.TimedOut, e.Message);
            }
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: the generic "cannot interpret" below.
            }
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return json ?? throw new XksProxyException(XksProxyFailure.InvalidResponse, "a 200 answer that is not a JSON object");
            }
            var errorName = json?["errorName"]?.GetValueKind() == JsonValueKind.String ? (string?)json["errorName"] : null;
            throw new XksProxyException(FailureOf(errorName), $"HTTP {(int)response.StatusCode} {errorName ?? "(no errorName)"}: {(json?["errorMessage"] as JsonValue)?.ToString()}");
        }
    }

    /// <summary>The failure scenario of a proxy's errorName; an unknown or missing one is a response KMS cannot interpret.</summary>
    internal static XksProxyFailure FailureOf(string? errorName) => errorName switch
    {
        "ValidationException" => XksProxyFailure.InvalidResponse,
        "InvalidStateException" => XksProxyFailure.KeyNotEnabled,
        "InvalidCiphertextException" => XksProxyFailure.InvalidCiphertext,
        "InvalidKeyUsageException" => XksProxyFailure.KeyUsage,
        "AuthenticationFailedException" => XksProxyFailure.AuthenticationFailed,
        "AccessDeniedException" => XksProxyFailure.AccessDenied,
        "KeyNotFoundException" => XksProxyFailure.KeyNotFound,
        "InvalidUriPathException" => XksProxyFailure.InvalidUriPath,
        "ThrottlingException" => XksProxyFailure.Throttling,
        "UnsupportedOperationException" => XksProxyFailure.UnsupportedOperation,
        "DependencyTimeoutException" => XksProxyFailure.DependencyTimeout,
        "InternalException" => XksProxyFailure.ProxyInternal,
        _ => XksProxyFailure.InvalidResponse,
    };
}
