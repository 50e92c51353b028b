using System.Security.Cryptography;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Protocol;
using KmsLab.Simulation;
using KmsLab.Simulation.Persistence;

namespace KmsLab;

/// <summary>
/// The lab entry point. <see cref="Simulator"/> creates a simulated AWS (the learner's account,
/// a partner account, every Region, a clock you can move) and <see cref="CreateKmsClient(RegionEndpoint?)"/>
/// hands out the official SDK client, <see cref="IAmazonKeyManagementService"/>, wired to it in process:
/// <code>
/// var lab = Lab.Simulator();
/// IAmazonKeyManagementService kms = lab.CreateKmsClient();              // as the account's administrator
/// IAmazonKeyManagementService asUser = lab.CreateKmsClient("myKeyUser"); // as a lab user
/// </code>
/// The SDK signs and sends real KMS requests; they are authenticated, authorized by key policies,
/// IAM policies and grants, audited, and answered as AWS KMS answers them — without an AWS account
/// or a network. Your <c>~/.aws/config</c> and <c>AWS_*</c> variables do not change where these clients go.
/// </summary>
public sealed class Lab
{
    /// <summary>The administrator of the learner's account: its IAM policy allows everything.</summary>
    public const string AdministratorName = "labAdmin";

    /// <summary>The seed course's key administrator (no IAM policies beyond listing keys and aliases).</summary>
    public const string KeyManagerName = "myKeyManager";

    /// <summary>The seed course's key user (no IAM policies beyond listing keys and aliases).</summary>
    public const string KeyUserName = "myKeyUser";

    /// <summary>The administrator of the partner account, for cross-account lessons.</summary>
    public const string PartnerAdministratorName = "partnerAdmin";

