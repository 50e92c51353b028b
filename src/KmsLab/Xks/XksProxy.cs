using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KmsLab.Hosting;
using KmsLab.Protocol;
using KmsLab.Simulation;

namespace KmsLab.Xks;

/// <summary>
/// An external key store proxy implementing the XKS Proxy API v1 (the public specification
/// aws/aws-kms-xksproxy-api-spec, <c>xks_proxy_api_spec.md</c>): GetHealthStatus, GetKeyMetadata,
/// Encrypt and Decrypt under <c>[/&lt;path-prefix&gt;]/kms/xks/v1</c>, each request authenticated with
/// SigV4 (service <c>kms-xks-proxy</c>) against the proxy's own <see cref="XksCredential"/>, errors in
/// the specification's <c>{"errorName", "errorMessage"}</c> shape and HTTP statuses. Keys are those of
/// its <see cref="XksKeyManager"/>; no operation returns key material. A host (<c>kmslab xks-proxy</c>,
/// a test) carries HTTP to <see cref="Handle"/>. Safe to use from several threads.
/// <code>
/// var keys = new XksKeyManager();
/// keys.CreateKey("demo");
/// var proxy = new XksProxy(keys, XksCredential.Generate(RandomNumberGenerator.Create()), "/kmslab");
/// EndpointResponse response = proxy.Handle(new EndpointRequest("POST", "/kmslab/kms/xks/v1/health", header, body));
/// </code>
/// </summary>
public sealed class XksProxy
{
    /// <summary>The SigV4 service name of every request to an XKS proxy (the specification's Appendix A).</summary>
    public const string ServiceName = "kms-xks-proxy";

    /// <summary>The media type of every request and response body.</summary>
    public const string ContentType = "application/json";

    /// <summary>The largest request body this proxy reads (room for the largest plaintext, AAD and 2048-character ARNs, in Base64).</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The longest plaintext and ciphertext this proxy takes (the specification requires at least 4300 bytes).</summary>
    public const int MaxDataBytes = 8192;

    /// <summary>The longest additional authenticated data this proxy takes (the specification requires 8192 bytes).</summary>
    public const int MaxAadBytes = 8192;

    /// <summary>How far a request's <c>X-Amz-Date</c> may be from the proxy's clock, either way (Appendix A, Task 4: 5 minutes).</summary>
    public static readonly TimeSpan SignatureWindow = TimeSpan.FromMinutes(5);

    /// <summary>The longest external key ID.</summary>
    public const int MaxKeyIdLength = XksUriPath.MaxKeyIdLength;

    /// <summary>True if <paramref name="keyId"/> is a valid external key ID: 1 to 128 letters, digits, <c>-</c>, <c>.</c> and <c>_</c>.</summary>
    public static bool IsValidKeyId(string keyId) => XksUriPath.IsValidKeyId(keyId ?? "");

    /// <summary>
    /// Why <paramref name="prefix"/> cannot be a URI path prefix, or null if it can: empty (no prefix) or
    /// <c>/</c>-separated segments of letters, digits, <c>-</c> and <c>_</c>, the whole URI path within 128 characters.
    /// </summary>
    public static string? PathPrefixProblem(string prefix) => XksUriPath.PrefixProblem(prefix ?? "");

    /// <summary>The URI path (<c>XksProxyUriPath</c>) of a proxy with this prefix: the prefix and <c>/kms/xks/v1</c>.</summary>
    public static string UriPathFor(string prefix) => (prefix ?? "") + XksUriPath.Version1;

    private const string AesGcm = "AES_GCM";
    private const string Sha256 = "SHA_256";

