using System.CommandLine;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Commands;
using KmsLab.RealAws;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// The classroom dry run against <c>kmslab serve</c> itself (KmsServer on a loopback port): lessons
/// with KMSLAB_TARGET=aws and the profiles <c>kmslab serve</c> prints, then <c>kmslab cleanup</c>
/// lesson by lesson.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class KmsServeTargetTests
{
    private static async Task<(int Code, string Out)> Kmslab(params string[] args)
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            return (await new RootCommand { CleanupCommand.Create() }.Parse(args).InvokeAsync(), output.ToString());
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    [Fact]
    public async Task Lessons_and_cleanup_against_kmslab_serve()
    {
        await using var served = await ServedLab.StartAsync();
        using var env = new EnvironmentScope();
        var profiles = new AwsProfiles(served.Lab);
        env.Set(Lab.TargetVariable, "aws")
            .Set("KMSLAB_REGION", "us-east-1")
            .Set("KMSLAB_ENDPOINT_URL", served.EndpointUrl)
            .Set("KMSLAB_PROFILE", profiles.Prefix + "labAdmin")
            .Set("KMSLAB_PROFILE_PREFIX", profiles.Prefix)
            .Set("KMSLAB_OWNER", "student-03");

        var keys = new Dictionary<string, string>();
        foreach (var lesson in new[] { "01-first-cmk", "06-key-lifecycle" })
        {
            var lab = Lab.ForLesson(lesson);
            var kms = lab.CreateKmsClient();
            keys[lesson] = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = lesson })).KeyMetadata.KeyId;
            await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = lab.AliasName(lesson), TargetKeyId = keys[lesson] });
        }
        var admin = served.CreateClient();
        var foreign = (await admin.CreateKeyAsync(new CreateKeyRequest { Description = "not a lab key" })).KeyMetadata.KeyId;
        Assert.Equal([(LabTags.Lesson, "06-key-lifecycle"), (LabTags.Owner, "student-03")],
            (await admin.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keys["06-key-lifecycle"] })).Tags.Select(t => (t.TagKey, t.TagValue)));

        string[] common = ["--endpoint-url", served.EndpointUrl, "--region", "us-east-1", "--profile", profiles.Prefix + "labAdmin"];
        var one = await Kmslab(["cleanup", "--apply", "--lesson", "01-first-cmk", .. common]);
        Assert.Equal(0, one.Code);
        Assert.Contains("removed alias/01-first-cmk-student-03", one.Out);
        async Task<KeyState> State(string keyId) => (await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId })).KeyMetadata.KeyState;
        Assert.Equal(KeyState.PendingDeletion, await State(keys["01-first-cmk"]));
        Assert.Equal(KeyState.Enabled, await State(keys["06-key-lifecycle"]));

        var rest = await Kmslab(["cleanup", "--apply", .. common]);
        Assert.Equal(0, rest.Code);
        Assert.Contains("1 key(s) pending deletion", rest.Out);
        Assert.Equal(KeyState.PendingDeletion, await State(keys["06-key-lifecycle"]));
        Assert.Equal(7, (await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keys["06-key-lifecycle"] })).KeyMetadata.PendingDeletionWindowInDays);
        Assert.Equal(KeyState.Enabled, await State(foreign));
        Assert.Contains("Nothing to do.", (await Kmslab(["cleanup", .. common])).Out);
    }
}
