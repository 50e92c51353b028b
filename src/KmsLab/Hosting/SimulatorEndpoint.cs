using Amazon;
using Amazon.KeyManagementService;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Targets;

namespace KmsLab.Hosting;

/// <summary>
/// A simulated lab as an AWS KMS endpoint, for programs that carry HTTP to it themselves: a web
/// server (<c>kmslab serve</c>), a benchmark, a test. Requests go to the same protocol adapter the
/// lab's in-process clients use, so every carrier answers alike: signature checks, authorization,
/// audit and KMS-shaped errors included.
/// <code>
/// var endpoint = new SimulatorEndpoint(Lab.Simulator());
/// EndpointResponse response = endpoint.Handle(new EndpointRequest("POST", "/", header, body));
/// </code>
/// </summary>
public sealed class SimulatorEndpoint
{
    /// <summary>The largest request body KMS accepts; a host refuses larger ones with <see cref="RequestTooLarge"/>.</summary>
    public const int MaxRequestBodyBytes = KmsProtocolAdapter.MaxBodyBytes;

    private readonly KmsProtocolAdapter _adapter;

    /// <summary>The endpoint of a simulated lab.</summary>
    /// <exception cref="ArgumentException">The lab targets real AWS.</exception>
    public SimulatorEndpoint(Lab lab) : this(lab, wallClock: null)
    {
    }

    /// <summary>The endpoint of a simulated lab, checking request signatures' age against <paramref name="wallClock"/>.</summary>
    /// <param name="lab">The lab whose world this endpoint answers from.</param>
    /// <param name="wallClock">
    /// The wall clock clients sign with: a request signed more than 15 minutes from it is refused
    /// ("Signature expired"). Null: the lab's (<see cref="LabOptions.WallClock"/>, by default the system
    /// clock). Never the lab's simulated clock.
    /// </param>
    /// <exception cref="ArgumentException">The lab targets real AWS.</exception>
    public SimulatorEndpoint(Lab lab, TimeProvider? wallClock)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator) throw new ArgumentException("Only a simulated lab can be served; this lab targets real AWS.", nameof(lab));
        Lab = lab;
        _adapter = wallClock is null ? lab.Adapter : new KmsProtocolAdapter(lab.Adapter.Engine, lab.Adapter.Audit, wallClock);
    }

    /// <summary>The wall clock request signatures are checked against.</summary>
    public TimeProvider WallClock => _adapter.WallClock;

    /// <summary>The lab whose world this endpoint answers from.</summary>
    public Lab Lab { get; }

    /// <summary>
    /// Makes this endpoint a simulated interface VPC endpoint for KMS (e.g. <c>vpce-0123456789abcdef0</c>):
    /// every request it handles, and every request of the clients on <see cref="CreateHandler"/>,
    /// comes through it. Key and IAM policies then see <c>aws:SourceVpce</c> with this ID and no
    /// <c>aws:SourceIp</c>, as AWS evaluates calls through a VPC endpoint. Null (the default): calls come from the caller's address.
    /// </summary>
    public string? VpcEndpointId { get; init; }

    /// <summary>
    /// Where a failure of the simulator itself is reported with its stack (it is answered as HTTP 500
    /// <c>KMSInternalException</c> whatever this is); null reports it to <see cref="System.Diagnostics.Trace"/>.
    /// </summary>
    public TextWriter? Log
    {
        get => _adapter.Log;
        set => _adapter.Log = value;
    }

    /// <summary>Answers one request as AWS KMS would (or STS, for <c>GetCallerIdentity</c> on the same endpoint).</summary>
    public EndpointResponse Handle(in EndpointRequest request) =>
        From(_adapter.Handle(new KmsWireRequest(request.Method, request.Path, request.Header, request.Body, request.Query, request.Host, request.SourceIp, request.SourceVpce ?? VpcEndpointId)));

    /// <summary>The answer to a request whose body is over <see cref="MaxRequestBodyBytes"/>: 413, in KMS's error shape.</summary>
    public EndpointResponse RequestTooLarge() =>
        From(_adapter.Reject(413, KmsErrorCodes.RequestEntityTooLarge, $"The request body is larger than {MaxRequestBodyBytes} bytes, the most this endpoint accepts."));

    /// <summary>The answer to a request the host could not read (broken framing, a body that came too slowly): a SerializationException.</summary>
    /// <param name="statusCode">The host's 4xx status for it; anything else becomes 400.</param>
    /// <param name="reason">What went wrong, for the message.</param>
    public EndpointResponse Unreadable(int statusCode, string reason) =>
        From(_adapter.Reject(statusCode is >= 400 and < 500 ? statusCode : 400, KmsErrorCodes.Serialization, $"The request could not be read: {reason}"));

    /// <summary>An HTTP 500 <c>KMSInternalException</c>, as KMS answers its own failures (e.g. a change that could not be made durable).</summary>
    public EndpointResponse InternalError(string message) => From(_adapter.InternalError(message));

    /// <summary>
    /// True if a request with this <c>X-Amz-Target</c> header may change the lab's state (a known
    /// operation that is not read-only): a host that keeps the state durable saves after it.
    /// </summary>
    public static bool MayChangeState(string? amzTarget) => KmsProtocolAdapter.MayChangeState(amzTarget);

    /// <summary>
    /// A fresh in-process HTTP handler on this endpoint, for SDK clients made with
    /// <see cref="CreateClient"/> (e.g. behind a <see cref="DelegatingHandler"/> that records or measures).
    /// </summary>
    public HttpMessageHandler CreateHandler() => new KmsHttpMessageHandler(_adapter) { VpcEndpointId = VpcEndpointId };

    /// <summary>
    /// An official SDK KMS client configured as a lab's in-process clients are (no configured
    /// endpoint URLs, standard retry mode), acting as <paramref name="principal"/> and sending its
    /// HTTP to <paramref name="handler"/> (usually <see cref="CreateHandler"/>, perhaps wrapped).
    /// </summary>
    /// <param name="handler">Where the client's HTTP requests go.</param>
    /// <param name="principal">Whose access key signs the requests (<see cref="Lab.GetCredentials"/>).</param>
    /// <param name="region">The client's Region.</param>
    /// <param name="maxErrorRetry">How often the client retries a throttled or failed call.</param>
    public static AmazonKeyManagementServiceClient CreateClient(HttpMessageHandler handler, LabCredentials principal, RegionEndpoint region, int maxErrorRetry = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(region);
        return SimulatorTarget.CreateSdkClient(handler, principal.AccessKeyId, principal.SecretAccessKey, region, maxErrorRetry);
    }

    private static EndpointResponse From(KmsWireResponse wire) => new(wire.StatusCode, wire.MediaType, wire.Body, wire.RequestId);
}
