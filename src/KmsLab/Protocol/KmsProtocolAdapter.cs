using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KmsLab.Simulation;
using KmsLab.Simulation.Operations;
using KmsLab.Audit;
using KmsLab.Simulation.Identity;

namespace KmsLab.Protocol;

/// <summary>
/// The KMS wire protocol (AWS JSON 1.1): routes <c>X-Amz-Target: TrentService.&lt;Op&gt;</c> to
/// the engine, maps JSON to operation shapes and back, resolves the caller from the request's
/// credentials, and turns every failure into the response AWS would send: a KMS error for what
/// KMS refuses, and HTTP 500 <c>KMSInternalException</c> for anything the simulator did not expect.
/// One instance serves both the in-process handler and the loopback server, so they cannot drift
/// apart. What it knows of each operation comes from <see cref="OperationCatalog"/>.
/// </summary>
internal sealed class KmsProtocolAdapter
{
    private const string TargetPrefix = "TrentService.";
    private delegate byte[] Operation(KmsEngine engine, CallContext context, ReadOnlyMemory<byte> body, AuditDraft audit);

    /// <summary>An operation of the catalogue with what the wire needs to carry it: its JSON bound to its handler (null if not simulated).</summary>
    private sealed record OperationEntry(KmsOperation Facts, Operation? Run)
    {
        public string Name => Facts.Name;
    }

