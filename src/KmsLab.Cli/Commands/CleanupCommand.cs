using System.CommandLine;
using System.Globalization;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using KmsLab.Hosting;
using KmsLab.RealAws;

namespace KmsLab.Cli.Commands;

/// <summary>
/// <c>kmslab cleanup</c>: lists the KMS keys KmsLab created (tagged <c>kmslab:lesson</c> and
/// <c>kmslab:owner</c>) in one account and Region; with <c>--apply</c>, removes their aliases and
/// schedules their deletion in 7 days. A dry run by default; idempotent; never touches other keys.
/// </summary>
internal static class CleanupCommand
{
    internal sealed record Settings(bool Apply, LabCleanupFilter Filter, string Where);

    public static Command Create()
    {
        var apply = new Option<bool>("--apply") { Description = "Delete the lab keys' aliases and schedule the keys' deletion (7-day window). Without it: a dry run that changes nothing." };
        var lesson = new Option<string?>("--lesson") { Description = "Only keys of this lesson (tag kmslab:lesson), e.g. 03-encrypt-decrypt." };
        var owner = new Option<string?>("--owner") { Description = "Only keys of this owner (tag kmslab:owner), e.g. arn:aws:iam::123456789012:user/labAdmin-07." };
        var includeStack = new Option<bool>("--include-stack-managed") { Description = "Also the keys a lab-setup stack owns (tag kmslab:managed-by); normally deleting the stack deletes them." };
        var region = CommonOptions.Region;
        var profile = CommonOptions.Profile;
        var endpoint = CommonOptions.EndpointUrl;
        var command = new Command("cleanup", "List the KMS keys KmsLab lessons created on AWS (tagged kmslab:lesson and kmslab:owner) and, with --apply, schedule their deletion (7 days) after removing their aliases. Never touches other keys.")
        {
            apply, lesson, owner, includeStack, region, endpoint, profile,
        };
        command.SetAction(async (parse, ct) =>
        {
            IAmazonKeyManagementService kms;
            string where;
            try
            {
                var options = AwsLabOptions.FromEnvironment() with { MaxErrorRetry = 5 };
                if (parse.GetValue(region) is { } r) options = options with { Region = RegionEndpoint.GetBySystemName(r) };
                if (parse.GetValue(profile) is { } p) options = options with { Profile = p };
                if (parse.GetValue(endpoint) is { } e) options = options with { EndpointUrl = e };
                kms = AwsKmsClient.Create(options, "--profile");
                var resolvedRegion = AwsKmsClient.ResolveRegion(options);
                where = $"KMS in {resolvedRegion.SystemName}{(options.EndpointUrl is { } url ? " at " + url : "")}, as {(options.Profile is { } pr ? "profile '" + pr + "'" : "the standard credential chain")}";
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                Console.Error.WriteLine($"kmslab cleanup: {e.Message}{(parse.GetValue(region) is null && e.Message.Contains("no Region", StringComparison.Ordinal) ? " Or pass --region." : "")}");
                return ExitCodes.Usage;
            }
            var settings = new Settings(parse.GetValue(apply), new LabCleanupFilter
            {
                Lesson = parse.GetValue(lesson),
                Owner = parse.GetValue(owner),
                IncludeStackManaged = parse.GetValue(includeStack),
            }, where);
            using (kms as IDisposable)
            {
                return await RunAsync(settings, kms, Console.Out, Console.Error, ct);
            }
        });
        return command;
    }

    /// <summary>Plans (and with <see cref="Settings.Apply"/> carries out) the cleanup, reporting on <paramref name="stdout"/>.</summary>
    internal static async Task<int> RunAsync(Settings settings, IAmazonKeyManagementService kms, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        LabCleanupPlan plan;
        try
        {
            plan = await LabCleanup.PlanAsync(kms, settings.Filter, ct);
        }
        catch (AmazonServiceException e)
        {
            stderr.WriteLine($"kmslab cleanup: listing keys failed: {e.ErrorCode}: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (AmazonClientException e)
        {
            stderr.WriteLine($"kmslab cleanup: {e.Message} (Check `aws sts get-caller-identity`, the --profile and the --region.)");
            return ExitCodes.Failed;
        }

        stdout.WriteLine($"kmslab cleanup: {settings.Where}{(settings.Apply ? "" : " — dry run")}");
        string scope = string.Join(", ", new[] { settings.Filter.Lesson is { } l ? $"lesson {l}" : null, settings.Filter.Owner is { } o ? $"owner {o}" : null }.Where(x => x is not null));
        stdout.WriteLine($"{plan.KeysListed} key(s) listed; {plan.Keys.Count} carry the KmsLab tags ({LabTags.Lesson}, {LabTags.Owner}){(scope.Length > 0 ? " and match " + scope : "")} and are not yet pending deletion.");
        foreach (var key in plan.Keys)
        {
            stdout.WriteLine($"  {key.KeyId}  {key.KeyState,-13} lesson={key.Lesson}  owner={key.Owner}{(key.Aliases.Count > 0 ? "  aliases: " + string.Join(", ", key.Aliases) : "")}");
        }
        foreach (var skipped in plan.Skipped)
        {
            stdout.WriteLine($"  left alone: {skipped.KeyArn}: {skipped.Reason}");
        }
        if (plan.Keys.Count == 0)
        {
            stdout.WriteLine("Nothing to do.");
            return ExitCodes.Success;
        }
        if (!settings.Apply)
        {
            stdout.WriteLine($"Nothing was changed. Run again with --apply to remove their aliases and schedule their deletion in {LabCleanup.PendingWindowInDays} days.");
            return ExitCodes.Success;
        }

        var results = await LabCleanup.ApplyAsync(kms, plan, ct);
        int failed = 0;
        foreach (var r in results)
        {
            if (r.Error is null)
            {
                var when = r.DeletionDate is { } d ? d.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "?";
                stdout.WriteLine($"  {r.Key.KeyId}: deletion scheduled for {when}{(r.AliasesDeleted.Count > 0 ? "; removed " + string.Join(", ", r.AliasesDeleted) : "")}");
            }
            else
            {
                failed++;
                stderr.WriteLine($"  {r.Key.KeyId}: not scheduled: {r.Error}");
            }
        }
        stdout.WriteLine($"{results.Count - failed} key(s) pending deletion ({LabCleanup.PendingWindowInDays}-day window; CancelKeyDeletion undoes it until then){(failed > 0 ? $", {failed} failed" : "")}.");
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
