using System.CommandLine;

namespace KmsLab.Cli.Commands;

/// <summary>
/// The options several commands take, declared once so that every command spells, describes and
/// validates them alike. A command adds the ones it honours to itself.
/// </summary>
internal static class CommonOptions
{
    /// <summary><c>--region</c>: the AWS Region of the KMS calls.</summary>
    public static readonly Option<string?> Region = new("--region")
    {
        Description = "The AWS Region, e.g. eu-west-1. Default: us-east-1; cleanup reads KMSLAB_REGION, AWS_REGION, AWS_DEFAULT_REGION, then the profile's region.",
        HelpName = "region",
    };

    /// <summary><c>--endpoint-url</c>: where KMS calls go instead of the command's default.</summary>
    public static readonly Option<string?> EndpointUrl = new("--endpoint-url")
    {
        Description = "Send KMS calls to this endpoint, e.g. a 'kmslab serve' URL (http://127.0.0.1:4599) or https://kms.<region>.amazonaws.com. "
            + "Default: encrypt and decrypt use a fresh in-process simulator, cleanup the Region's KMS, bench --http a kmslab serve it starts.",
        HelpName = "url",
    };

    /// <summary><c>--profile</c>: the AWS profile whose credentials sign the calls.</summary>
    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "The AWS profile to act as. Default: cleanup reads KMSLAB_PROFILE; otherwise the standard credential chain (AWS_PROFILE, environment keys, default, SSO).",
        HelpName = "profile",
    };

    /// <summary><c>--quiet</c>: less output.</summary>
    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Less output: no progress bar (encrypt, decrypt); one line per notebook, and the failing cell, instead of the whole lesson (run).",
    };

    static CommonOptions()
    {
        EndpointUrl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                result.AddError($"--endpoint-url '{url}' is not an http(s) URL such as http://127.0.0.1:4599.");
        });
        Region.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } region && string.IsNullOrWhiteSpace(region)) result.AddError("--region must name a Region, e.g. eu-west-1.");
        });
    }
}
