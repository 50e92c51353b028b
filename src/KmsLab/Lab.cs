using Amazon;
using Amazon.KeyManagementService;
using KmsLab.Hosting;
using KmsLab.Persistence;
using KmsLab.Protocol;
using KmsLab.RealAws;
using KmsLab.Simulation;
using KmsLab.Targets;
using KmsLab.Audit;
using KmsLab.Simulation.Identity;

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
/// <para>
/// The same code runs on real AWS KMS: <see cref="ForLesson"/> with <c>KMSLAB_TARGET=aws</c> (or
/// <see cref="Aws"/>) hands out clients that use the standard credential chain and Region, act as
/// <c>myKeyUser</c> through the profile of that name, and tag every key they create
/// (<see cref="LabTags"/>) for <c>kmslab cleanup</c>. Members that exist only on the simulator
/// (<see cref="AuditTrail"/>, moving the <see cref="Clock"/>, creating users...) then throw
/// <see cref="SimulatorOnlyException"/> saying what to do on AWS; lessons branch on <see cref="IsSimulator"/>.
/// </para>
/// </summary>
public sealed class Lab : IDisposable
{
    /// <summary>The administrator of the learner's account: its IAM policy allows everything.</summary>
    public const string AdministratorName = "labAdmin";

    /// <summary>The seed course's key administrator (no IAM policies beyond listing keys and aliases).</summary>
    public const string KeyManagerName = "myKeyManager";

    /// <summary>The seed course's key user (no IAM policies beyond listing keys and aliases).</summary>
    public const string KeyUserName = "myKeyUser";

    /// <summary>
    /// The administrator of the partner account, for cross-account lessons: on the simulator a user of its
    /// second account; on real AWS the profile of this name (or <c>KMSLAB_PROFILE_partnerAdmin</c>), in a second
    /// account of the learner's own. <c>lab.CreateKmsClient("partnerAdmin")</c> acts as it on both.
    /// </summary>
    public const string PartnerAdministratorName = "partnerAdmin";

    private const string AuditAdvice =
        "KMS calls are recorded by AWS CloudTrail. Open the CloudTrail console's Event history and filter on Event source = kms.amazonaws.com " +
        "(events appear within about 5 minutes), or run `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=kms.amazonaws.com`.";

    private const string IamAdvice =
        "IAM users, roles and their policies are managed with IAM itself (the IAM console, or `aws iam create-user` / `aws iam put-user-policy`), " +
        "by someone allowed to; in a class, the instructor's lab-setup stack has created labAdmin-NN, myKeyManager-NN and myKeyUser-NN for you.";

    private const string PartnerAdvice = Lessons.SimulatorOnly.SecondAccount;

    private const string PrincipalsAdvice =
        "your principals are your AWS profiles (`aws configure list-profiles`); a lab acts as myKeyUser through the profile KMSLAB_PROFILE_myKeyUser names (default: 'myKeyUser'). Use lab.PrincipalArn(\"myKeyUser\") for an ARN.";

    private readonly ILabTarget _target;

    private Lab(ILabTarget target, string? lesson)
    {
        _target = target;
        Lesson = lesson;
    }

    /// <summary>
    /// Creates a new, empty simulated world with the lab's principals, in memory — or, with
    /// <see cref="LabOptions.StateFile"/>, the world kept in that file (loaded if it holds one), where
    /// every change its clients make is committed before the call returns; <see cref="Dispose"/> lets the file go.
    /// </summary>
    /// <exception cref="IOException">With a state file: another process holds it, or it cannot be written.</exception>
    /// <exception cref="InvalidDataException">With a state file: it is not a KmsLab state, or is from a newer KmsLab (it is left as it was).</exception>
    public static Lab Simulator(LabOptions? options = null)
    {
        if (options?.StateFile is not { } path) return new(NewSimulator(options), lesson: null);
        var file = LabStateFile.Open(path, options);
        file.Lab._stateFile = file;
        file.Lab.Adapter.InProcessState = file;
        return file.Lab;
    }

    private LabStateFile? _stateFile;

    /// <summary>
    /// Lets go of the lab's state file (<see cref="LabOptions.StateFile"/>) after writing what is
    /// not saved yet; its clients must not be used afterwards. Nothing to do for a lab in memory.
    /// </summary>
    public void Dispose()
    {
        if (_stateFile is null) return;
        Adapter.InProcessState = null;
        _stateFile.Dispose();
        _stateFile = null;
    }

