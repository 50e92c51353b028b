using System.Text.RegularExpressions;
using KmsLab.Cli.Commands;
using KmsLab.Tests.RealAws;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// The terminal lab as a learner does it: its shell blocks, in order, with the aws CLI against
/// <c>kmslab serve</c>; every 🤔 predict step gets the answer KMS really gives; and
/// <c>kmslab check terminal-lab</c> says "not yet" with a hint before, and "well done" for every
/// step after.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed partial class TerminalLabTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(4);

    private static string LabText => File.ReadAllText(Path.Combine(Repository.Notebooks, "terminal-lab.md"));

    /// <summary>The shell blocks a learner types in the second terminal: all but starting the server and the check.</summary>
    private static IReadOnlyList<string> LearnerBlocks() => ShellBlock().Matches(LabText).Select(m => m.Groups["code"].Value)
        .Where(b => !b.Contains("-- serve", StringComparison.Ordinal) && !b.Contains("check terminal-lab", StringComparison.Ordinal)).ToList();

    [Fact]
    public void The_lab_has_objectives_predictions_questions_and_a_self_check_and_gives_no_result_away()
    {
        var text = LabText;
        Assert.Contains("**You will learn to**", text, StringComparison.Ordinal);
        Assert.True(Regex.Matches(text, "🤔 \\*\\*predict").Count >= 8, "fewer than 8 predictions");
        Assert.Contains("## Questions", text, StringComparison.Ordinal);
        Assert.Contains("check terminal-lab", text, StringComparison.Ordinal);
        // No comment in a command block tells what KMS will answer.
        foreach (var block in LearnerBlocks())
        {
            foreach (Match comment in Regex.Matches(block, "#[^\n]*"))
            {
                Assert.DoesNotMatch("Exception|allowed|denied|still works|ARN|Disabled", comment.Value);
            }
        }
        // Crypto as the key user, management as the key administrator, as in the seed.
        Assert.DoesNotMatch("aws kms (encrypt|decrypt|re-encrypt|generate-data-key)[^\n]*(\\\\\n[^\n]*)?--profile labAdmin", string.Join("\n", LearnerBlocks()));
        Assert.DoesNotMatch("aws kms (enable-key-rotation|rotate-key-on-demand|schedule-key-deletion --key-id \"\\$KEY2_ID\"|cancel-key-deletion)[^\n]*--profile labAdmin", string.Join("\n", LearnerBlocks()));
    }

    [Fact]
    public async Task The_lab_run_with_the_aws_CLI_against_kmslab_serve_gets_the_predicted_answers_and_passes_its_check()
    {
        var awsCli = ExternalClients.AwsCliV1();
        ExternalClients.Require(awsCli is not null, "the AWS CLI v1 (python3 -m awscli) is not installed");
        await using var served = await ServedLab.StartAsync();
        using var profiles = new AwsProfiles(served.Lab);
        using var dir = new TempDir();
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        var shim = Path.Combine(bin, "aws");
        await File.WriteAllTextAsync(shim, "#!/bin/sh\n" + awsCli + "\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var work = Directory.CreateDirectory(Path.Combine(dir.Path, "work")).FullName;

        var settings = new CheckCommand.Settings(new AwsLabOptions
        {
            EndpointUrl = served.EndpointUrl,
            Region = Amazon.RegionEndpoint.USEast1,
            Profile = profiles.Prefix + Lab.AdministratorName,
            ProfilePrefix = profiles.Prefix,
            Owner = "test",
        }, work);

        // Before: nothing built yet.
        var before = new StringWriter();
        Assert.Equal(ExitCodes.Failed, await CheckCommand.RunAsync(settings, before, new StringWriter(), CancellationToken.None));
        Assert.Contains("not yet. there is no alias/myFirstKey", before.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hint: aws kms create-alias", before.ToString(), StringComparison.Ordinal);

        var script = string.Join("\n", LearnerBlocks())
            .Replace("http://127.0.0.1:4599", served.EndpointUrl, StringComparison.Ordinal)
            .Replace("--profile ", "--profile " + profiles.Prefix, StringComparison.Ordinal);
        var env = new Dictionary<string, string>
        {
            ["AWS_CONFIG_FILE"] = TestAwsFiles.ConfigFile,
            ["AWS_SHARED_CREDENTIALS_FILE"] = TestAwsFiles.CredentialsFile,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };
        var result = await ExternalClients.RunAsync("bash", ["-c", script], work, env, ClientTimeout, extraPath: bin);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Each prediction's answer, in the order the lab asks them.
        string[] expected = ["NotFoundException", "AccessDeniedException", "AccessDeniedException", "ValidationException", "InvalidCiphertextException", "ValidationException", "KMSInvalidStateException"];
        var errors = Regex.Matches(result.Stderr, "\\((?<code>[A-Za-z]+Exception)\\)").Select(m => m.Groups["code"].Value).ToList();
        Assert.Equal(expected, errors);
        Assert.Contains("my secret", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"Disabled\"", result.Stdout, StringComparison.Ordinal);

        var after = new StringWriter();
        int exit = await CheckCommand.RunAsync(settings, after, new StringWriter(), CancellationToken.None);
        log.WriteLine(before.ToString());
        log.WriteLine(after.ToString());
        Assert.True(exit == ExitCodes.Success, after.ToString());
        Assert.Equal(6, Regex.Matches(after.ToString(), "well done").Count);
        Assert.Contains("All 6 steps done.", after.ToString(), StringComparison.Ordinal);

        // A plausible slip: secret.reenc made with the first key still named as destination.
        File.Copy(Path.Combine(work, "secret.enc"), Path.Combine(work, "secret.reenc"), overwrite: true);
        var slip = new StringWriter();
        Assert.Equal(ExitCodes.Failed, await CheckCommand.RunAsync(settings, slip, new StringWriter(), CancellationToken.None));
        Assert.Contains("secret.reenc is still under the first key", slip.ToString(), StringComparison.Ordinal);
        Assert.Contains("--destination-key-id", slip.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("```sh\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
