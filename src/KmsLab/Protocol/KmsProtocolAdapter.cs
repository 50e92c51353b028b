using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KmsLab.Simulation;
using KmsLab.Simulation.Model;

namespace KmsLab.Protocol;

/// <summary>
/// The KMS wire protocol (AWS JSON 1.1): routes <c>X-Amz-Target: TrentService.&lt;Op&gt;</c> to
/// the engine, maps JSON to operation shapes and back, resolves the caller from the request's
/// credentials, and turns every failure into the 4xx response AWS would send. One instance serves
/// both the in-process handler and the loopback server, so they cannot drift apart.
/// </summary>
internal sealed class KmsProtocolAdapter
{
    private const string TargetPrefix = "TrentService.";
    private delegate byte[] Operation(KmsEngine engine, CallContext context, ReadOnlyMemory<byte> body, AuditDraft audit);

    /// <summary>Operations whose results CloudTrail does not record (their responses carry keys and data).</summary>
    private static readonly FrozenSet<string> Cryptographic = new[]
    {
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateRandom",
        "Sign", "Verify", "GenerateMac", "VerifyMac", "GetPublicKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>An operation with its wire name (one shared string, also the audit event's name).</summary>
    private sealed record OperationEntry(string Name, Operation Run, bool Cryptographic);

    private static readonly FrozenDictionary<string, OperationEntry> Operations = BuildOperations();

    private static readonly FrozenDictionary<string, OperationEntry>.AlternateLookup<ReadOnlySpan<char>> OperationsBySpan =
        Operations.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly KmsEngine _engine;
    private readonly SigV4Verifier _signatures = new();

    public KmsProtocolAdapter(KmsEngine engine, AuditTrail audit)
    {
        _engine = engine;
        Audit = audit;
    }

    /// <summary>Maximum request body accepted; KMS's largest legal request is far below this.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The operations this adapter understands, by their wire names.</summary>
    public static IReadOnlyCollection<string> OperationNames => Operations.Keys;

    /// <summary>
    /// Operations that never change what KMS keeps (they may still let the clock's due events
    /// happen: see <see cref="KmsWorld.SpontaneousChanges"/>). Every other operation is treated as
    /// changing state, so an operation added later is kept durable until it is listed here.
    /// </summary>
    private static readonly FrozenSet<string> ReadOnlyOperations = new[]
    {
        "DescribeKey", "ListKeys", "ListAliases", "ListResourceTags", "GetKeyPolicy", "ListKeyPolicies",
        "GetKeyRotationStatus", "ListKeyRotations", "GetPublicKey", "ListGrants", "ListRetirableGrants",
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateRandom",
        "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// True if a request with this <c>X-Amz-Target</c> may change the simulator's state: a known
    /// operation that is not read-only. A carrier that keeps state durable saves after these.
    /// </summary>
    public static bool MayChangeState(string? target) =>
        target is not null && target.StartsWith(TargetPrefix, StringComparison.Ordinal)
        && Operations.ContainsKey(target[TargetPrefix.Length..]) && !ReadOnlyOperations.Contains(target[TargetPrefix.Length..]);

    /// <summary>
    /// An error response for a request that a carrier refused before it reached the adapter (a body
    /// over the size limit, a request it could not read), shaped as every other KMS error.
    /// </summary>
    public KmsWireResponse Reject(int statusCode, string errorCode, string message)
    {
        var response = Error(errorCode, message, NewGuid().ToString("D"));
        return response with { StatusCode = statusCode };
    }

    /// <summary>An AWS-shaped 500: the operation ran, but what it did could not be made durable.</summary>
    public KmsWireResponse InternalError(string message) => Reject(500, KmsErrorCodes.Internal, message);

    public AuditTrail Audit { get; }

    public KmsEngine Engine => _engine;

    public KmsWireResponse Handle(KmsWireRequest request)
    {
        var ids = NewCallIds();
        var requestId = ids.Request.ToString("D");
        try
        {
            if (request.Method != "POST") throw new KmsException(KmsErrorCodes.UnknownOperation, $"KMS accepts only POST requests, not {request.Method}.");
            var target = request.Header("X-Amz-Target");
            if (target is null && IsGetCallerIdentity(request)) return GetCallerIdentity(request, requestId);
            if (target is null || !target.StartsWith(TargetPrefix, StringComparison.Ordinal) || !OperationsBySpan.TryGetValue(target.AsSpan(TargetPrefix.Length), out var operation))
            {
                throw new KmsException(KmsErrorCodes.UnknownOperation, target is null ? "The request has no X-Amz-Target header naming the operation." : $"Unknown operation '{target}'.");
            }
            var contentType = request.Header("Content-Type");
            if (contentType is null || !contentType.StartsWith("application/x-amz-json-1.1", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException(KmsErrorCodes.UnknownOperation, $"The content type must be application/x-amz-json-1.1, not '{contentType}'.");
            }
            if (request.Body.Length > MaxBodyBytes) throw new KmsException(KmsErrorCodes.Serialization, $"The request body is larger than {MaxBodyBytes} bytes.");
            var (caller, region) = Authenticate(request);
            var context = new CallContext(caller.AccountId, region, caller, requestId);
            return Invoke(operation, context, ids, request.Body, request.SourceIp, request.Header("User-Agent"));
        }
        catch (KmsException e)
        {
            return Error(e.ErrorCode, e.Message, requestId);
        }
    }

    /// <summary>Runs one operation for an authenticated caller and records it in the audit trail, whatever the outcome.</summary>
    private KmsWireResponse Invoke(OperationEntry operation, CallContext context, (Guid Request, Guid Event) ids, ReadOnlyMemory<byte> body, string sourceIp, string? userAgent)
    {
        var audit = new AuditDraft();
        KmsWireResponse response;
        string? errorCode = null, errorMessage = null;
        try
        {
            _engine.World.RateLimiter?.Acquire(context.AccountId, context.Region, operation.Name);
            response = new KmsWireResponse(200, operation.Run(_engine, context, body, audit), context.RequestId);
            if (operation.Cryptographic) audit.Response = null;
        }
        catch (Exception e) when (e is KmsException or JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            (errorCode, errorMessage) = e is KmsException k ? (k.ErrorCode, k.Message)
                : (KmsErrorCodes.Serialization, $"The request body is not valid JSON for this operation: {e.Message}");
            response = Error(errorCode, errorMessage, context.RequestId);
            audit.Response = null;
        }
        Audit.Record(new AuditRecord
        {
            Time = context.Time ?? _engine.World.Clock.GetUtcNow(),
            EventName = operation.Name,
            Region = context.Region,
            Identity = context.Caller.AuditIdentity,
            ViaService = context.ViaService,
            SourceIp = sourceIp,
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            Resources = context.Resources,
            RequestId = ids.Request,
            EventId = ids.Event,
            RecipientAccountId = context.AccountId,
            Request = audit.Request.Span,
            Response = audit.Response,
            UserAgent = userAgent,
        });
        return response;
    }

    /// <summary>
    /// Runs an operation that an AWS service (a simulated S3 bucket) calls on a principal's behalf:
    /// no signature (the service is trusted), <c>kms:ViaService</c> set, and audited as CloudTrail
    /// records such calls (<c>invokedBy</c>, the service as source).
    /// </summary>
    /// <param name="operation">The operation's wire name, e.g. <c>GenerateDataKey</c>.</param>
    /// <param name="caller">The principal the service acts for.</param>
    /// <param name="region">The Region of the call.</param>
    /// <param name="viaService">The service endpoint, e.g. <c>s3.us-east-1.amazonaws.com</c>.</param>
    /// <param name="body">The request as JSON 1.1.</param>
    internal KmsWireResponse InvokeAsService(string operation, LabPrincipal caller, string region, string viaService, byte[] body)
    {
        var ids = NewCallIds();
        var requestId = ids.Request.ToString("D");
        if (!Operations.TryGetValue(operation, out var op)) return Error(KmsErrorCodes.UnknownOperation, $"Unknown operation '{operation}'.", requestId);
        var context = new CallContext(caller.AccountId, region, caller, requestId, viaService);
        return Invoke(op, context, ids, body, viaService, viaService);
    }

    /// <summary>
    /// STS GetCallerIdentity (AWS Query protocol), so that a lab pointed at <c>kmslab serve</c> with
    /// <c>KMSLAB_ENDPOINT_URL</c> learns who its profiles are from the same place as its keys.
    /// </summary>
    private static bool IsGetCallerIdentity(KmsWireRequest request) =>
        request.Header("Content-Type") is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
        && System.Text.Encoding.UTF8.GetString(request.Body.Span).Split('&').Contains("Action=GetCallerIdentity", StringComparer.Ordinal);

    private KmsWireResponse GetCallerIdentity(KmsWireRequest request, string requestId)
    {
        static string X(string s) => System.Security.SecurityElement.Escape(s);
        try
        {
            var (caller, _) = Authenticate(request, "sts");
            var xml = $"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>{X(caller.CallerArn)}</Arn><UserId>{X(caller.AccessKeyId)}</UserId><Account>{X(caller.AccountId)}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>""";
            return new KmsWireResponse(200, System.Text.Encoding.UTF8.GetBytes(xml), requestId, KmsWireResponse.XmlContentType);
        }
        catch (KmsException e)
        {
            var xml = $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{X(e.ErrorCode)}</Code><Message>{X(e.Message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>""";
            return new KmsWireResponse(403, System.Text.Encoding.UTF8.GetBytes(xml), requestId, KmsWireResponse.XmlContentType);
        }
    }

    private (LabPrincipal Caller, string Region) Authenticate(KmsWireRequest request, string service = "kms")
    {
        var authorization = request.Header("Authorization");
        if (authorization is null) throw new KmsException(KmsErrorCodes.MissingAuthenticationToken, "Missing Authentication Token");
        var credential = SigV4Authorization.Parse(authorization)
            ?? throw new KmsException(KmsErrorCodes.InvalidSignature, "The Authorization header is not a valid AWS Signature Version 4 header.");
        if (credential.Service != service) throw new KmsException(KmsErrorCodes.InvalidSignature, $"Credential should be scoped to correct service: '{service}'. ");
        var principal = _engine.World.Principals.FindByAccessKey(credential.AccessKeyId)
            ?? throw new KmsException(KmsErrorCodes.UnrecognizedClient, "The security token included in the request is invalid.");
        if (!_signatures.Verify(request, credential, principal.SecretAccessKey))
        {
            throw new KmsException(KmsErrorCodes.InvalidSignature,
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return (principal, credential.Region);
    }

    private Guid NewGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _engine.World.Random.GetBytes(bytes);
        return AsGuid(bytes);
    }

    /// <summary>A call's request ID and its audit event's ID, from one draw of the generator.</summary>
    private (Guid Request, Guid Event) NewCallIds()
    {
        Span<byte> bytes = stackalloc byte[32];
        _engine.World.Random.GetBytes(bytes);
        return (AsGuid(bytes[..16]), AsGuid(bytes[16..]));
    }

    /// <summary>A random (version 4) UUID made of 16 random bytes.</summary>
    private static Guid AsGuid(Span<byte> bytes)
    {
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static KmsWireResponse Error(string code, string message, string requestId) =>
        new(400, JsonSerializer.SerializeToUtf8Bytes(new ErrorBody { Type = code, Message = message }, KmsJsonContext.Default.ErrorBody), requestId);

    /// <summary>What an operation leaves for its audit event: its request and response as JSON.</summary>
    private sealed class AuditDraft
    {
        /// <summary>Valid until the next call on this thread (see <see cref="ThreadJsonBuffer.Audit"/>).</summary>
        public ReadOnlyMemory<byte> Request { get; set; }
        public byte[]? Response { get; set; }
    }

    private static FrozenDictionary<string, OperationEntry> BuildOperations()
    {
        var j = KmsJsonContext.Default;
        var ops = new Dictionary<string, Operation>(StringComparer.Ordinal)
        {
            ["CreateKey"] = Op(j.CreateKeyRequest, j.KeyMetadataResponse, (e, c, r) => e.CreateKey(c, r)),
            ["DescribeKey"] = Op(j.DescribeKeyRequest, j.KeyMetadataResponse, (e, c, r) => e.DescribeKey(c, r)),
            ["ListKeys"] = Op(j.ListKeysRequest, j.ListKeysResponse, (e, c, r) => e.ListKeys(c, r)),
            ["UpdateKeyDescription"] = Op(j.UpdateKeyDescriptionRequest, j.EmptyResponse, (e, c, r) => e.UpdateKeyDescription(c, r)),
            ["EnableKey"] = Op(j.KeyIdRequest, j.EmptyResponse, (e, c, r) => e.EnableKey(c, r)),
            ["DisableKey"] = Op(j.KeyIdRequest, j.EmptyResponse, (e, c, r) => e.DisableKey(c, r)),
            ["ScheduleKeyDeletion"] = Op(j.ScheduleKeyDeletionRequest, j.ScheduleKeyDeletionResponse, (e, c, r) => e.ScheduleKeyDeletion(c, r)),
            ["CancelKeyDeletion"] = Op(j.KeyIdRequest, j.KeyIdResponse, (e, c, r) => e.CancelKeyDeletion(c, r)),
            ["CreateAlias"] = Op(j.AliasRequest, j.EmptyResponse, (e, c, r) => e.CreateAlias(c, r)),
            ["UpdateAlias"] = Op(j.AliasRequest, j.EmptyResponse, (e, c, r) => e.UpdateAlias(c, r)),
            ["DeleteAlias"] = Op(j.AliasRequest, j.EmptyResponse, (e, c, r) => e.DeleteAlias(c, r)),
            ["ListAliases"] = Op(j.ListAliasesRequest, j.ListAliasesResponse, (e, c, r) => e.ListAliases(c, r)),
            ["Encrypt"] = Op(j.EncryptRequest, j.EncryptResponse, (e, c, r) => e.Encrypt(c, r)),
            ["Decrypt"] = Op(j.DecryptRequest, j.DecryptResponse, (e, c, r) => e.Decrypt(c, r)),
            ["ReEncrypt"] = Op(j.ReEncryptRequest, j.ReEncryptResponse, (e, c, r) => e.ReEncrypt(c, r)),
            ["GenerateDataKey"] = Op(j.GenerateDataKeyRequest, j.GenerateDataKeyResponse, (e, c, r) => e.GenerateDataKey(c, r)),
            ["GenerateDataKeyWithoutPlaintext"] = Op(j.GenerateDataKeyRequest, j.GenerateDataKeyResponse, (e, c, r) => e.GenerateDataKeyWithoutPlaintext(c, r)),
            ["GenerateRandom"] = Op(j.GenerateRandomRequest, j.GenerateRandomResponse, (e, c, r) => e.GenerateRandom(c, r)),
            ["EnableKeyRotation"] = Op(j.EnableKeyRotationRequest, j.EmptyResponse, (e, c, r) => e.EnableKeyRotation(c, r)),
            ["DisableKeyRotation"] = Op(j.KeyIdRequest, j.EmptyResponse, (e, c, r) => e.DisableKeyRotation(c, r)),
            ["GetKeyRotationStatus"] = Op(j.KeyIdRequest, j.GetKeyRotationStatusResponse, (e, c, r) => e.GetKeyRotationStatus(c, r)),
            ["RotateKeyOnDemand"] = Op(j.KeyIdRequest, j.KeyIdResponse, (e, c, r) => e.RotateKeyOnDemand(c, r)),
            ["ListKeyRotations"] = Op(j.ListKeyRotationsRequest, j.ListKeyRotationsResponse, (e, c, r) => e.ListKeyRotations(c, r)),
            ["TagResource"] = Op(j.TagResourceRequest, j.EmptyResponse, (e, c, r) => e.TagResource(c, r)),
            ["UntagResource"] = Op(j.UntagResourceRequest, j.EmptyResponse, (e, c, r) => e.UntagResource(c, r)),
            ["ListResourceTags"] = Op(j.PagedKeyRequest, j.ListResourceTagsResponse, (e, c, r) => e.ListResourceTags(c, r)),
            ["GetKeyPolicy"] = Op(j.GetKeyPolicyRequest, j.GetKeyPolicyResponse, (e, c, r) => e.GetKeyPolicy(c, r)),
            ["PutKeyPolicy"] = Op(j.PutKeyPolicyRequest, j.EmptyResponse, (e, c, r) => e.PutKeyPolicy(c, r)),
            ["ListKeyPolicies"] = Op(j.PagedKeyRequest, j.ListKeyPoliciesResponse, (e, c, r) => e.ListKeyPolicies(c, r)),
            ["CreateGrant"] = Op(j.CreateGrantRequest, j.CreateGrantResponse, (e, c, r) => e.CreateGrant(c, r)),
            ["ListGrants"] = Op(j.ListGrantsRequest, j.ListGrantsResponse, (e, c, r) => e.ListGrants(c, r)),
            ["ListRetirableGrants"] = Op(j.ListRetirableGrantsRequest, j.ListGrantsResponse, (e, c, r) => e.ListRetirableGrants(c, r)),
            ["RetireGrant"] = Op(j.RetireGrantRequest, j.EmptyResponse, (e, c, r) => e.RetireGrant(c, r)),
            ["RevokeGrant"] = Op(j.RevokeGrantRequest, j.EmptyResponse, (e, c, r) => e.RevokeGrant(c, r)),
            ["Sign"] = Op(j.SignRequest, j.SignResponse, (e, c, r) => e.Sign(c, r)),
            ["Verify"] = Op(j.VerifyRequest, j.VerifyResponse, (e, c, r) => e.Verify(c, r)),
            ["GetPublicKey"] = Op(j.GetPublicKeyRequest, j.GetPublicKeyResponse, (e, c, r) => e.GetPublicKey(c, r)),
            ["GenerateMac"] = Op(j.GenerateMacRequest, j.GenerateMacResponse, (e, c, r) => e.GenerateMac(c, r)),
            ["VerifyMac"] = Op(j.VerifyMacRequest, j.VerifyMacResponse, (e, c, r) => e.VerifyMac(c, r)),
            ["GenerateDataKeyPair"] = Op(j.GenerateDataKeyPairRequest, j.GenerateDataKeyPairResponse, (e, c, r) => e.GenerateDataKeyPair(c, r)),
            ["GenerateDataKeyPairWithoutPlaintext"] = Op(j.GenerateDataKeyPairRequest, j.GenerateDataKeyPairResponse, (e, c, r) => e.GenerateDataKeyPairWithoutPlaintext(c, r)),
            ["GetParametersForImport"] = Op(j.GetParametersForImportRequest, j.GetParametersForImportResponse, (e, c, r) => e.GetParametersForImport(c, r)),
            ["ImportKeyMaterial"] = Op(j.ImportKeyMaterialRequest, j.ImportKeyMaterialResponse, (e, c, r) => e.ImportKeyMaterial(c, r)),
            ["DeleteImportedKeyMaterial"] = Op(j.DeleteImportedKeyMaterialRequest, j.DeleteImportedKeyMaterialResponse, (e, c, r) => e.DeleteImportedKeyMaterial(c, r)),
        };
        return ops.ToFrozenDictionary(p => p.Key, p => new OperationEntry(p.Key, p.Value, Cryptographic.Contains(p.Key)), StringComparer.Ordinal);
    }

    private static Operation Op<TRequest, TResponse>(JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, Func<KmsEngine, CallContext, TRequest, TResponse> call)
        where TRequest : class, new()
        => (engine, context, body, audit) =>
        {
            // Some clients send an empty body for operations without input; KMS treats it as {}.
            var request = body.IsEmpty ? new TRequest() : JsonSerializer.Deserialize(body.Span, requestInfo)
                ?? throw new KmsException(KmsErrorCodes.Serialization, "The request body must be a JSON object, not null.");
            try
            {
                var response = ThreadJsonBuffer.Responses.Serialize(call(engine, context, request), responseInfo).ToArray();
                audit.Response = response;
                return response;
            }
            finally
            {
                // The audit trail keeps the request as compact JSON, secrets stripped first.
                if (request is IAuditedShape audited) audited.StripForAudit();
                audit.Request = ThreadJsonBuffer.Audit.Serialize(request, requestInfo);
            }
        };
}
