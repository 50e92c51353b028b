using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Persistence;

namespace KmsLab;

/// <summary>
/// The lab entry point. <see cref="Simulator"/> creates a simulated AWS (one account, every
/// Region, a clock you can move) and <see cref="CreateKmsClient"/> hands out the official SDK
/// client, <see cref="IAmazonKeyManagementService"/>, wired to it in process:
/// <code>
/// var lab = Lab.Simulator();
/// IAmazonKeyManagementService kms = lab.CreateKmsClient();
/// var key = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "my first CMK" });
/// </code>
/// The SDK signs and sends real KMS requests; they are answered as AWS KMS answers them, without
/// an AWS account or a network. Your <c>~/.aws/config</c> and <c>AWS_*</c> variables do not
/// change where these clients go.
/// </summary>
public sealed class Lab
{
    private readonly LabOptions _options;
    private readonly KmsHttpMessageHandler _handler;
    private readonly LabPrincipal _admin;

    private Lab(LabOptions options)
    {
        _options = options;
        Clock = new SimulatedClock(options.TimeSource ?? TimeProvider.System);
        World = new KmsWorld(Clock, options.Random ?? RandomNumberGenerator.Create());
        Engine = new KmsEngine(World);
        Adapter = new KmsProtocolAdapter(Engine);
        _handler = new KmsHttpMessageHandler(Adapter);
        _admin = World.Principals.AddUser(options.AccountId, "labAdmin");
    }

    /// <summary>Creates a new, empty simulated world.</summary>
    public static Lab Simulator(LabOptions? options = null) => new(options ?? new LabOptions());

    /// <summary>
    /// Builds a lab whose world is the one saved in <paramref name="snapshot"/>: keys with every
    /// material version, aliases, deleted-key records, principals and the clock's offset.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot is incomplete or inconsistent.</exception>
    internal static Lab Restore(WorldSnapshot snapshot, LabOptions? options = null)
    {
        options ??= new LabOptions();
        if (snapshot.AccountId is { } account) options = options with { AccountId = account };
        var lab = new Lab(options);
        WorldSnapshots.Restore(snapshot, lab.World, lab.Clock);
        return lab;
    }

    /// <summary>Everything the simulated world holds now, consistent (taken under the world lock).</summary>
    internal WorldSnapshot Snapshot() => WorldSnapshots.Capture(World, Clock, AccountId);

    /// <summary>The simulated clock. Advance it to make rotations and scheduled deletions happen.</summary>
    public SimulatedClock Clock { get; }

    /// <summary>The learner's account ID.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>The Region clients use by default.</summary>
    public RegionEndpoint DefaultRegion => _options.DefaultRegion;

    /// <summary>The ARN of the identity that <see cref="CreateKmsClient"/>'s clients act as (an account administrator).</summary>
    public string AdminArn => _admin.Arn;

    internal KmsWorld World { get; }

    internal KmsEngine Engine { get; }

    internal KmsProtocolAdapter Adapter { get; }

    internal LabPrincipal Admin => _admin;

    /// <summary>
    /// An official AWS SDK KMS client that talks to this lab's simulator, acting as the account's
    /// administrator. Clients created from one lab share its keys; a client for another Region
    /// sees that Region's keys only, as in AWS.
    /// </summary>
    public IAmazonKeyManagementService CreateKmsClient(RegionEndpoint? region = null) => CreateSdkClient(_handler, _admin, region ?? DefaultRegion, _options.MaxErrorRetry);

    internal static AmazonKeyManagementServiceClient CreateSdkClient(HttpMessageHandler handler, LabPrincipal principal, RegionEndpoint region, int maxErrorRetry)
    {
        var config = new AmazonKeyManagementServiceConfig
        {
            RegionEndpoint = region,
            HttpClientFactory = new InProcessHttpClientFactory(handler),
            // The learner's AWS_ENDPOINT_URL*, ~/.aws/config endpoints and max_attempts must not redirect or reshape lab calls.
            IgnoreConfiguredEndpointUrls = true,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = maxErrorRetry,
        };
        return new AmazonKeyManagementServiceClient(new BasicAWSCredentials(principal.AccessKeyId, principal.SecretAccessKey), config);
    }
}
