using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using KmsLab.Simulation;
using KmsLab.Targets;

namespace KmsLab.RealAws;

/// <summary>
/// The real-AWS side of a <see cref="Lab"/>: SDK clients through the standard credential chain or
/// a named profile, in one Region, each tagging the keys it creates; and the caller identities
/// (account, ARNs) that lessons put into policies, from STS.
/// </summary>
internal sealed class AwsTarget : ILabTarget
{
    /// <summary>What to do on real AWS instead of moving the clock.</summary>
    internal const string ClockAdvice =
        "time passes only in real time. Read the dates KMS gives instead: GetKeyRotationStatus's NextRotationDate, " +
        "DescribeKey's DeletionDate (ScheduleKeyDeletion) and ValidTo (imported key material); RotateKeyOnDemand rotates at once.";

    private const string Administrator = "the lab's administrator";

    private readonly ICallerIdentityResolver _identity;
    private readonly Dictionary<string, CallerIdentity> _identities = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public AwsTarget(AwsLabOptions options, string lesson)
    {
        Options = options;
        Region = ResolveRegion(options);
        _identity = options.IdentityResolver ?? new StsCallerIdentityResolver(options.MaxErrorRetry, options.EndpointUrl);
        if (options.Profile is { } profile) RequireProfile(profile, Administrator, "KMSLAB_PROFILE");
        string owner = options.Owner ?? Identity(options.Profile, Administrator).Arn;
        Tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [LabTags.Lesson] = lesson,
            [LabTags.Owner] = owner,
        };
    }

    public AwsLabOptions Options { get; }

    public RegionEndpoint Region { get; }

    /// <summary>The tags every key created through this target's clients carries.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    public LabTarget Kind => LabTarget.Aws;

    /// <summary>Real time, refusing to move (saying what to do instead).</summary>
    public SimulatedClock Clock { get; } = SimulatedClock.RealTime(ClockAdvice);

    public RegionEndpoint DefaultRegion => Region;

    /// <summary>The administrator's account, from STS.</summary>
    public string AccountId => Identity(Options.Profile, Administrator).AccountId;

    /// <summary>The administrator's ARN, from STS.</summary>
    public string AdminArn => Identity(Options.Profile, Administrator).Arn;

    /// <inheritdoc />
    public string? PartnerAccountId =>
        Options.ProfileFor(Lab.PartnerAdministratorName) is { } profile && new CredentialProfileStoreChain().TryGetProfile(profile, out _)
            ? Identity(profile, Lab.PartnerAdministratorName).AccountId
            : null;

    public IReadOnlyDictionary<string, string> KeyTags => Tags;

    public int KmsCallCount => RequestsSent;

    public IAmazonKeyManagementService CreateAdminClient(RegionEndpoint? region) => CreateClientFor(Options.Profile, region);

    public IAmazonKeyManagementService CreateClient(string principal, RegionEndpoint? region) => CreateClientFor(ProfileFor(principal), region);

    /// <summary>The ARN STS reports for the principal's profile.</summary>
    public string PrincipalArn(string principal) => Identity(ProfileFor(principal), principal).Arn;

    /// <summary><c>alias/&lt;bare&gt;-&lt;owner&gt;</c>, with the owner's user or role name: learners of one account share its alias names.</summary>
    public string AliasName(string bare)
    {
        var owner = Tags[LabTags.Owner];
        var suffix = new string(owner[(owner.LastIndexOf('/') + 1)..].Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return $"alias/{bare}-{suffix}";
    }

    /// <summary>False: on real AWS time passes only in real time.</summary>
    public bool TryAdvanceClock(TimeSpan by) => false;

    public string Describe(string? lesson) =>
        $"KmsLab on {this}{(lesson is null ? "" : ", lesson " + lesson)}; keys are tagged {string.Join(", ", Tags.Select(t => t.Key + "=" + t.Value))}";

    /// <summary>A KMS client acting through <paramref name="profile"/> (null: the standard credential chain), tagging the keys it creates.</summary>
    public AmazonKeyManagementServiceClient CreateClientFor(string? profile, RegionEndpoint? region) =>
        new TaggingKmsClient(ClientConfig(region ?? Region, profile, Options.EndpointUrl, Options.MaxErrorRetry, Options.HttpClientFactory), Tags, () => Interlocked.Increment(ref _requests));

    private int _requests;

    /// <summary>How many KMS calls this target's clients have made (one per call, whatever its retries).</summary>
    public int RequestsSent => Volatile.Read(ref _requests);

    /// <summary>The configuration of a real-AWS KMS client: explicit Region (or endpoint), profile and retries.</summary>
    internal static AmazonKeyManagementServiceConfig ClientConfig(RegionEndpoint region, string? profile, string? endpointUrl, int maxErrorRetry, HttpClientFactory? httpClientFactory)
    {
        var config = Configure(new AmazonKeyManagementServiceConfig(), region, profile, endpointUrl, maxErrorRetry);
        if (httpClientFactory is not null) config.HttpClientFactory = httpClientFactory;
        return config;
    }

    /// <summary>What every real-AWS client of a lab shares (KMS, STS): Region or endpoint, profile, explicit retries.</summary>
    internal static T Configure<T>(T config, RegionEndpoint region, string? profile, string? endpointUrl, int maxErrorRetry) where T : ClientConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = maxErrorRetry;
        if (endpointUrl is not null)
        {
            config.ServiceURL = endpointUrl;
            config.AuthenticationRegion = region.SystemName;
        }
        else
        {
            config.RegionEndpoint = region;
        }
        if (profile is not null) config.Profile = new Profile(profile);
        return config;
    }

    /// <summary>The profile that acts as a principal, checked to exist.</summary>
    public string? ProfileFor(string principal)
    {
        var profile = Options.ProfileFor(principal);
        if (profile is not null) RequireProfile(profile, principal, $"KMSLAB_PROFILE_{principal}");
        return profile;
    }

    /// <summary>Who the profile's credentials belong to (STS GetCallerIdentity, cached per profile).</summary>
    public CallerIdentity Identity(string? profile, string whom)
    {
        string cacheKey = profile ?? "";
        lock (_sync)
        {
            if (_identities.TryGetValue(cacheKey, out var known)) return known;
        }
        CallerIdentity identity;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            identity = Task.Run(() => _identity.ResolveAsync(profile, Region, timeout.Token)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException or OperationCanceledException or HttpRequestException)
        {
            string source = profile is null ? "the standard credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., the default profile, SSO)" : $"the profile '{profile}'";
            throw new InvalidOperationException(
                $"KmsLab could not find out who {whom} is on AWS: STS GetCallerIdentity with {source} in {Region.SystemName} failed: {e.Message} " +
                $"Check with `aws sts get-caller-identity{(profile is null ? "" : " --profile " + profile)}` (after `aws sso login` for SSO profiles). " +
                "To tag keys without asking STS, set KMSLAB_OWNER.", e);
        }
        lock (_sync) _identities[cacheKey] = identity;
        return identity;
    }

    public override string ToString() =>
        $"real AWS KMS in {Region.SystemName}{(Options.EndpointUrl is { } url ? " via " + url : "")}, administrator {(Options.Profile is { } p ? "profile '" + p + "'" : "from the standard credential chain")}";

    internal static void RequireProfile(string profile, string whom, string variable)
    {
        if (new CredentialProfileStoreChain().TryGetProfile(profile, out _)) return;
        throw new InvalidOperationException(
            $"There is no AWS profile '{profile}' for {whom}. Create it (`aws configure --profile {profile}`, or `aws configure sso --profile {profile}`), " +
            $"or name another profile with {variable}=<profile> (or KMSLAB_PROFILE_PREFIX / KMSLAB_PROFILE_SUFFIX).");
    }

    internal static RegionEndpoint ResolveRegion(AwsLabOptions options)
    {
        if (options.Region is { } region) return region;
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } name) return RegionEndpoint.GetBySystemName(name.Trim());
        }
        string profileName = options.Profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        if (new CredentialProfileStoreChain().TryGetProfile(profileName, out var profile) && profile.Region is { } fromProfile) return fromProfile;
        throw new InvalidOperationException(
            $"KmsLab targets real AWS but knows no Region: set KMSLAB_REGION (e.g. KMSLAB_REGION=eu-west-1), AWS_REGION, or `region` in the profile '{profileName}'.");
    }
}
