using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Hosting;
using KmsLab.KeyTools;
using KmsLab.RealAws;
using KmsLab.Targets;
using KmsLab.Services;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// The real-AWS target, with "AWS" played by the in-process simulator: the lab builds its SDK
/// clients exactly as for AWS (Region, named profiles from the shared files, standard retries,
/// the tagging step) and only the HTTP handler underneath is the simulator's.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class TargetSwitchTests : IDisposable
{
    private readonly EnvironmentScope _env = new();
    private readonly TestLab _sim = new();
    private readonly AwsProfiles _profiles;

    public TargetSwitchTests() => _profiles = new AwsProfiles(_sim.Lab);

    public void Dispose()
    {
        _profiles.Dispose();
        _env.Dispose();
    }

    private string Arn(string user) => $"arn:aws:iam::{_sim.Lab.AccountId}:user/{user}";

    private Lab AwsLab(string? lesson = "03-encrypt-decrypt", AwsLabOptions? options = null) => Lab.Aws((options ?? new AwsLabOptions()) with
    {
        Region = RegionEndpoint.USEast1,
        Profile = _profiles.Prefix + Lab.AdministratorName,
        ProfilePrefix = _profiles.Prefix,
        MaxErrorRetry = 0,
        HttpClientFactory = new InProcessHttpClientFactory(_sim.Lab.Handler),
        IdentityResolver = new SimulatedSts(_sim.Lab),
    }, lesson);

    private async Task<Dictionary<string, string>> TagsOf(string keyId) =>
        (await _sim.Kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId })).Tags.ToDictionary(t => t.TagKey, t => t.TagValue);

    [Fact]
    public async Task Aws_target_tags_every_key_it_creates_with_lesson_and_owner()
    {
        var lab = AwsLab();
        Assert.Equal(LabTarget.Aws, lab.Target);
        Assert.False(lab.IsSimulator);
        Assert.Equal(new Dictionary<string, string> { [LabTags.Lesson] = "03-encrypt-decrypt", [LabTags.Owner] = Arn(Lab.AdministratorName) }, lab.KeyTags);

        var kms = lab.CreateKmsClient();
        var plain = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "no tags asked for" })).KeyMetadata;
        Assert.Equal(lab.KeyTags, await TagsOf(plain.KeyId));

        // The learner's own tags stay, and a tag the learner set on purpose is not overwritten.
        var request = new CreateKeyRequest { Tags = [new Tag { TagKey = "team", TagValue = "payroll" }, new Tag { TagKey = LabTags.Lesson, TagValue = "my-own" }] };
        var tagged = (await kms.CreateKeyAsync(request)).KeyMetadata;
        Assert.Equal(new Dictionary<string, string> { ["team"] = "payroll", [LabTags.Lesson] = "my-own", [LabTags.Owner] = Arn(Lab.AdministratorName) }, await TagsOf(tagged.KeyId));

        // The tags are in the signed request itself: CloudTrail (here, the simulator's trail) records them on CreateKey.
        var created = _sim.Lab.AuditTrail.Query(operation: "CreateKey");
        Assert.Equal(2, created.Count);
        Assert.All(created, e => Assert.Equal(Arn(Lab.AdministratorName), e.UserIdentity.Arn));
        Assert.Contains(LabTags.Owner, created[0].ToJson());

        // Other operations are untouched; the simulator's own clients add nothing.
        var bare = (await _sim.Kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        Assert.Empty(await TagsOf(bare.KeyId));
        Assert.Empty(_sim.Lab.KeyTags);
    }

    [Fact]
    public async Task Acting_as_myKeyUser_goes_through_the_profile_of_that_name()
    {
        var lab = AwsLab("02-admins-and-users");
        Assert.Equal(_sim.Lab.AccountId, lab.AccountId);
        Assert.Equal(Arn(Lab.AdministratorName), lab.AdminArn);
        Assert.Equal(Arn("myKeyUser"), lab.PrincipalArn("myKeyUser"));

        var policy = KeyPolicies.Console(lab.AccountId, [lab.PrincipalArn("myKeyManager")], [lab.PrincipalArn("myKeyUser")]);
        var key = (await lab.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest { Policy = policy })).KeyMetadata;
        var user = lab.CreateKmsClient("myKeyUser");
        var manager = lab.CreateKmsClient("myKeyManager");

        var blob = (await user.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("payroll") })).CiphertextBlob;
        Assert.Equal("payroll", Bytes.Text((await user.DecryptAsync(new DecryptRequest { CiphertextBlob = blob })).Plaintext));
        await KmsAssert.Code("AccessDeniedException", () => user.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));
        await manager.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId });
        await KmsAssert.Code("AccessDeniedException", () => manager.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = Bytes.Stream("x") }));

        Assert.Equal(2, _sim.Lab.AuditTrail.Query(principal: "myKeyUser", operation: "Encrypt").Count + _sim.Lab.AuditTrail.Query(principal: "myKeyUser", operation: "Decrypt").Count);
        Assert.Single(_sim.Lab.AuditTrail.Query(principal: "myKeyManager", operation: "DisableKey"));
    }

    [Fact]
    public async Task A_principal_can_be_mapped_to_any_profile_and_a_missing_profile_says_how_to_add_it()
    {
        var profiles = new AwsProfiles(_sim.Lab, extraProfiles: new Dictionary<string, string> { ["student07-user"] = "myKeyUser" });
        var lab = Lab.Aws(new AwsLabOptions
        {
            Region = RegionEndpoint.USEast1,
            Profile = profiles.Prefix + Lab.AdministratorName,
            PrincipalProfiles = new Dictionary<string, string> { ["myKeyUser"] = profiles.Prefix + "student07-user" },
            MaxErrorRetry = 0,
            HttpClientFactory = new InProcessHttpClientFactory(_sim.Lab.Handler),
            IdentityResolver = new SimulatedSts(_sim.Lab),
        });
        Assert.Equal(Arn("myKeyUser"), lab.PrincipalArn("myKeyUser"));
        await lab.CreateKmsClient("myKeyUser").ListKeysAsync(new ListKeysRequest());
        Assert.Single(_sim.Lab.AuditTrail.Query(principal: "myKeyUser", operation: "ListKeys"));

        var missing = Assert.Throws<InvalidOperationException>(() => lab.CreateKmsClient("myKeyManager"));
        Assert.Contains("There is no AWS profile 'myKeyManager'", missing.Message);
        Assert.Contains("aws configure --profile myKeyManager", missing.Message);
        Assert.Contains("KMSLAB_PROFILE_myKeyManager", missing.Message);
    }

    [Fact]
    public async Task The_administrator_defaults_to_the_standard_credential_chain()
    {
        // No KMSLAB_PROFILE: the SDK's own chain decides (here AWS_PROFILE), as for any AWS program.
        _env.Set("AWS_PROFILE", _profiles.Prefix + "myKeyManager");
        var lab = Lab.Aws(new AwsLabOptions
        {
            Region = RegionEndpoint.USEast1,
            MaxErrorRetry = 0,
            HttpClientFactory = new InProcessHttpClientFactory(_sim.Lab.Handler),
            IdentityResolver = new SimulatedSts(_sim.Lab),
        }, "01-first-cmk");
        Assert.Equal(Arn("myKeyManager"), lab.KeyTags[LabTags.Owner]);
        await lab.CreateKmsClient().ListAliasesAsync(new ListAliasesRequest());
        Assert.Single(_sim.Lab.AuditTrail.Query(principal: "myKeyManager", operation: "ListAliases"));
    }

    [Fact]
    public void Simulator_only_members_say_what_to_do_on_real_aws()
    {
        var lab = AwsLab();
        var audit = Assert.Throws<SimulatorOnlyException>(() => lab.AuditTrail);
        Assert.Contains("CloudTrail", audit.Message);
        Assert.Contains("kms.amazonaws.com", audit.OnRealAws);
        Assert.IsAssignableFrom<NotSupportedException>(audit);

        var before = lab.Clock.GetUtcNow();
        Assert.False(lab.Clock.CanAdvance);
        var clock = Assert.Throws<SimulatorOnlyException>(() => lab.Clock.Advance(TimeSpan.FromDays(365)));
        Assert.Contains("NextRotationDate", clock.Message);
        Assert.True(lab.Clock.GetUtcNow() >= before);

        Assert.Contains("lab.PrincipalArn(\"myKeyUser\")", Assert.Throws<SimulatorOnlyException>(() => lab.GetCredentials("myKeyUser")).Message);
        Assert.Contains("IAM", Assert.Throws<SimulatorOnlyException>(() => lab.CreateUser("alice")).Message);
        Assert.Throws<SimulatorOnlyException>(() => lab.PutIdentityPolicy("myKeyUser", "p", "{}"));
        Assert.Throws<SimulatorOnlyException>(() => lab.DeleteIdentityPolicy("myKeyUser", "p"));
        Assert.Throws<SimulatorOnlyException>(() => lab.Principals);
        Assert.Throws<SimulatorOnlyException>(() => lab.PartnerAccountId);
        Assert.Contains("put-bucket-encryption", Assert.Throws<SimulatorOnlyException>(() => lab.CreateS3Bucket("reports")).Message);

        var output = new StringWriter();
        using (LessonHost.Use(new LessonHost { Notes = output }))
        {
            Assert.False(lab.AdvanceClockOrExplain(TimeSpan.FromDays(366), "Come back after GetKeyRotationStatus's NextRotationDate."));
        }
        Assert.Contains("366 days", output.ToString());
        Assert.Contains("NextRotationDate", output.ToString());
        Assert.Contains("real AWS KMS in us-east-1", lab.ToString());
    }

    [Fact]
    public async Task With_a_partnerAdmin_profile_the_lab_has_a_partner_account_and_acts_in_it()
    {
        var alone = AwsLab();
        Assert.False(alone.HasPartnerAccount);
        Assert.Contains("partnerAdmin", Assert.Throws<SimulatorOnlyException>(() => alone.PartnerAccountId).Message);
        var skipped = await global::KmsLab.Lessons.Exercises.CrossAccount.CheckPartnerCopyAsync(alone, Guid.NewGuid().ToString(), null, null);
        Assert.True(skipped.Skipped);
        Assert.False(skipped.Passed);
        Assert.Contains("partnerAdmin", skipped.Message, StringComparison.Ordinal);
        Assert.Contains("⏭ Skipped", skipped.ToHtml(), StringComparison.Ordinal);
        using var partner = new AwsProfiles(_sim.Lab, extraProfiles: new Dictionary<string, string> { [Lab.PartnerAdministratorName] = Lab.PartnerAdministratorName });
        var lab = AwsLab(options: new AwsLabOptions { PrincipalProfiles = new Dictionary<string, string> { [Lab.PartnerAdministratorName] = partner.Prefix + Lab.PartnerAdministratorName } });
        Assert.True(lab.HasPartnerAccount);
        Assert.Equal(_sim.Lab.PartnerAccountId, lab.PartnerAccountId);
        Assert.Equal($"arn:aws:iam::{_sim.Lab.PartnerAccountId}:user/partnerAdmin", lab.PrincipalArn(Lab.PartnerAdministratorName));
        var created = (await lab.CreateKmsClient(Lab.PartnerAdministratorName).CreateKeyAsync(new CreateKeyRequest { Description = "the partner's" })).KeyMetadata;
        Assert.Equal(_sim.Lab.PartnerAccountId, created.AWSAccountId);
    }

    [Fact]
    public void In_a_notebook_opened_without_kmslab_run_a_labs_note_reaches_the_running_cell()
    {
        var lab = AwsLab();
        var (console, defaultNotes) = (Console.Out, LessonHost.DefaultNotes);
        var firstCell = new StringWriter();
        var secondCell = new StringWriter();
        try
        {
            LessonHost.DefaultNotes = null;
            global::KmsLab.Lessons.Notebook.Start();                     // the setup cell of a lesson in VS Code or Jupyter
            Console.SetOut(firstCell);                      // the kernel routes Console.Out to the running cell
            Assert.False(lab.AdvanceClockOrExplain(TimeSpan.FromDays(30)));
            Console.SetOut(secondCell);
            Assert.False(lab.AdvanceClockOrExplain(TimeSpan.FromDays(90)));
            using (LessonHost.Use(new LessonHost { Notes = null }))  // a host in force wins, even one that drops notes
            {
                Assert.False(lab.AdvanceClockOrExplain(TimeSpan.FromDays(7)));
            }
        }
        finally
        {
            Console.SetOut(console);
            LessonHost.DefaultNotes = defaultNotes;
        }
        Assert.Contains("30 days", firstCell.ToString());
        Assert.DoesNotContain("90 days", firstCell.ToString());
        Assert.Contains("90 days", secondCell.ToString());
        Assert.DoesNotContain("7 days", firstCell.ToString() + secondCell.ToString());
    }

    [Fact]
    public void On_the_simulator_the_helpers_just_work()
    {
        var lab = _sim.Lab;
        Assert.True(lab.IsSimulator);
        Assert.Equal(LabTarget.Simulator, lab.Target);
        var before = lab.Clock.GetUtcNow();
        Assert.True(lab.AdvanceClockOrExplain(TimeSpan.FromDays(366)));
        Assert.Equal(TimeSpan.FromDays(366), lab.Clock.GetUtcNow() - before);
        Assert.Equal(Arn("myKeyUser"), lab.PrincipalArn("myKeyUser"));
        Assert.Equal("alias/payroll", lab.AliasName("payroll"));
        Assert.Equal("alias/payroll-labAdmin", AwsLab().AliasName("alias/payroll"));
    }

    [Fact]
    public void ForLesson_follows_KMSLAB_TARGET()
    {
        _env.Set("KMSLAB_REGION", "eu-west-1").Set("KMSLAB_OWNER", "teacher@example.com");
        Assert.True(Lab.ForLesson("05-rotation").IsSimulator);
        _env.Set(Lab.TargetVariable, "simulator");
        Assert.True(Lab.ForLesson("05-rotation").IsSimulator);

        _env.Set(Lab.TargetVariable, "aws");
        var lab = Lab.ForLesson("05-rotation");
        Assert.Equal(LabTarget.Aws, lab.Target);
        Assert.Equal("05-rotation", lab.Lesson);
        Assert.Equal(RegionEndpoint.EUWest1, lab.DefaultRegion);
        Assert.Equal(new Dictionary<string, string> { [LabTags.Lesson] = "05-rotation", [LabTags.Owner] = "teacher@example.com" }, lab.KeyTags);
        Assert.Equal(RegionEndpoint.EUWest1, ((AmazonKeyManagementServiceClient)lab.CreateKmsClient()).Config.RegionEndpoint);
        Assert.Equal(3, ((AmazonKeyManagementServiceClient)lab.CreateKmsClient()).Config.MaxErrorRetry);

        _env.Set(Lab.TargetVariable, "cloud");
        Assert.Contains("use 'simulator' (the default) or 'aws'", Assert.Throws<ArgumentException>(() => Lab.ForLesson("05-rotation")).Message);
    }

    [Fact]
    public void Without_a_Region_the_aws_target_says_where_to_set_one()
    {
        // No KMSLAB_REGION, AWS_REGION, AWS_DEFAULT_REGION, and no 'default' profile in the (test process's) shared files.
        _env.Set(Lab.TargetVariable, "aws").Set("KMSLAB_OWNER", "teacher");
        var e = Assert.Throws<InvalidOperationException>(() => Lab.ForLesson("01-first-cmk"));
        Assert.Contains("KMSLAB_REGION", e.Message);
        _env.Set("AWS_REGION", "ap-southeast-2");
        Assert.Equal(RegionEndpoint.APSoutheast2, Lab.ForLesson("01-first-cmk").DefaultRegion);
    }

    [Fact]
    public void Settings_come_from_KMSLAB_variables()
    {
        var options = AwsLabOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["KMSLAB_REGION"] = "eu-central-1",
            ["KMSLAB_PROFILE"] = "class-admin",
            ["KMSLAB_PROFILE_myKeyUser"] = "student07-user",
            ["KMSLAB_PROFILE_SUFFIX"] = "-07",
            ["KMSLAB_OWNER"] = "student07",
            ["KMSLAB_ENDPOINT_URL"] = "http://127.0.0.1:4599",
        });
        Assert.Equal(RegionEndpoint.EUCentral1, options.Region);
        Assert.Equal("class-admin", options.ProfileFor(Lab.AdministratorName));
        Assert.Equal("student07-user", options.ProfileFor("myKeyUser"));
        Assert.Equal("student07-user", options.ProfileFor("MYKEYUSER"));
        Assert.Equal("myKeyManager-07", options.ProfileFor("myKeyManager"));
        Assert.Equal("student07", options.Owner);
        Assert.Equal("http://127.0.0.1:4599", options.EndpointUrl);
        Assert.Equal("kmslab-myKeyUser", new AwsLabOptions { ProfilePrefix = "kmslab-" }.ProfileFor("myKeyUser"));
        Assert.Null(new AwsLabOptions().ProfileFor(Lab.AdministratorName));
    }
}