    private static readonly FrozenDictionary<string, OperationEntry> Operations =
        OperationCatalog.All.ToFrozenDictionary(o => o.Name, o => new OperationEntry(o, o.IsSimulated ? o.Accept(WireBinding.Instance) : null), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, OperationEntry>.AlternateLookup<ReadOnlySpan<char>> OperationsBySpan =
        Operations.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly KmsEngine _engine;
    private readonly SigV4Verifier _signatures = new();
    private readonly SignatureClock _signatureClock;

    /// <param name="engine">The engine that carries out the operations.</param>
    /// <param name="audit">Where every call is recorded.</param>
    /// <param name="wallClock">
    /// The clock request signatures are checked against (SigV4's 15 minutes): the wall clock clients
    /// sign with, not the lab's simulated clock. Default <see cref="TimeProvider.System"/>.
    /// </param>
    public KmsProtocolAdapter(KmsEngine engine, AuditTrail audit, TimeProvider? wallClock = null)
    {
        _engine = engine;
        Audit = audit;
        _signatureClock = new SignatureClock(wallClock ?? TimeProvider.System);
    }

    /// <summary>The wall clock request signatures are checked against.</summary>
    public TimeProvider WallClock => _signatureClock.WallClock;

    /// <summary>Maximum request body accepted; KMS's largest legal request is far below this.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The operations this adapter carries out, by their wire names.</summary>
    public static IReadOnlyCollection<string> OperationNames { get; } = [.. OperationCatalog.Simulated.Select(o => o.Name)];

    /// <summary>
    /// True if a request with this <c>X-Amz-Target</c> may change the simulator's state: a simulated
    /// operation whose catalogue entry says it <see cref="KmsOperation.ChangesState"/> (the clock's
    /// due events are another matter: see <see cref="KmsWorld.SpontaneousChanges"/>). A carrier that
    /// keeps state durable saves after these.
    /// </summary>
    public static bool MayChangeState(string? target) =>
        target is not null && target.StartsWith(TargetPrefix, StringComparison.Ordinal)
        && OperationsBySpan.TryGetValue(target.AsSpan(TargetPrefix.Length), out var operation) && operation.Run is not null && operation.Facts.ChangesState;

    /// <summary>
    /// Where an unexpected exception is reported, with its stack, besides its 500 answer: the
    /// loopback server's log, or (in process) <see cref="System.Diagnostics.Trace"/>.
    /// </summary>
    public TextWriter? Log { get; set; }

    /// <summary>The state file an in-process lab is kept in (<see cref="LabOptions.StateFile"/>): its clients' calls commit there before they return. Null: memory only, or a server that commits itself.</summary>
    internal Hosting.LabStateFile? InProcessState { get; set; }

    /// <summary>Raised for every unexpected exception an operation threw (the test suite fails the test it happens in).</summary>
    internal static event Action<KmsProtocolAdapter, Exception>? InternalErrorObserved;

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
            if (operation.Run is null) throw NotSimulated(operation.Facts);
            var contentType = request.Header("Content-Type");
            if (contentType is null || !contentType.StartsWith("application/x-amz-json-1.1", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException(KmsErrorCodes.UnknownOperation, $"The content type must be application/x-amz-json-1.1, not '{contentType}'.");
            }
            if (request.Body.Length > MaxBodyBytes) throw new KmsException(KmsErrorCodes.Serialization, $"The request body is larger than {MaxBodyBytes} bytes.");
            if (request.Service is { } service) return InvokeAsServicePrincipal(operation, service, request, ids);
            var (caller, region) = Authenticate(request);
            var context = new CallContext(caller.AccountId, region, caller, requestId, EventId: ids.Event)
            {
                SourceIp = request.SourceVpce is null ? request.SourceIp : null, // through a VPC endpoint, AWS has no aws:SourceIp
                SourceVpce = request.SourceVpce,
            };
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
            _engine.World.RateLimiter?.Acquire(context.AccountId, context.Region, operation.Facts);
            response = new KmsWireResponse(200, operation.Run!(_engine, context, body, audit), context.RequestId);
            if (!operation.Facts.AuditsResponse) audit.Response = null;
        }
        catch (KmsException e)
        {
            (errorCode, errorMessage) = (e.ErrorCode, e.Message);
            response = Error(errorCode, errorMessage, context.RequestId);
            audit.Response = null;
        }
        catch (Exception e)
        {
            // Not KMS refusing the request but the simulator failing: a bug. AWS answers its own
            // failures with a 500; the stack goes to the log, and the suite fails the test it hit.
            (errorCode, errorMessage) = (KmsErrorCodes.Internal, InternalErrorMessage(e));
            ReportInternalError(operation.Name, context.RequestId, e);
            response = Error(errorCode, errorMessage, context.RequestId) with { StatusCode = 500 };
            audit.Response = null;
        }
        // A call on a key of another account is written to both accounts' trails, with one
        // sharedEventID and an eventID each; the key owner's copy has the event ID the engine knows
        // (a key's last use names it). See AuditEvent.SharedEventId.
        var owner = OtherOwner(context);
        var record = new AuditRecord
        {
            Time = context.Time ?? _engine.World.Clock.GetUtcNow(),
            Operation = operation.Facts,
            Region = context.Region,
            Identity = context.Caller.AuditIdentity,
            ViaService = context.ViaService,
            SourceIp = sourceIp,
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            Resources = context.Resources,
            RequestId = ids.Request,
            EventId = owner is null ? ids.Event : NewGuid(),
            RecipientAccountId = context.AccountId,
            Request = audit.Request.Span,
            Response = audit.Response,
            UserAgent = userAgent,
            KeyMaterialId = audit.KeyMaterialId,
            SourceKeyMaterialId = audit.SourceKeyMaterialId,
        };
        if (errorCode is null && context.RecordedInEachKeysRegion)
        {
            RecordInEachKeysRegion(record);
        }
        else if (owner is null)
        {
            Audit.Record(record);
        }
        else
        {
            var shared = NewGuid();
            Audit.Record(record with { SharedEventId = shared });
            Audit.Record(record with { SharedEventId = shared, EventId = ids.Event, RecipientAccountId = owner });
        }
        if (errorCode is null && context.CreatedElsewhere is { } created) RecordCreation(record, created);
        return response;
    }

