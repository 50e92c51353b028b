using System.CommandLine;
using Amazon;
using Amazon.Runtime;
using KmsLab.Lessons;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab check terminal-lab</c>: the terminal lab's self-check. It acts as the lab's three
/// profiles (labAdmin, myKeyManager, myKeyUser, as <c>kmslab serve</c> prints them) against the
/// endpoint the learner worked with, reads and decrypts only, and reports each step.
/// </summary>
internal static class CheckCommand
{
    internal sealed record Settings(AwsLabOptions Options, string Directory);

    public static Command Create()
    {
        var endpoint = CommonOptions.EndpointUrl;
        var region = CommonOptions.Region;
        var prefix = new Option<string?>("--profile-prefix") { Description = "Put before labAdmin, myKeyManager and myKeyUser to make the profile names (lab-setup's student profiles). Default: KMSLAB_PROFILE_PREFIX, else none.", HelpName = "prefix" };
        var suffix = new Option<string?>("--profile-suffix") { Description = "Put after the three names to make the profile names, e.g. -07. Default: KMSLAB_PROFILE_SUFFIX, else none.", HelpName = "suffix" };
        var directory = new Option<string>("--dir") { Description = "The folder you worked in (secret.enc, bound.enc, secret.reenc). Default: the current folder.", DefaultValueFactory = _ => ".", HelpName = "folder" };
        var terminalLab = new Command("terminal-lab", "Check the terminal lab (notebooks/terminal-lab.md): the alias and its key, who the policy lets do what, your files decrypting under the right keys, the rotation and the second key's state. Reads only; changes nothing.")
        {
            endpoint, region, prefix, suffix, directory,
        };
        terminalLab.SetAction(async (parse, ct) =>
        {
            var options = AwsLabOptions.FromEnvironment();
            if (parse.GetValue(prefix) is { } p) options = options with { ProfilePrefix = p };
            if (parse.GetValue(suffix) is { } s) options = options with { ProfileSuffix = s };
            options = options with
            {
                Profile = options.ProfilePrefix + Lab.AdministratorName + options.ProfileSuffix,
                Region = parse.GetValue(region) is { } r ? RegionEndpoint.GetBySystemName(r) : options.Region ?? RegionEndpoint.USEast1,
                EndpointUrl = parse.GetValue(endpoint) ?? options.EndpointUrl,
                // The check creates no keys, so it needs no owner tag (and no STS call to make one).
                Owner = "kmslab check",
            };
            return await RunAsync(new Settings(options, parse.GetValue(directory)!), Console.Out, Console.Error, ct);
        });
        return new Command("check", "Check a lab you did outside the notebooks.") { terminalLab };
    }

    /// <summary>Runs the check and prints a verdict per step; 0 when every step is done.</summary>
    internal static async Task<int> RunAsync(Settings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!Directory.Exists(settings.Directory))
        {
            stderr.WriteLine($"kmslab check: no folder {Path.GetFullPath(settings.Directory)}.");
            return ExitCodes.Usage;
        }
        IReadOnlyList<CheckResult> results;
        try
        {
            results = await TerminalLabCheck.RunAsync(Lab.Aws(settings.Options, "terminal-lab"), settings.Directory, ct);
        }
        catch (InvalidOperationException e)
        {
            // A profile is missing: the message names it and says how to add it.
            stderr.WriteLine($"kmslab check: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (AmazonServiceException e) when (e.InnerException is HttpRequestException)
        {
            stderr.WriteLine($"kmslab check: cannot reach KMS at {settings.Options.EndpointUrl ?? settings.Options.Region?.SystemName}: {e.InnerException.Message}. Is kmslab serve running? Pass its --endpoint-url.");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException e)
        {
            stderr.WriteLine($"kmslab check: cannot reach KMS at {settings.Options.EndpointUrl ?? settings.Options.Region?.SystemName}: {e.Message}. Is kmslab serve running? Pass its --endpoint-url.");
            return ExitCodes.Failed;
        }
        foreach (var result in results) stdout.WriteLine(result.ToPlainText());
        int done = results.Count(r => r.Passed);
        stdout.WriteLine();
        bool all = done == TerminalLabCheck.Steps;
        stdout.WriteLine(all ? $"All {done} steps done." : $"{done} of {TerminalLabCheck.Steps} steps done.");
        return all ? ExitCodes.Success : ExitCodes.Failed;
    }
}
