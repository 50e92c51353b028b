using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.RealAws;
using KmsLab.Targets;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// <c>kmslab cleanup</c> on an account where lessons ran on "AWS" (the simulator behind the real
/// client path) beside keys that are none of KmsLab's business: exactly the tagged keys are
/// scheduled for deletion, in 7 days, after their aliases; a second run has nothing to do.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class CleanupTests : IDisposable
{
    private readonly EnvironmentScope _env = new();
    private readonly TestLab _sim = new();
    private readonly AwsProfiles _profiles;

    public CleanupTests() => _profiles = new AwsProfiles(_sim.Lab);

    public void Dispose() => _env.Dispose();

    private Lab LessonOnAws(string lesson, string principal = Lab.AdministratorName) => Lab.Aws(new AwsLabOptions
    {
        Region = RegionEndpoint.USEast1,
        Profile = _profiles.Prefix + principal,
        ProfilePrefix = _profiles.Prefix,
        MaxErrorRetry = 0,
        HttpClientFactory = new InProcessHttpClientFactory(_sim.Lab.Handler),
        IdentityResolver = new SimulatedSts(_sim.Lab),
    }, lesson);

    private sealed record Account(string[] LessonKeys, string[] OtherKeys, string StackKey, string PendingKey);

    /// <summary>Two lessons' keys (one with two aliases), and keys KmsLab must never touch.</summary>
    private async Task<Account> SetUpAccountAsync()
    {
        var lesson3 = LessonOnAws("03-encrypt-decrypt").CreateKmsClient();
        var lesson5 = LessonOnAws("05-rotation").CreateKmsClient();
        var a = (await lesson3.CreateKeyAsync(new CreateKeyRequest { Description = "lesson 3 key" })).KeyMetadata.KeyId;
        var b = (await lesson3.CreateKeyAsync(new CreateKeyRequest { Description = "lesson 3 second key" })).KeyMetadata.KeyId;
        var c = (await lesson5.CreateKeyAsync(new CreateKeyRequest { Description = "lesson 5 key" })).KeyMetadata.KeyId;
        await lesson3.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/lesson3-payroll", TargetKeyId = a });
        await lesson3.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/lesson3-backup", TargetKeyId = a });
        await lesson5.DisableKeyAsync(new DisableKeyRequest { KeyId = c });

        // Not KmsLab's: untagged, other tags, only one of the two tags; a stack's key; a lab key already pending deletion.
        var kms = _sim.Kms;
        var untagged = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "production key" })).KeyMetadata.KeyId;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/production", TargetKeyId = untagged });
        var otherTags = (await kms.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = "kmslab", TagValue = "no" }, new Tag { TagKey = "lesson", TagValue = "03" }] })).KeyMetadata.KeyId;
        var halfTagged = (await kms.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = LabTags.Lesson, TagValue = "03-encrypt-decrypt" }] })).KeyMetadata.KeyId;
        var stack = (await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Tags = [new Tag { TagKey = LabTags.Lesson, TagValue = "lab-setup" }, new Tag { TagKey = LabTags.Owner, TagValue = "x" }, new Tag { TagKey = LabTags.ManagedBy, TagValue = "cloudformation" }],
        })).KeyMetadata.KeyId;
        var pending = (await lesson5.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await lesson5.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = pending, PendingWindowInDays = 30 });
        return new Account([a, b, c], [untagged, otherTags, halfTagged], stack, pending);
    }

    private async Task<KeyMetadata> Describe(string keyId) => (await _sim.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata;

    [Fact]
    public async Task Cleanup_schedules_deletion_of_exactly_the_tagged_keys_in_7_days_and_nothing_else()
    {
        var account = await SetUpAccountAsync();
        var cleaner = _sim.Lab.CreateKmsClient(); // cleanup needs no tagging client: any KMS client will do

        var plan = await LabCleanup.PlanAsync(cleaner);
        Assert.Equal(account.LessonKeys.Order(), plan.Keys.Select(k => k.KeyId).Order());
        Assert.Equal(8, plan.KeysListed);
        var first = plan.Keys.Single(k => k.KeyId == account.LessonKeys[0]);
        Assert.Equal(["alias/lesson3-backup", "alias/lesson3-payroll"], first.Aliases);
        Assert.Equal("03-encrypt-decrypt", first.Lesson);
        Assert.Equal($"arn:aws:iam::{_sim.Lab.AccountId}:user/labAdmin", first.Owner);
        Assert.Equal("Disabled", plan.Keys.Single(k => k.KeyId == account.LessonKeys[2]).KeyState);
        Assert.Contains("managed by a lab-setup stack", Assert.Single(plan.Skipped).Reason);
        Assert.DoesNotContain(_sim.Lab.AuditTrail.Query(operation: "ScheduleKeyDeletion"), e => !e.ResourceArns.Any(r => r.EndsWith(account.PendingKey, StringComparison.Ordinal)));

        var results = await LabCleanup.ApplyAsync(cleaner, plan);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(2, results.Single(r => r.Key.KeyId == account.LessonKeys[0]).AliasesDeleted.Count);
        foreach (var keyId in account.LessonKeys)
        {
            var key = await Describe(keyId);
            Assert.Equal(KeyState.PendingDeletion, key.KeyState);
            Assert.Equal(7, key.PendingDeletionWindowInDays);
            Assert.Equal(TestLab.Start.UtcDateTime.AddDays(7), key.DeletionDate);
        }
        foreach (var keyId in account.OtherKeys.Append(account.StackKey)) Assert.Equal(KeyState.Enabled, (await Describe(keyId)).KeyState);
        Assert.Equal(30, (await Describe(account.PendingKey)).PendingDeletionWindowInDays); // untouched
        var aliases = (await _sim.Kms.ListAliasesAsync(new ListAliasesRequest())).Aliases.Select(a => a.AliasName).ToList();
        Assert.Contains("alias/production", aliases);
        Assert.DoesNotContain("alias/lesson3-payroll", aliases);

        // The audit trail agrees: ScheduleKeyDeletion on the three lab keys (and the one the lesson itself scheduled), nothing else.
        var scheduled = _sim.Lab.AuditTrail.Query(operation: "ScheduleKeyDeletion").SelectMany(e => e.ResourceArns).Select(a => a.Split('/')[^1]).Order().ToList();
        Assert.Equal(account.LessonKeys.Append(account.PendingKey).Order(), scheduled);

        // Idempotent: a second run finds nothing to do.
        var again = await LabCleanup.PlanAsync(cleaner);
        Assert.Empty(again.Keys);
        Assert.Empty(await LabCleanup.ApplyAsync(cleaner, again));
    }

    [Fact]
    public async Task Cleanup_can_be_limited_to_one_lesson_or_one_owner()
    {
        var account = await SetUpAccountAsync();
        var byLesson = await LabCleanup.PlanAsync(_sim.Kms, new LabCleanupFilter { Lesson = "05-rotation" });
        Assert.Equal([account.LessonKeys[2]], byLesson.Keys.Select(k => k.KeyId));

        var asManager = LessonOnAws("06-key-lifecycle", Lab.KeyManagerName);
        _sim.Lab.PutIdentityPolicy(Lab.KeyManagerName, "CreateKeys", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"}]}""");
        var managers = (await asManager.CreateKmsClient().CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var byOwner = await LabCleanup.PlanAsync(_sim.Kms, new LabCleanupFilter { Owner = asManager.KeyTags[LabTags.Owner] });
        Assert.Equal([managers], byOwner.Keys.Select(k => k.KeyId));

        var withStack = await LabCleanup.PlanAsync(_sim.Kms, new LabCleanupFilter { IncludeStackManaged = true });
        Assert.Contains(account.StackKey, withStack.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task The_cleanup_command_is_a_dry_run_until_told_to_apply()
    {
        var account = await SetUpAccountAsync();
        async Task<(int Code, string Out, string Err)> Run(bool apply)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await CleanupCommand.RunAsync(new CleanupCommand.Settings(apply, new LabCleanupFilter(), "the simulator"), _sim.Kms, stdout, stderr, default);
            return (code, stdout.ToString(), stderr.ToString());
        }

        var dry = await Run(apply: false);
        Assert.Equal(0, dry.Code);
        Assert.Contains("dry run", dry.Out);
        Assert.Contains("3 carry the KmsLab tags", dry.Out);
        Assert.Contains("aliases: alias/lesson3-backup, alias/lesson3-payroll", dry.Out);
        Assert.Contains("Nothing was changed. Run again with --apply", dry.Out);
        Assert.All(account.LessonKeys, k => Assert.Contains(k, dry.Out));
        Assert.DoesNotContain(account.OtherKeys[0], dry.Out);
        Assert.Equal(KeyState.Enabled, (await Describe(account.LessonKeys[0])).KeyState);

        var applied = await Run(apply: true);
        Assert.Equal((0, ""), (applied.Code, applied.Err));
        Assert.Contains($"deletion scheduled for {TestLab.Start.AddDays(7):yyyy-MM-dd}", applied.Out);
        Assert.Contains("removed alias/lesson3-backup, alias/lesson3-payroll", applied.Out);
        Assert.Contains("3 key(s) pending deletion (7-day window", applied.Out);

        var second = await Run(apply: true);
        Assert.Equal(0, second.Code);
        Assert.Contains("0 carry the KmsLab tags", second.Out);
        Assert.Contains("Nothing to do.", second.Out);
    }

    [Fact]
    public async Task A_key_scheduled_meanwhile_counts_as_done()
    {
        var account = await SetUpAccountAsync();
        var plan = await LabCleanup.PlanAsync(_sim.Kms);
        await _sim.Kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = account.LessonKeys[1], PendingWindowInDays = 10 });
        var results = await LabCleanup.ApplyAsync(_sim.Kms, plan);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(TestLab.Start.UtcDateTime.AddDays(10), results.Single(r => r.Key.KeyId == account.LessonKeys[1]).DeletionDate);
    }
}
