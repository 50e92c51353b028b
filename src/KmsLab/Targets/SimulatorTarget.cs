using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Audit;
using KmsLab.Simulation.Identity;
using KmsLab.Simulation.Policies;

namespace KmsLab.Targets;

/// <summary>
/// The simulated side of a <see cref="Lab"/>: a world (the learner's account, a partner account,
/// every Region, a clock that moves) with the lab's principals, its engine, audit trail and
/// protocol adapter, and SDK clients wired to it in process.
/// </summary>
internal sealed class SimulatorTarget : ILabTarget
{
    private const string AdministratorPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"AdministratorAccess","Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string ListPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"ListKmsKeysAndAliases","Effect":"Allow","Action":["kms:ListKeys","kms:ListAliases"],"Resource":"*"}]}""";

    private readonly LabOptions _options;

    // One connection pool for every lab's calls to external key store proxies, as one HttpClient would be.
    private static readonly HttpMessageHandler SharedXksHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), UseProxy = false };

    public SimulatorTarget(LabOptions options)
    {
        _options = options;
        Clock = new SimulatedClock(options.TimeSource ?? TimeProvider.System);
        World = new KmsWorld(Clock, options.Random ?? RandomNumberGenerator.Create());
        if (options.RequestQuotas is { } quotas) World.RateLimiter = new RequestRateLimiter(quotas, Clock);
        World.XksProxy = new Protocol.Xks.XksProxyHttpClient(options.XksProxyHandler ?? SharedXksHandler, options.WallClock ?? TimeProvider.System, options.XksProxyTimeout);
        Engine = new KmsEngine(World);
        AuditTrail = new AuditTrail(options.AuditCapacity);
        Adapter = new KmsProtocolAdapter(Engine, AuditTrail, options.WallClock);
        Handler = new KmsHttpMessageHandler(Adapter);

        Admin = World.Principals.AddUser(options.AccountId, Lab.AdministratorName);
        Admin.PutPolicy("AdministratorAccess", PolicyDocument.ParseIdentityPolicy(AdministratorPolicy));
        foreach (var name in new[] { Lab.KeyManagerName, Lab.KeyUserName })
        {
            World.Principals.AddUser(options.AccountId, name).PutPolicy("KmsLabListKeys", PolicyDocument.ParseIdentityPolicy(ListPolicy));
        }
        World.Principals.AddUser(options.PartnerAccountId, Lab.PartnerAdministratorName).PutPolicy("AdministratorAccess", PolicyDocument.ParseIdentityPolicy(AdministratorPolicy));
    }

    public LabTarget Kind => LabTarget.Simulator;

    public SimulatedClock Clock { get; }

    public KmsWorld World { get; }

    public KmsEngine Engine { get; }

    public AuditTrail AuditTrail { get; }

    public KmsProtocolAdapter Adapter { get; }

    /// <summary>The in-process HTTP handler every client of this lab shares.</summary>
    public HttpMessageHandler Handler { get; }

    public LabPrincipal Admin { get; }

    public RegionEndpoint DefaultRegion => _options.DefaultRegion;

    public string AccountId => _options.AccountId;

    public string PartnerAccountId => _options.PartnerAccountId;

    public string AdminArn => Admin.Arn;

    /// <summary>None: the simulator's keys vanish with the lab.</summary>
    public IReadOnlyDictionary<string, string> KeyTags { get; } = new Dictionary<string, string>();

    /// <summary>Every call the simulator received: its audit trail's length.</summary>
    public int KmsCallCount => AuditTrail.Events.Count;

    public IReadOnlyList<LabCredentials> Principals => World.Principals.All.Select(Credentials).ToList();

    public IAmazonKeyManagementService CreateAdminClient(RegionEndpoint? region) => CreateSdkClient(Handler, Admin, region ?? DefaultRegion, _options.MaxErrorRetry);

    public IAmazonKeyManagementService CreateClient(string principal, RegionEndpoint? region) => CreateSdkClient(Handler, Find(principal), region ?? DefaultRegion, _options.MaxErrorRetry);

    public string PrincipalArn(string principal) => Find(principal).Arn;

    public string AliasName(string bare) => "alias/" + bare;

    public bool TryAdvanceClock(TimeSpan by)
    {
        Clock.Advance(by);
        return true;
    }

    public string Describe(string? lesson) => $"KmsLab simulator: account {AccountId}, {DefaultRegion.SystemName}{(lesson is null ? "" : ", lesson " + lesson)}";

    public LabCredentials GetCredentials(string principal) => Credentials(Find(principal));

    public string CreateUser(string userName, string? accountId) => World.Principals.AddUser(accountId ?? AccountId, userName).Arn;

    public string CreateRole(string roleName, string? accountId) => World.Principals.AddRole(accountId ?? AccountId, roleName).Arn;

    /// <exception cref="ArgumentException">The policy is not a valid IAM identity policy.</exception>
    public void PutIdentityPolicy(string principal, string policyName, string policyJson)
    {
        PolicyDocument policy;
        try
        {
            policy = PolicyDocument.ParseIdentityPolicy(policyJson);
        }
        catch (KmsException e)
        {
            throw new ArgumentException($"Not a valid IAM identity policy: {e.Message}", nameof(policyJson), e);
        }
        Find(principal).PutPolicy(policyName, policy);
    }

    public bool DeleteIdentityPolicy(string principal, string policyName) => Find(principal).DeletePolicy(policyName);

    // partnerAdmin is found by name too, as on real AWS where it is a profile of that name.
    public LabPrincipal Find(string principal) =>
        World.Principals.Find(principal, AccountId)
        ?? (principal == Lab.PartnerAdministratorName ? World.Principals.Find(principal, PartnerAccountId) : null)
        ?? throw new ArgumentException($"No lab principal '{principal}'. Known: {string.Join(", ", World.Principals.All.Select(p => p.Arn))}", nameof(principal));

    private static LabCredentials Credentials(LabPrincipal p) => new(p.Name, p.Arn, p.AccountId, p.AccessKeyId, p.SecretAccessKey);

    internal static AmazonKeyManagementServiceClient CreateSdkClient(HttpMessageHandler handler, LabPrincipal principal, RegionEndpoint region, int maxErrorRetry) =>
        CreateSdkClient(handler, principal.AccessKeyId, principal.SecretAccessKey, region, maxErrorRetry);

    internal static AmazonKeyManagementServiceClient CreateSdkClient(HttpMessageHandler handler, string accessKeyId, string secretAccessKey, RegionEndpoint region, int maxErrorRetry)
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
        return new AmazonKeyManagementServiceClient(new BasicAWSCredentials(accessKeyId, secretAccessKey), config);
    }
}