    /// <summary>
    /// The lab a lesson starts with: a fresh simulator, or real AWS KMS with the settings of
    /// <see cref="AwsLabOptions.FromEnvironment()"/>, tagging what the lesson creates with
    /// <c>kmslab:lesson=&lt;lesson&gt;</c>. The target is the one the program running the lesson
    /// chose (<see cref="LessonHost.Target"/>, e.g. <c>kmslab run --target</c>), else the
    /// environment variable <c>KMSLAB_TARGET</c> (<c>aws</c>, or <c>simulator</c> by default).
    /// </summary>
    /// <param name="lesson">The lesson's name, e.g. <c>03-encrypt-decrypt</c>; used to tag what the lesson creates.</param>
    /// <param name="options">Settings of the simulated lab (ignored on real AWS).</param>
    /// <exception cref="ArgumentException"><c>KMSLAB_TARGET</c> names no target.</exception>
    /// <exception cref="InvalidOperationException">Real AWS is asked for, but no Region, profile or identity can be found (the message says how to fix it).</exception>
    public static Lab ForLesson(string lesson, LabOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lesson);
        var target = LessonHost.Current?.Target ?? AwsLabOptions.TargetFrom(Environment.GetEnvironmentVariable(TargetVariable));
        if (target == LabTarget.Aws) return Aws(AwsLabOptions.FromEnvironment(), lesson);
        return new Lab(NewSimulator(options), lesson);
    }

    private static SimulatorTarget NewSimulator(LabOptions? options)
    {
        options ??= new LabOptions();
        if (options.AccountId == options.PartnerAccountId) throw new ArgumentException("The learner's and the partner's account IDs must differ.", nameof(options));
        return new SimulatorTarget(options);
    }

    /// <summary>
    /// A lab on real AWS KMS: clients through the standard credential chain (or the profiles of
    /// <paramref name="options"/>) in its Region, tagging every key they create with
    /// <c>kmslab:lesson</c> and <c>kmslab:owner</c>. Asks STS who the administrator is (for the
    /// owner tag) unless an owner is given.
    /// </summary>
    /// <param name="options">Region, profiles, owner; default: <see cref="AwsLabOptions.FromEnvironment()"/>.</param>
    /// <param name="lesson">The lesson, for the <c>kmslab:lesson</c> tag (default <see cref="LabTags.AdHocLesson"/>).</param>
    public static Lab Aws(AwsLabOptions? options = null, string? lesson = null)
    {
        options ??= AwsLabOptions.FromEnvironment();
        return new Lab(new AwsTarget(options, lesson ?? LabTags.AdHocLesson), lesson);
    }

    /// <summary>
    /// The environment variable that chooses a lesson's target: <c>simulator</c> (or unset) or
    /// <c>aws</c>. <see cref="ForLesson"/> reads it unless the program running the lesson chose a
    /// target (<see cref="LessonHost.Target"/>; <c>kmslab run</c> honours this variable when <c>--target</c> is not given).
    /// </summary>
    public const string TargetVariable = AwsLabOptions.TargetVariable;

    /// <summary>The lesson this lab was created for, if any.</summary>
    public string? Lesson { get; }

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

    /// <summary>Where this lab's clients send their calls: the simulator or real AWS.</summary>
    public LabTarget Target => _target.Kind;

    /// <summary>True on the simulator; false on real AWS. Lessons branch on it: <c>if (lab.IsSimulator) ... else ...</c>.</summary>
    public bool IsSimulator => _target is SimulatorTarget;

    /// <summary>
    /// The tags this lab adds to every key its clients create: <c>kmslab:lesson</c> and
    /// <c>kmslab:owner</c> on real AWS; none on the simulator (whose keys vanish with the lab).
    /// </summary>
    public IReadOnlyDictionary<string, string> KeyTags => _target.KeyTags;

    /// <summary>
    /// The lab's clock. On the simulator, advance it to make rotations and scheduled deletions
    /// happen. On real AWS it reads real time and <see cref="SimulatedClock.Advance"/> throws
    /// <see cref="SimulatorOnlyException"/>: use <see cref="AdvanceClockOrExplain"/> in lessons.
    /// </summary>
    public SimulatedClock Clock => _target.Clock;

    /// <summary>Every KMS call made in this lab, allowed or denied, as CloudTrail would record it.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS: read CloudTrail instead (the message says how).</exception>
    public AuditTrail AuditTrail => SimulatorOnly(nameof(AuditTrail), AuditAdvice).AuditTrail;

    /// <summary>
    /// How many KMS calls have been made so far, on both targets: on the simulator, every call it
    /// received (its audit trail's length); on real AWS, every call this lab's clients made. Lessons
    /// use it to count what an approach costs in KMS requests.
    /// </summary>
    public int KmsCallCount => _target.KmsCallCount;

    /// <summary>
    /// How many bytes of the learner's own data this lab's clients have sent to KMS in successful
    /// calls, on both targets: Encrypt's Plaintext and the Message of Sign, Verify, GenerateMac and
    /// VerifyMac. Keys and ciphertexts are not counted. Lessons use it to show what envelope
    /// encryption keeps off the network.
    /// </summary>
    public long PlaintextBytesSentToKms => Journal.PlaintextBytesSent;

    /// <summary>The learner's account ID (on real AWS: the administrator's account, from STS).</summary>
    public string AccountId => _target.AccountId;

    /// <summary>A second account, for cross-account lessons: the simulator's, or on real AWS the account of the <see cref="PartnerAdministratorName"/> profile.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS without a partnerAdmin profile.</exception>
    public string PartnerAccountId => _target.PartnerAccountId ?? throw new SimulatorOnlyException("Lab." + nameof(PartnerAccountId), PartnerAdvice);

    /// <summary>Whether the lab has a partner account (<see cref="PartnerAccountId"/>): always on the simulator; on real AWS when a partnerAdmin profile exists.</summary>
    public bool HasPartnerAccount => _target.PartnerAccountId is not null;

    /// <summary>The Region clients use by default.</summary>
    public RegionEndpoint DefaultRegion => _target.DefaultRegion;

    /// <summary>The ARN of the account administrator that <see cref="CreateKmsClient(RegionEndpoint?)"/>'s clients act as (on real AWS: from STS).</summary>
    public string AdminArn => _target.AdminArn;

    /// <summary>Every principal of the lab with its access key.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS, where access keys stay in your profiles.</exception>
    public IReadOnlyList<LabCredentials> Principals => SimulatorOnly(nameof(Principals), PrincipalsAdvice).Principals;

    /// <summary>The successful calls this lab's clients made, on either target (exercise checks read it).</summary>
    internal LabCallJournal Journal { get; } = new();

    internal KmsWorld World => Simulated.World;

    internal KmsEngine Engine => Simulated.Engine;

    internal KmsProtocolAdapter Adapter => Simulated.Adapter;

    internal LabPrincipal Admin => Simulated.Admin;

    /// <summary>The simulator's in-process HTTP handler (tests point "real AWS" clients at it).</summary>
    internal HttpMessageHandler Handler => Simulated.Handler;

    /// <summary>
    /// An official AWS SDK KMS client acting as the account's administrator: on the simulator,
    /// wired to it in process (clients from one lab share its keys; a client for another Region
    /// sees that Region's keys only, as in AWS); on real AWS, through the standard credential
    /// chain (or <c>KMSLAB_PROFILE</c>), tagging the keys it creates.
    /// </summary>
    public IAmazonKeyManagementService CreateKmsClient(RegionEndpoint? region = null) => Journal.Watch(_target.CreateAdminClient(region), AdministratorName);

    /// <summary>
    /// An SDK client acting as a lab principal: a user or role name in the learner's account
    /// (<c>"myKeyUser"</c>), or any principal's IAM ARN (e.g. the partner account's). On real AWS
    /// the principal is a named profile: <c>KMSLAB_PROFILE_&lt;principal&gt;</c>, else the
    /// principal's name with <c>KMSLAB_PROFILE_PREFIX</c>/<c>KMSLAB_PROFILE_SUFFIX</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">On real AWS, the principal's profile does not exist (the message says how to add it).</exception>
    public IAmazonKeyManagementService CreateKmsClient(string principal, RegionEndpoint? region = null) => Journal.Watch(_target.CreateClient(principal, region), principal);

    /// <summary>
    /// The IAM ARN of a lab principal, for policies: on the simulator its ARN in the lab; on real
    /// AWS the ARN STS reports for the principal's profile (e.g. <c>arn:aws:iam::123456789012:user/myKeyUser-07</c>).
    /// </summary>
    public string PrincipalArn(string principal)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(principal);
        return _target.PrincipalArn(principal);
    }

    /// <summary>
    /// A name for an alias that other learners of the same AWS account cannot already hold:
    /// <c>alias/&lt;name&gt;</c> on the simulator; on real AWS <c>alias/&lt;name&gt;-&lt;owner&gt;</c>,
    /// with the owner's user or role name (e.g. <c>alias/payroll-labAdmin-07</c>).
    /// </summary>
    public string AliasName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _target.AliasName(name.StartsWith("alias/", StringComparison.Ordinal) ? name["alias/".Length..] : name);
    }

    /// <summary>
    /// Moves the simulator's clock forward and returns true; on real AWS, where time cannot be
    /// fast-forwarded, returns false and tells the learner what to do instead
    /// (<paramref name="onRealAws"/>, or general advice) through the notes of the program running
    /// the lesson (<see cref="LessonHost.Notes"/>). A lesson written with it runs on both targets:
    /// <code>
    /// if (lab.AdvanceClockOrExplain(TimeSpan.FromDays(366), "come back after NextRotationDate")) { /* show the rotation */ }
    /// </code>
    /// </summary>
    public bool AdvanceClockOrExplain(TimeSpan by, string? onRealAws = null)
    {
        if (_target.TryAdvanceClock(by)) return true;
        Note($"⏩ On real AWS the clock cannot be moved {Describe(by)} ahead: {onRealAws ?? AwsTarget.ClockAdvice}");
        return false;
    }

    /// <summary>
    /// Waits until <paramref name="keyId"/> is in <paramref name="state"/> as <paramref name="kms"/>
    /// sees it, and returns its metadata — for the states KMS passes through by itself (a new replica
    /// is <c>Creating</c>, both keys of an UpdatePrimaryRegion are <c>Updating</c>, for a few
    /// seconds). On the simulator it moves the clock a second at a time; on real AWS it asks
    /// DescribeKey once a second, in real time.
    /// </summary>
    /// <exception cref="TimeoutException">The key is not in that state after <paramref name="timeout"/> (default two minutes) of lab time.</exception>
    public async Task<Amazon.KeyManagementService.Model.KeyMetadata> WaitForKeyStateAsync(IAmazonKeyManagementService kms, string keyId, Amazon.KeyManagementService.KeyState state, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentNullException.ThrowIfNull(state);
        var step = TimeSpan.FromSeconds(1);
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        for (var waited = TimeSpan.Zero; ; waited += step)
        {
            var key = (await kms.DescribeKeyAsync(new Amazon.KeyManagementService.Model.DescribeKeyRequest { KeyId = keyId }, cancellationToken).ConfigureAwait(false)).KeyMetadata;
            if (key.KeyState == state) return key;
            if (waited >= limit) throw new TimeoutException($"{keyId} is still {key.KeyState} after {limit.TotalSeconds:0} s, not {state}.");
            if (!_target.TryAdvanceClock(step)) await Task.Delay(step, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A one-line description of the target, e.g. for a lesson's first cell.</summary>
    public override string ToString() => _target.Describe(Lesson);

    /// <summary>The access key of a lab principal (by name in the learner's account, or by ARN).</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS: use <see cref="PrincipalArn"/> for the ARN.</exception>
    public LabCredentials GetCredentials(string principal) =>
        SimulatorOnly(nameof(GetCredentials), $"a real IAM user's access keys stay in your AWS profiles (~/.aws/credentials, SSO). For the principal's ARN use lab.PrincipalArn(\"{principal}\").").GetCredentials(principal);

    /// <summary>Adds an IAM user (in the learner's account unless another is given) and returns its ARN.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS.</exception>
    public string CreateUser(string userName, string? accountId = null) => SimulatorOnly(nameof(CreateUser), IamAdvice).CreateUser(userName, accountId);

    /// <summary>Adds an IAM role whose session clients act as (in the learner's account unless another is given) and returns its ARN.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS.</exception>
    public string CreateRole(string roleName, string? accountId = null) => SimulatorOnly(nameof(CreateRole), IamAdvice).CreateRole(roleName, accountId);

    /// <summary>Attaches (or replaces) an inline IAM identity policy on a lab principal.</summary>
    /// <exception cref="ArgumentException">The policy is not a valid IAM identity policy.</exception>
    /// <exception cref="SimulatorOnlyException">On real AWS.</exception>
    public void PutIdentityPolicy(string principal, string policyName, string policyJson) =>
        SimulatorOnly(nameof(PutIdentityPolicy), IamAdvice).PutIdentityPolicy(principal, policyName, policyJson);

    /// <summary>Removes an inline IAM identity policy from a lab principal; false if it had none of that name.</summary>
    /// <exception cref="SimulatorOnlyException">On real AWS.</exception>
    public bool DeleteIdentityPolicy(string principal, string policyName) => SimulatorOnly(nameof(DeleteIdentityPolicy), IamAdvice).DeleteIdentityPolicy(principal, policyName);

    /// <summary>Tells the learner something through the lesson host's notes, else <see cref="LessonHost.DefaultNotes"/> (the library itself never writes to the console).</summary>
    internal static void Note(string text) => LessonHost.NotesInForce?.WriteLine(text);

    private SimulatorTarget Simulated => _target as SimulatorTarget ?? throw new InvalidOperationException("This lab targets real AWS; it has no simulated world.");

    private SimulatorTarget SimulatorOnly(string member, string onRealAws) => _target as SimulatorTarget ?? throw new SimulatorOnlyException("Lab." + member, onRealAws);

    private static string Describe(TimeSpan by) => by.TotalDays >= 1 ? $"{by.TotalDays:0.#} days" : by.TotalHours >= 1 ? $"{by.TotalHours:0.#} hours" : $"{by.TotalMinutes:0.#} minutes";

    internal static AmazonKeyManagementServiceClient CreateSdkClient(HttpMessageHandler handler, LabPrincipal principal, RegionEndpoint region, int maxErrorRetry) =>
        SimulatorTarget.CreateSdkClient(handler, principal, region, maxErrorRetry);
}