    /// <summary>
    /// The CreateKey event CloudTrail writes in the replica's Region for a ReplicateKey ("A
    /// ReplicateKey request results in a ReplicateKey operation and a CreateKey operation":
    /// KMS Developer Guide, ct-replicate-key). The guide shows only the ReplicateKey record: this
    /// one carries the caller and request of the ReplicateKey, the replica as its resource, and as
    /// request parameters what a CreateKey of that key would have said.
    /// </summary>
    private void RecordCreation(in AuditRecord call, KmsKey created)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("description", created.Description);
            json.WriteString("keySpec", created.Spec.Name);
            json.WriteString("keyUsage", created.KeyUsage);
            json.WriteString("origin", created.Origin);
            json.WriteBoolean("multiRegion", true);
            json.WriteEndObject();
        }
        Audit.Record(call with
        {
            Operation = CreateKeyOperation,
            Region = created.Region,
            Resources = [created.Arn],
            EventId = NewGuid(),
            RecipientAccountId = created.AccountId,
            Request = buffer.WrittenSpan,
            Response = default,
            KeyMaterialId = null,
            SourceKeyMaterialId = null,
        });
    }

    private static readonly KmsOperation CreateKeyOperation = OperationCatalog.Get("CreateKey");

    /// <summary>
    /// One entry per Region of the call's keys, each naming only its Region's key, with one request ID
    /// (see <see cref="CallContext.RecordedInEachKeysRegion"/>); the entry of the Region the call was
    /// sent to keeps the event ID the engine knows.
    /// </summary>
    private void RecordInEachKeysRegion(in AuditRecord call)
    {
        foreach (var arn in call.Resources)
        {
            var region = arn.Split(':')[3];
            Audit.Record(call with { Region = region, Resources = [arn], EventId = region == call.Region ? call.EventId : NewGuid() });
        }
    }

    /// <summary>The account that owns a key this call used, when it is not the caller's; else null.</summary>
    private static string? OtherOwner(CallContext context)
    {
        Span<Range> parts = stackalloc Range[6];
        foreach (var arn in context.Resources)
        {
            // arn:partition:kms:region:account:key/id
            if (arn.AsSpan().Split(parts, ':') < 6) continue;
            var account = arn.AsSpan()[parts[4]];
            if (!account.SequenceEqual(context.AccountId)) return account.ToString();
        }
        return null;
    }

    /// <summary>
    /// Runs a request an AWS service makes inside AWS as a caller of its own that is no service
    /// principal, such as EC2's infrastructure role decrypting an EBS volume's data key for an
    /// instance: no signature, no <c>kms:ViaService</c>; CloudTrail shows <c>AWS Internal</c> as its source.
    /// </summary>
    internal KmsWireResponse InvokeAsInternalCaller(string operation, LabPrincipal caller, string region, byte[] body) =>
        InvokeInProcess(operation, caller, region, viaService: null, body, "AWS Internal", "AWS Internal");

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
    internal KmsWireResponse InvokeAsService(string operation, LabPrincipal caller, string region, string viaService, byte[] body) =>
        InvokeInProcess(operation, caller, region, viaService, body, viaService, viaService);

    // A request an in-process simulated service makes: no wire, no signature; the carrier vouches for the caller.
    private KmsWireResponse InvokeInProcess(string operation, LabPrincipal caller, string region, string? viaService, byte[] body, string sourceIp, string userAgent)
    {
        var ids = NewCallIds();
        var requestId = ids.Request.ToString("D");
        if (!Operations.TryGetValue(operation, out var op)) return Error(KmsErrorCodes.UnknownOperation, $"Unknown operation '{operation}'.", requestId);
        if (op.Run is null) return Error(KmsErrorCodes.UnknownOperation, NotSimulated(op.Facts).Message, requestId);
        var context = new CallContext(caller.AccountId, region, caller, requestId, viaService, ids.Event);
        return Invoke(op, context, ids, body, sourceIp, userAgent);
    }

    /// <summary>
    /// Runs a request of an AWS service principal (<see cref="ServiceCaller"/>): the in-process
    /// carrier vouches for the caller, so the signature is not checked; the Region is the one the
    /// client signed for. CloudTrail shows the service as source and user agent.
    /// </summary>
    private KmsWireResponse InvokeAsServicePrincipal(OperationEntry operation, ServiceCaller service, KmsWireRequest request, (Guid Request, Guid Event) ids)
    {
        var authorization = request.Header("Authorization");
        var credential = authorization is null ? null : SigV4Authorization.Parse(authorization);
        if (credential is null) throw new KmsException(KmsErrorCodes.MissingAuthenticationToken, "Missing Authentication Token");
        var caller = service.Principal;
        var context = new CallContext(service.SourceAccount, credential.Region, caller, ids.Request.ToString("D"), EventId: ids.Event)
        {
            SourceArn = service.SourceArn,
            SourceAccount = service.SourceAccount,
        };
        return Invoke(operation, context, ids, request.Body, caller.Name, caller.Name);
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
        // Coral's order (see SigV4Authorization.Problem): the header's fields and the date's presence,
        // then the date's format and age, then the scope, the access key and the signature.
        var amzDate = request.Header("X-Amz-Date");
        var credential = SigV4Authorization.Parse(authorization);
        if (credential is null || amzDate is null)
        {
            var (code, message) = SigV4Authorization.Problem(authorization, hasDate: amzDate is not null);
            throw new KmsException(code, message);
        }
        _signatureClock.Check(amzDate);
        if (credential.Service != service) throw new KmsException(KmsErrorCodes.InvalidSignature, $"Credential should be scoped to correct service: '{service}'. ");
        var principal = _engine.World.Principals.FindByAccessKey(credential.AccessKeyId)
            ?? throw new KmsException(KmsErrorCodes.UnrecognizedClient, "The security token included in the request is invalid.");
        if (!_signatures.Verify(request, credential, principal.SecretAccessKey, amzDate))
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

        /// <summary>CloudTrail's <c>additionalEventData.keyMaterialId</c>, for a cryptographic call.</summary>
        public string? KeyMaterialId { get; set; }

        /// <summary>ReEncrypt's <c>additionalEventData.sourceKeyMaterialId</c>.</summary>
        public string? SourceKeyMaterialId { get; set; }
    }

    private static KmsException NotSimulated(KmsOperation operation) =>
        new(KmsErrorCodes.UnknownOperation, $"KmsLab does not simulate the KMS operation {operation.Name}: {operation.NotSimulatedReason}");

    private static string InternalErrorMessage(Exception e) =>
        $"KMS could not complete the request because of an internal error in the simulator (a KmsLab bug, please report it): {e.GetType().Name}: {e.Message}";

    private void ReportInternalError(string operation, string requestId, Exception e)
    {
        var text = $"kmslab: internal error in {operation} (request {requestId}): {e}";
        if (Log is { } log)
        {
            lock (log) log.WriteLine(text);
        }
        else
        {
            System.Diagnostics.Trace.TraceError(text);
        }
        InternalErrorObserved?.Invoke(this, e);
    }

    /// <summary>
    /// Binds each simulated operation's handler to the JSON of its shapes: parse the request (only
    /// malformed input becomes SerializationException), run, write the response, and leave the
    /// request for the audit trail with the catalogue's secret members removed (byte arrays zeroed).
    /// </summary>
    private sealed class WireBinding : IOperationVisitor<Operation>
    {
        public static readonly WireBinding Instance = new();

        public Operation Visit<TRequest, TResponse>(KmsOperation<TRequest, TResponse> operation)
            where TRequest : class, new()
            where TResponse : class
        {
            var requestInfo = KmsJson.For<TRequest>();
            var responseInfo = KmsJson.For<TResponse>();
            var secrets = Members(requestInfo, operation.RequestSecrets, operation.Name);
            return (engine, context, body, audit) =>
            {
                var request = Parse(body, requestInfo);
                TResponse? answer = null;
                try
                {
                    answer = engine.Invoke(operation, context, request);
                    var response = ThreadJsonBuffer.Responses.Serialize(answer, responseInfo).ToArray();
                    audit.Response = response;
                    return response;
                }
                finally
                {
                    // What CloudTrail records beyond the request as sent: the values KMS chose, the material used.
                    CloudTrailFacts.CompleteRequest(request, answer);
                    (audit.KeyMaterialId, audit.SourceKeyMaterialId) = CloudTrailFacts.KeyMaterialIds(answer);
                    foreach (var secret in secrets)
                    {
                        if (secret.Get!(request) is byte[] bytes) System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
                        secret.Set!(request, null);
                    }
                    // The audit event's time is read before its copy is written: a clock source may itself call KMS on this thread.
                    context.Time ??= engine.World.Clock.GetUtcNow();
                    audit.Request = ThreadJsonBuffer.Audit.Serialize(request, requestInfo);
                }
            };
        }

        private static TRequest Parse<TRequest>(ReadOnlyMemory<byte> body, JsonTypeInfo<TRequest> info) where TRequest : class, new()
        {
            // Some clients send an empty body for operations without input; KMS treats it as {}.
            if (body.IsEmpty) return new TRequest();
            try
            {
                return JsonSerializer.Deserialize(body.Span, info) ?? throw new KmsException(KmsErrorCodes.Serialization, "The request body must be a JSON object, not null.");
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
            {
                throw new KmsException(KmsErrorCodes.Serialization, $"The request body is not valid JSON for this operation: {e.Message}");
            }
        }

        /// <summary>The request members the catalogue names, as settable JSON properties of the shape.</summary>
        private static JsonPropertyInfo[] Members(JsonTypeInfo info, IReadOnlyList<string> names, string operation) =>
        [
            .. names.Select(name => info.Properties.FirstOrDefault(p => p.Name == name && p.Get is not null && p.Set is not null)
                ?? throw new InvalidOperationException($"The catalogue names {operation}'s request member {name}, which {info.Type.Name} does not have.")),
        ];
    }
}
