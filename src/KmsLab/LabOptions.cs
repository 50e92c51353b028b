using System.Security.Cryptography;
using Amazon;

namespace KmsLab;

/// <summary>Settings of a simulated lab. Every member has a sensible default.</summary>
public sealed record LabOptions
{
    /// <summary>The learner's AWS account ID (12 digits). Default: the documentation account <c>111122223333</c>.</summary>
    public string AccountId { get; init; } = "111122223333";

    /// <summary>A second account's ID, for cross-account lessons. Default: <c>444455556666</c>.</summary>
    public string PartnerAccountId { get; init; } = "444455556666";

    /// <summary>How many audit events the lab keeps (the oldest are dropped first). Default: 10,000 — far more than a lesson makes.</summary>
    public int AuditCapacity { get; init; } = 10_000;

    /// <summary>
    /// KMS request-rate quotas to enforce (<c>ThrottlingException</c> beyond them), e.g.
    /// <c>RequestQuotas.Standard</c> or <c>RequestQuotas.Standard.Scaled(0.01)</c>. Default: null, no throttling.
    /// </summary>
    public RequestQuotas? RequestQuotas { get; init; }

    /// <summary>The Region clients use unless told otherwise. Default: us-east-1.</summary>
    public RegionEndpoint DefaultRegion { get; init; } = RegionEndpoint.USEast1;

    /// <summary>Where the simulated clock starts from. Default: the system clock (then moved only by <see cref="Simulation.SimulatedClock.Advance"/>).</summary>
    public TimeProvider? TimeSource { get; init; }

    /// <summary>
    /// The wall clock request signatures are checked against: a request whose <c>X-Amz-Date</c> is more
    /// than 15 minutes from it is refused (<c>InvalidSignatureException</c>, "Signature expired"), as AWS
    /// refuses a replayed or badly clocked request. It is the clock clients sign with, so it is never
    /// the simulated clock: advancing the lab does not make a learner's calls stale. Default: the system clock.
    /// </summary>
    public TimeProvider? WallClock { get; init; }

    /// <summary>Source of key material, IVs and IDs. Default: the platform's cryptographic generator.</summary>
    public RandomNumberGenerator? Random { get; init; }

    /// <summary>
    /// How often an SDK client retries a throttled or failed call. Default 0, so a lesson sees each
    /// error at once; real AWS clients default to 3 (standard retry mode).
    /// </summary>
    public int MaxErrorRetry { get; init; }

    /// <summary>
    /// How long KMS waits for an external key store proxy to answer before the call fails. Real KMS
    /// waits 250 ms; a proxy on a learner's machine is a .NET process whose first answers are
    /// compiled as they come, so the simulator waits 2 s by default.
    /// </summary>
    public TimeSpan XksProxyTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A state file to keep the simulated world in, across runs (a SQLite database, created
    /// readable by you only): <see cref="Lab.Simulator"/> loads the world saved there, or starts an
    /// empty one, and every change a client's call makes is committed before the call returns (what the
    /// lab's own helpers change, such as users and identity policies, goes in with the next commit). One
    /// process at a time may use a file; call <see cref="Lab.Dispose"/> to let it go. Default: null,
    /// the world lives in memory only (no database).
    /// </summary>
    public string? StateFile { get; init; }

    /// <summary>How many audit events a state file keeps (the newest; 0 keeps none). Default: 10,000 (as many as the lab keeps in memory, <see cref="AuditCapacity"/>). Only used with a state file.</summary>
    public int AuditRetention { get; init; } = Persistence.DatabaseStateStore.DefaultAuditRetention;

    /// <summary>
    /// Where KMS's calls to external key store proxies go: an <see cref="Xks.XksProxyHandler"/> for
    /// a proxy in this process (a notebook, a test), or any handler. Default: null, the calls go over
    /// the network (a proxy such as <c>kmslab xks-proxy</c> on this machine).
    /// </summary>
    public HttpMessageHandler? XksProxyHandler { get; init; }
}
