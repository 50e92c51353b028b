using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using KmsLab.Cli.Notebooks;
using KmsLab.RealAws;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;
using Xunit.Abstractions;

namespace KmsLab.Tests.RealAws;

/// <summary>
/// "A lesson never fails just because it runs on real AWS": every notebook, top to bottom, with
/// KMSLAB_TARGET=aws against <c>kmslab serve</c> standing in for AWS. The lessons see only what a
/// learner's machine gives them: environment variables and AWS profiles (the Region, the endpoint,
/// labAdmin, myKeyManager and myKeyUser); who they are comes from STS GetCallerIdentity, answered by
/// the served endpoint. All lessons share one account, as a class shares one on AWS. The simulator's
/// extras (audit trail, clock, IAM, S3) are out of reach, exactly as on AWS.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class NotebooksOnAwsTargetTests(ITestOutputHelper log)
{
    [Fact]
    public async Task EveryLessonRunsTopToBottomOnTheAwsTargetAgainstKmslabServe()
    {
        await using var served = await ServedLab.StartAsync();
        using var env = LearnerOnAws(served);

        NotebookHost.Configure();
        var failures = new StringBuilder();
        var total = Stopwatch.StartNew();
        foreach (var lesson in Repository.LessonFiles)
        {
            var runner = new NotebookRunner(new NotebookRunOptions(null, TimeSpan.FromMinutes(2)), new Silent());
            var result = await runner.RunAsync(lesson);
            log.WriteLine($"{Path.GetFileName(lesson)}: {(result.Passed ? "passed" : "FAILED")} in {result.Elapsed.TotalSeconds:0.0} s ({result.CodeCellsRun}/{result.CodeCells} code cells)");
            if (result.Failure is { } f) failures.AppendLine($"{Path.GetFileName(lesson)}, cell {f.CellNumber}:\n{f.Code}\n---\n{f.Error}\n");
            else if (result.CodeCellsRun != result.CodeCells) failures.AppendLine($"{Path.GetFileName(lesson)}: ran {result.CodeCellsRun} of {result.CodeCells} code cells");
        }
        log.WriteLine($"all lessons on the aws target: {total.Elapsed.TotalSeconds:0.0} s");

        Assert.True(failures.Length == 0, failures.ToString());
        // Everything the lessons created on "AWS" carries the lab's tags, for kmslab cleanup.
        var admin = served.CreateClient();
        var customerKeys = 0;
        foreach (var entry in (await admin.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys)
        {
            if ((await admin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = entry.KeyId })).KeyMetadata.KeyManager != KeyManagerType.CUSTOMER) continue;
            customerKeys++;
            var tags = (await admin.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = entry.KeyId })).Tags;
            Assert.Contains(tags, t => t.TagKey == LabTags.Lesson);
            Assert.Contains(tags, t => t.TagKey == LabTags.Owner && t.TagValue.EndsWith(":user/labAdmin", StringComparison.Ordinal));
        }
        Assert.True(customerKeys > 10, $"only {customerKeys} lab keys");
    }

    /// <summary>
    /// Every exercise's own solution passes its check on the aws target — with the learner's own
    /// account (not the simulator's default one) and lab-setup's people.
    /// </summary>
    private const string SolvedOnlyOnTheSimulator = "08-auditing.ipynb";

    [Fact]
    public async Task EverySolutionPassesItsCheckOnTheAwsTarget()
    {
        await using var served = await ServedLab.StartAsync(options: new LabOptions { AccountId = "777788889999" });
        using var env = LearnerOnAws(served);

        NotebookHost.Configure();
        using var dir = new TempDir();
        var failures = new StringBuilder();
        foreach (var lesson in Repository.LessonFiles)
        {
            var nb = IpynbDocument.Load(lesson);
            var cells = nb.Cells.ToList();
            int check = LessonSolution.Apply(cells);
            var path = Path.Combine(dir.Path, Path.GetFileName(lesson));
            nb.Save(path);
            var observer = new LessonSolution.Capture();
            var result = await new NotebookRunner(new NotebookRunOptions(null, TimeSpan.FromMinutes(2)), observer).RunAsync(path);
            var verdict = observer.Outputs.GetValueOrDefault(check + 1, "");
            log.WriteLine($"{Path.GetFileName(lesson)}: {(result.Passed ? "ran" : "FAILED")}; check: {verdict.Split('\n')[0]}");
            if (Path.GetFileName(lesson) == SolvedOnlyOnTheSimulator)
            {
                // Open (issue 21): the trail it asks about is CloudTrail's on AWS, which kmslab serve does not answer.
                Assert.Contains(nameof(SimulatorOnlyException), result.Failure?.Error ?? "(it passed: remove this exception)", StringComparison.Ordinal);
                continue;
            }
            if (result.Failure is { } f) failures.AppendLine($"{Path.GetFileName(lesson)}, cell {f.CellNumber}:\n{f.Code}\n---\n{f.Error}\n");
            else if (!verdict.Contains("well done", StringComparison.Ordinal)) failures.AppendLine($"{Path.GetFileName(lesson)}: the solution's check said\n{verdict}\n");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }

    /// <summary>What a learner's machine gives a lesson on the aws target: the variables, lab-setup's three profiles and a partnerAdmin profile of a second account.</summary>
    private static EnvironmentScope LearnerOnAws(ServedLab served)
    {
        var profiles = new AwsProfiles(served.Lab, extraProfiles: new Dictionary<string, string> { [Lab.PartnerAdministratorName] = Lab.PartnerAdministratorName });
        return new EnvironmentScope().Set(Lab.TargetVariable, "aws")
            .Set("KMSLAB_REGION", "us-east-1")
            .Set("KMSLAB_ENDPOINT_URL", served.EndpointUrl)
            .Set("KMSLAB_PROFILE", profiles.Prefix + Lab.AdministratorName)
            .Set("KMSLAB_PROFILE_PREFIX", profiles.Prefix);
    }

    private sealed class Silent : INotebookObserver
    {
        public void NotebookStarted(string path, IpynbDocument notebook) { }
        public void Markdown(IpynbCell cell) { }
        public void CodeStarted(int cellNumber, IpynbCell cell) { }
        public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed) { }
        public void NotebookFinished(NotebookResult result) { }
    }
}