    private const string AdministratorPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"AdministratorAccess","Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string ListPolicy = """{"Version":"2012-10-17","Statement":[{"Sid":"ListKmsKeysAndAliases","Effect":"Allow","Action":["kms:ListKeys","kms:ListAliases"],"Resource":"*"}]}""";

    private readonly LabOptions _options;
    private readonly KmsHttpMessageHandler _handler;

    private Lab(LabOptions options)
    {
        _options = options;
        Clock = new SimulatedClock(options.TimeSource ?? TimeProvider.System);
        World = new KmsWorld(Clock, options.Random ?? RandomNumberGenerator.Create());
        if (options.RequestQuotas is { } quotas) World.RateLimiter = new RequestRateLimiter(quotas, Clock);
        Engine = new KmsEngine(World);
        AuditTrail = new AuditTrail(options.AuditCapacity);
        Adapter = new KmsProtocolAdapter(Engine, AuditTrail);
        _handler = new KmsHttpMessageHandler(Adapter);

        Admin = World.Principals.AddUser(options.AccountId, AdministratorName);
        Admin.PutPolicy("AdministratorAccess", PolicyDocument.ParseIdentityPolicy(AdministratorPolicy));
        foreach (var name in new[] { KeyManagerName, KeyUserName })
        {
            World.Principals.AddUser(options.AccountId, name).PutPolicy("KmsLabListKeys", PolicyDocument.ParseIdentityPolicy(ListPolicy));
        }
        World.Principals.AddUser(options.PartnerAccountId, PartnerAdministratorName).PutPolicy("AdministratorAccess", PolicyDocument.ParseIdentityPolicy(AdministratorPolicy));
    }

    /// <summary>Creates a new, empty simulated world with the lab's principals.</summary>
    public static Lab Simulator(LabOptions? options = null)
    {
        options ??= new LabOptions();
        if (options.AccountId == options.PartnerAccountId) throw new ArgumentException("The learner's and the partner's account IDs must differ.", nameof(options));
        return new Lab(options);
    }

    /// <summary>
    /// The lab a lesson starts with. Today: a fresh simulator, named after the lesson. (The switch
    /// to real AWS, through the standard credential chain, arrives with the real-AWS target.)
    /// </summary>
    /// <param name="lesson">The lesson's name, e.g. <c>03-encrypt-decrypt</c>; used to tag what the lesson creates.</param>
    /// <param name="options">Settings of the simulated lab.</param>
    public static Lab ForLesson(string lesson, LabOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lesson);
        var target = Environment.GetEnvironmentVariable(TargetVariable);
        if (string.Equals(target, "aws", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"{TargetVariable}=aws asks for real AWS KMS, but this KmsLab build has only the simulator target. Unset {TargetVariable} (or run with --target simulator).");
        }
        var lab = Simulator(options);
        lab.Lesson = lesson;
        return lab;
    }

    /// <summary>
    /// The environment variable that chooses a lesson's target: <c>simulator</c> (or unset) or
    /// <c>aws</c>. <c>kmslab run --target</c> sets it; <see cref="ForLesson"/> reads it.
    /// </summary>
    public const string TargetVariable = "KMSLAB_TARGET";

    /// <summary>The lesson this lab was created for, if any.</summary>
    public string? Lesson { get; private set; }

    /// <summary>
    /// Builds a lab whose world is the one saved in <paramref name="snapshot"/>: keys with every
    /// material version, aliases, deleted-key records, principals and the clock's offset.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot is incomplete or inconsistent.</exception>
    internal static Lab Restore(WorldSnapshot snapshot, LabOptions? options = null)
    {
        options ??= new LabOptions();
        if (snapshot.AccountId is { } account) options = options with { AccountId = account };
        if (snapshot.PartnerAccountId is { } partner) options = options with { PartnerAccountId = partner };
        var lab = Simulator(options);
        WorldSnapshots.Restore(snapshot, lab.World, lab.Clock);
        return lab;
    }

    /// <summary>Everything the simulated world holds now, consistent (taken under the world lock).</summary>
    internal WorldSnapshot Snapshot() => WorldSnapshots.Capture(World, Clock, AccountId, PartnerAccountId);

    /// <summary>The simulated clock. Advance it to make rotations and scheduled deletions happen.</summary>
    public SimulatedClock Clock { get; }

    /// <summary>Every KMS call made in this lab, allowed or denied, as CloudTrail would record it.</summary>
    public AuditTrail AuditTrail { get; }

    /// <summary>The learner's account ID.</summary>
    public string AccountId => _options.AccountId;

    /// <summary>A second account, for cross-account lessons.</summary>
    public string PartnerAccountId => _options.PartnerAccountId;

    /// <summary>The Region clients use by default.</summary>
    public RegionEndpoint DefaultRegion => _options.DefaultRegion;

    /// <summary>The ARN of the account administrator that <see cref="CreateKmsClient(RegionEndpoint?)"/>'s clients act as.</summary>
    public string AdminArn => Admin.Arn;

    /// <summary>Every principal of the lab with its access key.</summary>
    public IReadOnlyList<LabCredentials> Principals => World.Principals.All.Select(Credentials).ToList();

    internal KmsWorld World { get; }

    internal KmsEngine Engine { get; }

    internal KmsProtocolAdapter Adapter { get; }

    internal LabPrincipal Admin { get; }

    /// <summary>
    /// An official AWS SDK KMS client that talks to this lab's simulator, acting as the account's
    /// administrator. Clients created from one lab share its keys; a client for another Region
    /// sees that Region's keys only, as in AWS.
    /// </summary>
    public IAmazonKeyManagementService CreateKmsClient(RegionEndpoint? region = null) => CreateSdkClient(_handler, Admin, region ?? DefaultRegion, _options.MaxErrorRetry);

    /// <summary>
    /// An SDK client acting as a lab principal: a user or role name in the learner's account
    /// (<c>"myKeyUser"</c>), or any principal's IAM ARN (e.g. the partner account's).
    /// </summary>
    public IAmazonKeyManagementService CreateKmsClient(string principal, RegionEndpoint? region = null) =>
        CreateSdkClient(_handler, Find(principal), region ?? DefaultRegion, _options.MaxErrorRetry);

    /// <summary>The access key of a lab principal (by name in the learner's account, or by ARN).</summary>
    public LabCredentials GetCredentials(string principal) => Credentials(Find(principal));

    /// <summary>Adds an IAM user (in the learner's account unless another is given) and returns its ARN.</summary>
    public string CreateUser(string userName, string? accountId = null) => World.Principals.AddUser(accountId ?? AccountId, userName).Arn;

    /// <summary>Adds an IAM role whose session clients act as (in the learner's account unless another is given) and returns its ARN.</summary>
    public string CreateRole(string roleName, string? accountId = null) => World.Principals.AddRole(accountId ?? AccountId, roleName).Arn;

    /// <summary>Attaches (or replaces) an inline IAM identity policy on a lab principal.</summary>
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

    /// <summary>Removes an inline IAM identity policy from a lab principal; false if it had none of that name.</summary>
    public bool DeleteIdentityPolicy(string principal, string policyName) => Find(principal).DeletePolicy(policyName);

    private LabPrincipal Find(string principal) =>
        World.Principals.Find(principal, AccountId) ?? throw new ArgumentException($"No lab principal '{principal}'. Known: {string.Join(", ", World.Principals.All.Select(p => p.Arn))}", nameof(principal));

    private static LabCredentials Credentials(LabPrincipal p) => new(p.Name, p.Arn, p.AccountId, p.AccessKeyId, p.SecretAccessKey);

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