    // Base64's '+' and the messages' quotes are written as themselves, as in the specification's
    // examples, not as \u002B and \u0027: the bodies are JSON for KMS, never put in HTML.
    private static readonly JsonSerializerOptions WriteOptions = new(XksJsonContext.Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SigV4Verifier _signatures = new();
    private readonly SignatureClock _signatureClock;
    private readonly RandomNumberGenerator _random;
    private readonly byte[] _healthCheckKey = new byte[32];
    private readonly Lock _logSync = new();

    /// <summary>A proxy in front of <paramref name="keys"/>.</summary>
    /// <param name="keys">The key manager whose keys the proxy uses.</param>
    /// <param name="credential">The credential requests must be signed with.</param>
    /// <param name="uriPathPrefix">The optional path prefix before <c>/kms/xks/v1</c>: empty, or e.g. <c>/keystores/demo</c>.</param>
    /// <param name="wallClock">The clock request signatures' age is checked against; null: the system clock.</param>
    /// <param name="random">Where IVs come from; null: the system's cryptographic generator.</param>
    /// <exception cref="ArgumentException">The credential or the prefix breaks the specification's rules (the message says which).</exception>
    public XksProxy(XksKeyManager keys, XksCredential credential, string uriPathPrefix = "", TimeProvider? wallClock = null, RandomNumberGenerator? random = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(uriPathPrefix);
        if (credential.Problem() is { } bad) throw new ArgumentException($"The proxy's credential is unusable: {bad}.", nameof(credential));
        if (XksUriPath.PrefixProblem(uriPathPrefix) is { } wrong) throw new ArgumentException($"The proxy's URI path is unusable: {wrong}.", nameof(uriPathPrefix));
        Keys = keys;
        Credential = credential;
        UriPath = uriPathPrefix + XksUriPath.Version1;
        _signatureClock = new SignatureClock(wallClock ?? TimeProvider.System, SignatureWindow);
        _random = random ?? RandomNumberGenerator.Create();
        // GetHealthStatus SHOULD be deep, on a test key rather than a key of a KMS key: this one, never saved.
        _random.GetBytes(_healthCheckKey);
    }

    /// <summary>The URI path requests go under (<c>XksProxyUriPath</c>), e.g. <c>/kmslab/kms/xks/v1</c>.</summary>
    public string UriPath { get; }

    /// <summary>The credential requests must be signed with.</summary>
    public XksCredential Credential { get; }

    /// <summary>The key manager behind the proxy.</summary>
    public XksKeyManager Keys { get; }

    /// <summary>The clock request signatures' age is checked against.</summary>
    public TimeProvider WallClock => _signatureClock.WallClock;

    /// <summary>
    /// Where the proxy logs one line per request: the operation, the external key, the outcome and the
    /// request metadata (<c>kmsRequestId</c>, to match KMS's CloudTrail record; principal; KMS operation).
    /// Plaintext is never logged. Null: no log.
    /// </summary>
    public TextWriter? Log { get; set; }

    /// <summary>Answers one request as the XKS Proxy API specifies.</summary>
    public EndpointResponse Handle(in EndpointRequest request)
    {
        var call = new Call();
        try
        {
            var route = XksUriPath.Route(UriPath, request.Path)
                ?? throw new XksException(XksErrors.InvalidUriPath, $"No XKS Proxy API operation is at '{request.Path}'. This proxy's URI path is {UriPath}: POST to {UriPath}/health or {UriPath}/keys/<externalKeyId>/metadata, /encrypt or /decrypt.");
            call.Operation = route.Operation;
            call.KeyId = route.KeyId;
            // The specification: a GET (or any method but POST) at an API's URI MUST get 405 Method Not Allowed.
            // It names no errorName for it; ValidationException says what is wrong with the request.
            if (!string.Equals(request.Method, "POST", StringComparison.Ordinal))
                throw new XksException(XksErrors.Validation, $"{route.Operation} takes POST, not {request.Method}: every XKS Proxy API request carries its requestMetadata in a JSON body.", 405);
            call.Region = Authenticate(request);
            var body = route.Operation switch
            {
                XksUriPath.Operation.GetHealthStatus => GetHealthStatus(request.Body, call),
                XksUriPath.Operation.GetKeyMetadata => GetKeyMetadata(request.Body, call),
                XksUriPath.Operation.Encrypt => Encrypt(request.Body, call),
                _ => Decrypt(request.Body, call),
            };
            WriteLog(call, 200, null);
            return new EndpointResponse(200, ContentType, body, call.Metadata?.KmsRequestId ?? "");
        }
        catch (XksException e)
        {
            WriteLog(call, e.StatusCode, e.ErrorName);
            return Error(e.StatusCode, e.ErrorName, e.Message, call.Metadata?.KmsRequestId);
        }
    }

    /// <summary>The answer to a request whose body is over <see cref="MaxRequestBodyBytes"/>: 501 UnsupportedOperationException, as the specification answers a value larger than a proxy supports.</summary>
    public EndpointResponse RequestTooLarge() =>
        Error(501, XksErrors.UnsupportedOperation, $"The request body is larger than {MaxRequestBodyBytes} bytes, the most this proxy accepts.", null);

    /// <summary>The answer to a request the host could not read (broken framing, a body that came too slowly): 400 ValidationException.</summary>
    public EndpointResponse Unreadable(string reason) => Error(400, XksErrors.Validation, $"The request could not be read: {reason}", null);

    /// <summary>A 500 InternalException, for a failure of the proxy itself.</summary>
    public EndpointResponse InternalError(string message) => Error(500, XksErrors.Internal, message, null);

    private sealed class Call
    {
        public XksUriPath.Operation? Operation { get; set; }
        public string? KeyId { get; set; }
        public string? Region { get; set; }
        public XksRequestMetadata? Metadata { get; set; }
    }

    /// <summary>Checks the SigV4 signature against the proxy's credential; returns the Region KMS signed for.</summary>
    private string Authenticate(in EndpointRequest request)
    {
        var header = request.Header("Authorization")
            ?? throw Unauthenticated("The request has no Authorization header: sign it with SigV4, service kms-xks-proxy, and the proxy's credential.");
        var amzDate = request.Header("X-Amz-Date");
        var authorization = SigV4Authorization.Parse(header);
        if (authorization is null || amzDate is null) throw Unauthenticated(SigV4Authorization.Problem(header, hasDate: amzDate is not null).Message);
        try
        {
            // Appendix A, Task 4: a request more than 5 minutes from the proxy's clock, either way, fails (replay protection).
            _signatureClock.Check(amzDate);
        }
        catch (KmsException e)
        {
            throw Unauthenticated(e.Message);
        }
        if (!string.Equals(authorization.Service, ServiceName, StringComparison.Ordinal))
            throw Unauthenticated($"The credential is scoped to service '{authorization.Service}'; requests to an XKS proxy are signed for '{ServiceName}'.");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(authorization.AccessKeyId), Encoding.ASCII.GetBytes(Credential.AccessKeyId)))
            throw Unauthenticated($"The access key ID {authorization.AccessKeyId} is not this proxy's. Check the XksProxyAuthenticationCredential of the external key store.");
        var wire = new KmsWireRequest(request.Method, request.Path, request.Header, request.Body, request.Query, request.Host, request.SourceIp);
        if (!_signatures.Verify(wire, authorization, Credential.RawSecretAccessKey, amzDate))
            throw Unauthenticated("The request signature we calculated does not match the signature you provided. Check the secret access key of the external key store's proxy credential.");
        return authorization.Region;
    }

    private static XksException Unauthenticated(string message) => new(XksErrors.AuthenticationFailed, message);

    private byte[] GetHealthStatus(ReadOnlyMemory<byte> body, Call call)
    {
        // ValidationException is not among GetHealthStatus's errors, and its kmsOperation may be any
        // string: the metadata is read for the log only, whatever its shape.
        try
        {
            call.Metadata = JsonSerializer.Deserialize(body.Span, XksJsonContext.Default.XksMetadataOnlyRequest)?.RequestMetadata;
        }
        catch (JsonException)
        {
        }
        // A deep check (the specification: it SHOULD show that the key manager can do cryptography):
        // a round trip on the proxy's own test key.
        Span<byte> probe = stackalloc byte[16];
        _random.GetBytes(probe);
        var aad = XksCrypto.GcmAad("health"u8, []);
        var (iv, ciphertext, tag) = XksCrypto.Encrypt(_healthCheckKey, probe, aad, _random);
        Span<byte> back = stackalloc byte[16];
        bool healthy = XksCrypto.TryDecrypt(_healthCheckKey, iv, ciphertext, tag, aad, back) && back.SequenceEqual(probe);
        return Serialize(new XksHealthResponse
        {
            XksProxyFleetSize = 1,
            XksProxyVendor = "KmsLab",
            XksProxyModel = $"KmsLab XKS Proxy {typeof(XksProxy).Assembly.GetName().Version?.ToString(3) ?? "0"}",
            EkmVendor = "KmsLab",
            EkmFleetDetails = [new XksEkmDetails { Id = "kmslab-ekm-1", Model = "KmsLab software key manager (simulated; not an HSM)", HealthStatus = healthy ? "ACTIVE" : "UNAVAILABLE" }],
        });
    }

    private byte[] GetKeyMetadata(ReadOnlyMemory<byte> body, Call call)
    {
        var key = FindKey(call);
        var request = Parse(body, XksJsonContext.Default.XksMetadataOnlyRequest);
        call.Metadata = RequireMetadata(request.RequestMetadata, keyArn: false);
        return Serialize(new XksKeyMetadataResponse
        {
            KeySpec = XksKeyInfo.KeySpec,
            KeyUsage = XksKeyInfo.KeyUsage,
            KeyStatus = key.Status == XksKeyStatus.Enabled ? "ENABLED" : "DISABLED",
        });
    }

    private byte[] Encrypt(ReadOnlyMemory<byte> body, Call call)
    {
        var key = FindKey(call);
        var request = Parse(body, XksJsonContext.Default.XksEncryptRequest);
        call.Metadata = RequireMetadata(request.RequestMetadata, keyArn: true);
        RequireAesGcm(request.EncryptionAlgorithm);
        if (request.CiphertextDataIntegrityValueAlgorithm is { } cdivAlgorithm && cdivAlgorithm != Sha256)
            throw new XksException(XksErrors.UnsupportedOperation, $"ciphertextDataIntegrityValueAlgorithm '{cdivAlgorithm}' is not supported: version 1 of the API defines {Sha256} only.");
        var plaintext = Decode(request.Plaintext, "plaintext", required: true, MaxDataBytes)!;
        var aad = Decode(request.AdditionalAuthenticatedData, "additionalAuthenticatedData", required: false, MaxAadBytes);
        RequireEnabled(key);
        try
        {
            var metadata = XksCrypto.CiphertextMetadataV1;
            var gcmAad = XksCrypto.GcmAad(aad, metadata);
            var (iv, ciphertext, tag) = XksCrypto.Encrypt(key.Material, plaintext, gcmAad, _random);
            // Appendix C: compute the CDIV first, then prove the output decrypts, so that a corruption
            // after the CDIV is caught here and not by a later Decrypt.
            string? cdiv = request.CiphertextDataIntegrityValueAlgorithm is null ? null
                : Convert.ToBase64String(XksCrypto.Cdiv(aad, metadata, iv, ciphertext, tag));
            var check = new byte[plaintext.Length];
            bool sound = XksCrypto.TryDecrypt(key.Material, iv, ciphertext, tag, gcmAad, check) && check.AsSpan().SequenceEqual(plaintext);
            CryptographicOperations.ZeroMemory(check);
            if (!sound) throw new XksException(XksErrors.Internal, "The key manager's encryption did not decrypt back; nothing was returned. Retry the request.");
            return Serialize(new XksEncryptResponse
            {
                Ciphertext = Convert.ToBase64String(ciphertext),
                CiphertextMetadata = Convert.ToBase64String(metadata),
                InitializationVector = Convert.ToBase64String(iv),
                AuthenticationTag = Convert.ToBase64String(tag),
                CiphertextDataIntegrityValue = cdiv,
            });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private byte[] Decrypt(ReadOnlyMemory<byte> body, Call call)
    {
        var key = FindKey(call);
        var request = Parse(body, XksJsonContext.Default.XksDecryptRequest);
        call.Metadata = RequireMetadata(request.RequestMetadata, keyArn: true);
        RequireAesGcm(request.EncryptionAlgorithm);
        var ciphertext = Decode(request.Ciphertext, "ciphertext", required: true, MaxDataBytes)!;
        var iv = Decode(request.InitializationVector, "initializationVector", required: true, 64, tooLong: XksErrors.InvalidCiphertext)!;
        var tag = Decode(request.AuthenticationTag, "authenticationTag", required: true, 64, tooLong: XksErrors.InvalidCiphertext)!;
        var metadata = Decode(request.CiphertextMetadata, "ciphertextMetadata", required: false, XksCrypto.MaxCiphertextMetadataBytes, tooLong: XksErrors.Validation);
        var aad = Decode(request.AdditionalAuthenticatedData, "additionalAuthenticatedData", required: false, MaxAadBytes);
        RequireEnabled(key);
        if (iv.Length is not (12 or 16)) throw new XksException(XksErrors.InvalidCiphertext, $"The initializationVector is {iv.Length} bytes; AES-GCM here uses 12 (the API allows 12 or 16).");
        if (tag.Length != XksCrypto.TagBytes) throw new XksException(XksErrors.InvalidCiphertext, $"The authenticationTag is {tag.Length} bytes; it must be {XksCrypto.TagBytes}.");
        var plaintext = new byte[ciphertext.Length];
        try
        {
            if (!XksCrypto.TryDecrypt(key.Material, iv, ciphertext, tag, XksCrypto.GcmAad(aad, metadata), plaintext))
            {
                throw new XksException(XksErrors.InvalidCiphertext,
                    "The ciphertext, initialization vector, authentication tag, ciphertext metadata or additional authenticated data is not what this key encrypted: the authentication tag does not verify.");
            }
            return Serialize(new XksDecryptResponse { Plaintext = Convert.ToBase64String(plaintext) });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private XksKey FindKey(Call call)
    {
        var keyId = call.KeyId!;
        if (!XksUriPath.IsValidKeyId(keyId))
            throw new XksException(XksErrors.Validation, $"'{keyId}' is not a valid external key ID: 1 to {XksUriPath.MaxKeyIdLength} letters, digits, '-', '.' and '_'.");
        return Keys.Find(keyId) ?? throw new XksException(XksErrors.KeyNotFound, $"The key manager has no key '{keyId}'. Create it with: kmslab xks-proxy create-key --key-id {keyId}");
    }

    private static void RequireEnabled(XksKey key)
    {
        if (key.Status != XksKeyStatus.Enabled) throw new XksException(XksErrors.InvalidState, $"The external key '{key.KeyId}' is disabled in the key manager. Enable it there (kmslab xks-proxy enable-key) and retry.");
    }

    private static void RequireAesGcm(string? algorithm)
    {
        if (algorithm is null) throw new XksException(XksErrors.Validation, "encryptionAlgorithm is missing; version 1 of the API uses AES_GCM.");
        if (algorithm != AesGcm) throw new XksException(XksErrors.UnsupportedOperation, $"encryptionAlgorithm '{algorithm}' is not supported: version 1 of the API uses AES_GCM only.");
    }

    private static XksRequestMetadata RequireMetadata(XksRequestMetadata? metadata, bool keyArn)
    {
        if (metadata is null) throw new XksException(XksErrors.Validation, "requestMetadata is missing.");
        // Required fields are checked for presence only: kmsRequestId is opaque, and a kmsOperation
        // this proxy does not know MUST NOT make a request invalid (KMS may add operations).
        string? missing = metadata.AwsPrincipalArn is null ? "awsPrincipalArn"
            : metadata.KmsOperation is null ? "kmsOperation"
            : metadata.KmsRequestId is null ? "kmsRequestId"
            : keyArn && metadata.KmsKeyArn is null ? "kmsKeyArn"
            : null;
        return missing is null ? metadata : throw new XksException(XksErrors.Validation, $"requestMetadata.{missing} is missing.");
    }

    private static T Parse<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> info) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body.Span, info) ?? throw new XksException(XksErrors.Validation, "The request body is JSON null, not an object.");
        }
        catch (JsonException e)
        {
            throw new XksException(XksErrors.Validation, $"The request body is not the JSON this operation takes: {e.Message}");
        }
    }

    private static byte[]? Decode(string? value, string member, bool required, int maxBytes, string tooLong = XksErrors.UnsupportedOperation)
    {
        if (value is null) return required ? throw new XksException(XksErrors.Validation, $"{member} is missing.") : null;
        var bytes = new byte[value.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(value, bytes, out int written)) throw new XksException(XksErrors.Validation, $"{member} is not standard Base64.");
        if (written > maxBytes) throw new XksException(tooLong, $"{member} is {written} bytes; this proxy takes at most {maxBytes}.");
        var result = bytes.AsSpan(0, written).ToArray();
        CryptographicOperations.ZeroMemory(bytes);
        return result;
    }

    private void WriteLog(Call call, int status, string? errorName)
    {
        var log = Log;
        if (log is null) return;
        var m = call.Metadata;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{WallClock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'} {call.Operation?.ToString() ?? "(no route)"}");
        if (call.KeyId is not null) line.Append(CultureInfo.InvariantCulture, $" key={call.KeyId}");
        line.Append(CultureInfo.InvariantCulture, $" -> {status}{(errorName is null ? "" : " " + errorName)}");
        if (m?.KmsOperation is not null) line.Append(CultureInfo.InvariantCulture, $" kmsOperation={m.KmsOperation}");
        if (m?.KmsRequestId is not null) line.Append(CultureInfo.InvariantCulture, $" kmsRequestId={m.KmsRequestId}");
        if (m?.AwsPrincipalArn is not null) line.Append(CultureInfo.InvariantCulture, $" principal={m.AwsPrincipalArn}");
        if (m?.KmsViaService is not null) line.Append(CultureInfo.InvariantCulture, $" via={m.KmsViaService}");
        if (call.Region is not null) line.Append(CultureInfo.InvariantCulture, $" region={call.Region}");
        lock (_logSync)
        {
            log.WriteLine(Printable(line.ToString(), int.MaxValue));
            log.Flush();
        }
    }

    private static EndpointResponse Error(int status, string errorName, string message, string? requestId) =>
        new(status, ContentType, Serialize(new XksErrorBody { ErrorName = errorName, ErrorMessage = Printable(message, 511) }), requestId ?? "");

    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)WriteOptions.GetTypeInfo(typeof(T)));

    /// <summary>The specification: an errorMessage is under 512 characters of printable ASCII (0x20 to 0x7e).</summary>
    private static string Printable(string text, int max)
    {
        return new string(text.Take(max).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
    }
}
