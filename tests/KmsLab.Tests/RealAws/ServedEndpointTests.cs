using System.CommandLine;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.RealAws;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// The whole real-AWS path configured only by environment variables, as a learner would: the
/// lesson's entry point with KMSLAB_TARGET=aws and the <c>kmslab cleanup</c> command with
/// --endpoint-url and --profile, both reaching a simulator served over loopback HTTP with the
/// learner's profiles — the dry run that <c>kmslab serve</c> offers.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class ServedEndpointTests : IDisposable
{
    private readonly EnvironmentScope _env = new();
    private readonly TestLab _sim = new();
    private readonly LoopbackKms _served;
    private readonly AwsProfiles _profiles;

    public ServedEndpointTests()
    {
        _served = new LoopbackKms(_sim.Lab);
        _profiles = new AwsProfiles(_sim.Lab);
    }

    public void Dispose()
    {
        _served.Dispose();
        _env.Dispose();
    }

    private static async Task<(int Code, string Out)> Kmslab(params string[] args)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            int code = await new RootCommand { CleanupCommand.Create() }.Parse(args).InvokeAsync();
            return (code, output.ToString());
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    [Fact]
    public async Task Lessons_on_the_aws_target_tag_their_keys_and_cleanup_deletes_exactly_those()
    {
        _env.Set(Lab.TargetVariable, "aws")
            .Set("KMSLAB_REGION", "eu-west-1")
            .Set("KMSLAB_ENDPOINT_URL", _served.Url)
            .Set("KMSLAB_PROFILE", _profiles.Prefix + "labAdmin")
            .Set("KMSLAB_PROFILE_PREFIX", _profiles.Prefix)
            .Set("KMSLAB_OWNER", "student-07"); // the served simulator has no STS to ask

        var lab = Lab.ForLesson("03-encrypt-decrypt");
        Assert.Equal(LabTarget.Aws, lab.Target);
        var kms = lab.CreateKmsClient();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "lesson key" })).KeyMetadata;
        Assert.StartsWith("arn:aws:kms:eu-west-1:", key.Arn);
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = lab.AliasName("payroll"), TargetKeyId = key.KeyId });
        Assert.Equal("alias/payroll-student-07", lab.AliasName("payroll"));
        var listed = await lab.CreateKmsClient("myKeyUser").ListKeysAsync(new ListKeysRequest());
        Assert.Equal(key.Arn, Assert.Single(listed.Keys).KeyArn);
        Assert.Single(_sim.Lab.AuditTrail.Query(principal: "myKeyUser", operation: "ListKeys"));

        // Someone else's key in the same account and Region, and the lab's own key: only the latter is KmsLab's.
        var eu = _sim.Lab.CreateKmsClient(Amazon.RegionEndpoint.EUWest1);
        var foreign = (await eu.CreateKeyAsync(new CreateKeyRequest { Description = "not a lab key" })).KeyMetadata;
        var tags = (await eu.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId })).Tags;
        Assert.Equal([(LabTags.Lesson, "03-encrypt-decrypt"), (LabTags.Owner, "student-07")], tags.Select(t => (t.TagKey, t.TagValue)));
        Assert.Equal(3, _served.Requests); // CreateKey, CreateAlias, ListKeys (ListResourceTags went in process)

        var dry = await Kmslab("cleanup", "--endpoint-url", _served.Url, "--region", "eu-west-1", "--profile", _profiles.Prefix + "labAdmin");
        Assert.Equal(0, dry.Code);
        Assert.Contains($"KMS in eu-west-1 at {_served.Url}, as profile '{_profiles.Prefix}labAdmin' — dry run", dry.Out);
        Assert.Contains(key.KeyId, dry.Out);
        Assert.DoesNotContain(foreign.KeyId, dry.Out);
        Assert.Equal(KeyState.Enabled, (await eu.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata.KeyState);

        var applied = await Kmslab("cleanup", "--apply", "--endpoint-url", _served.Url, "--region", "eu-west-1", "--profile", _profiles.Prefix + "labAdmin");
        Assert.Equal(0, applied.Code);
        Assert.Contains("removed alias/payroll-student-07", applied.Out);
        var deleted = (await eu.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(KeyState.PendingDeletion, deleted.KeyState);
        Assert.Equal(7, deleted.PendingDeletionWindowInDays);
        Assert.Equal(KeyState.Enabled, (await eu.DescribeKeyAsync(new DescribeKeyRequest { KeyId = foreign.KeyId })).KeyMetadata.KeyState);
        Assert.Single(_sim.Lab.AuditTrail.Query(operation: "ScheduleKeyDeletion"));

        var again = await Kmslab("cleanup", "--apply", "--endpoint-url", _served.Url, "--region", "eu-west-1", "--profile", _profiles.Prefix + "labAdmin");
        Assert.Equal(0, again.Code);
        Assert.Contains("Nothing to do.", again.Out);
    }

    [Fact]
    public async Task Cleanup_with_an_unknown_profile_is_a_usage_error()
    {
        var result = await Kmslab("cleanup", "--endpoint-url", _served.Url, "--region", "eu-west-1", "--profile", "no-such-profile");
        Assert.Equal(2, result.Code);
        Assert.Equal(0, _served.Requests);
    }
}
