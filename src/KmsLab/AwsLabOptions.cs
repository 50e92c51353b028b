using System.Collections;
using Amazon;
using Amazon.Runtime;
using KmsLab.RealAws;

namespace KmsLab;

/// <summary>
/// Settings of a lab on real AWS KMS (<see cref="Lab.Aws"/>), usually read from the environment
/// by <see cref="FromEnvironment()"/>:
/// <list type="table">
/// <item><term><c>KMSLAB_TARGET</c></term><description><c>aws</c> makes <see cref="Lab.ForLesson"/> choose real AWS (default <c>simulator</c>).</description></item>
/// <item><term><c>KMSLAB_REGION</c></term><description>The Region; otherwise <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the profile's <c>region</c>.</description></item>
/// <item><term><c>KMSLAB_PROFILE</c></term><description>The profile of the lab's administrator (<c>lab.CreateKmsClient()</c>); otherwise the SDK's standard credential chain (<c>AWS_PROFILE</c>, environment keys, <c>default</c>, SSO...).</description></item>
/// <item><term><c>KMSLAB_PROFILE_&lt;principal&gt;</c></term><description>The profile that acts as a lab principal, e.g. <c>KMSLAB_PROFILE_myKeyUser=student07-user</c>.</description></item>
/// <item><term><c>KMSLAB_PROFILE_PREFIX</c>, <c>KMSLAB_PROFILE_SUFFIX</c></term><description>Otherwise a principal acts through the profile <c>&lt;prefix&gt;&lt;principal&gt;&lt;suffix&gt;</c> (default: the principal's name, e.g. <c>myKeyUser</c>).</description></item>
/// <item><term><c>KMSLAB_OWNER</c></term><description>The <c>kmslab:owner</c> tag's value; default: the administrator's IAM ARN (from STS GetCallerIdentity).</description></item>
/// <item><term><c>KMSLAB_ENDPOINT_URL</c></term><description>Send KMS calls to this endpoint instead (e.g. <c>kmslab serve</c> for a dry run); the SDK's own <c>AWS_ENDPOINT_URL_KMS</c> works too.</description></item>
/// </list>
/// </summary>
public sealed record AwsLabOptions
{
    /// <summary>The environment variable that chooses the target: <c>simulator</c> (or unset) or <c>aws</c>.</summary>
    public const string TargetVariable = "KMSLAB_TARGET";

    /// <summary>The Region of the lab's clients. Default: <c>KMSLAB_REGION</c>, <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the administrator's profile.</summary>
    public RegionEndpoint? Region { get; init; }

    /// <summary>The named profile of the lab's administrator; null for the SDK's standard credential chain.</summary>
    public string? Profile { get; init; }

    /// <summary>Explicit profile names for lab principals (e.g. <c>myKeyUser</c> → <c>student07-user</c>).</summary>
    public IReadOnlyDictionary<string, string> PrincipalProfiles { get; init; } = new Dictionary<string, string>();

    /// <summary>Put before a principal's name to make its profile name (when <see cref="PrincipalProfiles"/> has none).</summary>
    public string ProfilePrefix { get; init; } = "";

    /// <summary>Put after a principal's name to make its profile name (e.g. <c>-07</c>).</summary>
    public string ProfileSuffix { get; init; } = "";

    /// <summary>The <c>kmslab:owner</c> tag's value; null: the administrator's IAM ARN.</summary>
    public string? Owner { get; init; }

    /// <summary>Send KMS calls here instead of the Region's KMS endpoint (e.g. <c>http://127.0.0.1:4599</c> for <c>kmslab serve</c>).</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>How often the SDK retries throttled or failed calls (standard retry mode). Default 3, as on AWS.</summary>
    public int MaxErrorRetry { get; init; } = 3;

    /// <summary>Test seam: routes the SDK's HTTP to a handler (the in-process simulator) instead of the network.</summary>
    internal HttpClientFactory? HttpClientFactory { get; init; }

    /// <summary>Test seam: answers "who am I" for a profile instead of STS GetCallerIdentity.</summary>
    internal ICallerIdentityResolver? IdentityResolver { get; init; }

    /// <summary>Reads the settings from <c>KMSLAB_*</c> environment variables (see the class remarks).</summary>
    public static AwsLabOptions FromEnvironment() => FromEnvironment(ReadEnvironment());

    /// <summary>Reads the settings from the given variables, as <see cref="FromEnvironment()"/> reads the process environment.</summary>
    public static AwsLabOptions FromEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string name) => variables.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        const string profilePrefix = "KMSLAB_PROFILE_";
        var principals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in variables)
        {
            if (!name.StartsWith(profilePrefix, StringComparison.Ordinal) || string.IsNullOrWhiteSpace(value)) continue;
            var principal = name[profilePrefix.Length..];
            if (principal is "PREFIX" or "SUFFIX" || principal.Length == 0) continue;
            principals[principal] = value.Trim();
        }
        var region = Get("KMSLAB_REGION");
        return new AwsLabOptions
        {
            Region = region is null ? null : RegionEndpoint.GetBySystemName(region),
            Profile = Get("KMSLAB_PROFILE"),
            PrincipalProfiles = principals,
            ProfilePrefix = Get("KMSLAB_PROFILE_PREFIX") ?? "",
            ProfileSuffix = Get("KMSLAB_PROFILE_SUFFIX") ?? "",
            Owner = Get("KMSLAB_OWNER"),
            EndpointUrl = Get("KMSLAB_ENDPOINT_URL"),
        };
    }

    /// <summary>
    /// The profile that acts as <paramref name="principal"/>: the administrator's (<see cref="Profile"/>,
    /// possibly null) for <see cref="Lab.AdministratorName"/>; an explicit mapping; else
    /// <see cref="ProfilePrefix"/> + name + <see cref="ProfileSuffix"/>.
    /// </summary>
    public string? ProfileFor(string principal)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(principal);
        if (PrincipalProfiles.TryGetValue(principal, out var mapped)) return mapped;
        foreach (var (name, profile) in PrincipalProfiles)
        {
            if (string.Equals(name, principal, StringComparison.OrdinalIgnoreCase)) return profile;
        }
        if (string.Equals(principal, Lab.AdministratorName, StringComparison.Ordinal)) return Profile;
        return ProfilePrefix + principal + ProfileSuffix;
    }

    /// <summary>Whether the variables ask for the real-AWS target; an unknown value is refused.</summary>
    internal static LabTarget TargetFrom(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "simulator" or "sim" => LabTarget.Simulator,
        "aws" => LabTarget.Aws,
        _ => throw new ArgumentException($"{TargetVariable}='{value}' is not a KmsLab target: use 'simulator' (the default) or 'aws'."),
    };

    internal static Dictionary<string, string> ReadEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v) variables[k] = v;
        }
        return variables;
    }
}
