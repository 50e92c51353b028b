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
    private delegate byte[] Operation(KmsEngine engine, CallContext context, ReadOnlySpan<byte> body);

    private static readonly FrozenDictionary<string, Operation> Operations = BuildOperations();

    private readonly KmsEngine _engine;

    public KmsProtocolAdapter(KmsEngine engine) => _engine = engine;

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
        var response = Error(errorCode, message, NewRequestId());
        return response with { StatusCode = statusCode };
    }

    /// <summary>An AWS-shaped 500: the operation ran, but what it did could not be made durable.</summary>
    public KmsWireResponse InternalError(string message) => Reject(500, KmsErrorCodes.Internal, message);

    public KmsWireResponse Handle(KmsWireRequest request)
    {
        var requestId = NewRequestId();
        try
        {
            if (request.Method != "POST") throw new KmsException(KmsErrorCodes.UnknownOperation, $"KMS accepts only POST requests, not {request.Method}.");
            var target = request.Header("X-Amz-Target");
            if (target is null || !target.StartsWith(TargetPrefix, StringComparison.Ordinal) || !Operations.TryGetValue(target[TargetPrefix.Length..], out var operation))
            {
                throw new KmsException(KmsErrorCodes.UnknownOperation, target is null ? "The request has no X-Amz-Target header naming the operation." : $"Unknown operation '{target}'.");
            }
            var contentType = request.Header("Content-Type");
            if (contentType is null || !contentType.StartsWith("application/x-amz-json-1.1", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException(KmsErrorCodes.UnknownOperation, $"The content type must be application/x-amz-json-1.1, not '{contentType}'.");
            }
            if (request.Body.Length > MaxBodyBytes) throw new KmsException(KmsErrorCodes.Serialization, $"The request body is larger than {MaxBodyBytes} bytes.");
            var context = ResolveCaller(request, requestId);
            return new KmsWireResponse(200, operation(_engine, context, request.Body.Span), requestId);
        }
        catch (KmsException e)
        {
            return Error(e.ErrorCode, e.Message, requestId);
        }
        catch (JsonException e)
        {
            return Error(KmsErrorCodes.Serialization, $"The request body is not valid JSON for this operation: {e.Message}", requestId);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NotSupportedException)
        {
            // System.Text.Json reports some malformed input (bad base64, wrong token types) this way.
            return Error(KmsErrorCodes.Serialization, $"The request body could not be read: {e.Message}", requestId);
        }
    }

    private CallContext ResolveCaller(KmsWireRequest request, string requestId)
    {
        var authorization = request.Header("Authorization");
        if (authorization is null) throw new KmsException(KmsErrorCodes.MissingAuthenticationToken, "Missing Authentication Token");
        var credential = SigV4Authorization.Parse(authorization)
            ?? throw new KmsException(KmsErrorCodes.InvalidSignature, "The Authorization header is not a valid AWS Signature Version 4 header.");
        var principal = _engine.World.Principals.FindByAccessKey(credential.AccessKeyId)
            ?? throw new KmsException(KmsErrorCodes.UnrecognizedClient, "The security token included in the request is invalid.");
        return new CallContext(principal.AccountId, credential.Region, principal.Arn, requestId);
    }

    private string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _engine.World.Random.GetBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    private static KmsWireResponse Error(string code, string message, string requestId) =>
        new(400, JsonSerializer.SerializeToUtf8Bytes(new ErrorBody { Type = code, Message = message }, KmsJsonContext.Default.ErrorBody), requestId);

    private static FrozenDictionary<string, Operation> BuildOperations()
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
        };
        return ops.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static Operation Op<TRequest, TResponse>(JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, Func<KmsEngine, CallContext, TRequest, TResponse> call)
        where TRequest : class, new()
        => (engine, context, body) =>
        {
            // Some clients send an empty body for operations without input; KMS treats it as {}.
            var request = body.IsEmpty ? new TRequest() : JsonSerializer.Deserialize(body, requestInfo)
                ?? throw new KmsException(KmsErrorCodes.Serialization, "The request body must be a JSON object, not null.");
            return JsonSerializer.SerializeToUtf8Bytes(call(engine, context, request), responseInfo);
        };
}
