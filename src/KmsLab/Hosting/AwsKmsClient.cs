using Amazon;
using Amazon.KeyManagementService;
using KmsLab.RealAws;

namespace KmsLab.Hosting;

/// <summary>
/// Plain KMS clients for real AWS (or any KMS endpoint) configured as a lab on AWS configures its
/// own: the Region, profile, endpoint and retries of <see cref="AwsLabOptions"/>, with explicit
/// error messages that say how to fix missing settings. Unlike a lab's clients they tag nothing
/// and count nothing: for tools such as <c>kmslab cleanup</c>.
/// </summary>
public static class AwsKmsClient
{
    /// <summary>
    /// The Region a lab with these options uses: <see cref="AwsLabOptions.Region"/>, else
    /// <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the profile's <c>region</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Region is set anywhere (the message says where to set one).</exception>
    public static RegionEndpoint ResolveRegion(AwsLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AwsTarget.ResolveRegion(options);
    }

    /// <summary>
    /// A KMS client in the options' Region (see <see cref="ResolveRegion"/>), through
    /// <see cref="AwsLabOptions.Profile"/> or else the standard credential chain, sending to
    /// <see cref="AwsLabOptions.EndpointUrl"/> if set, retrying <see cref="AwsLabOptions.MaxErrorRetry"/> times.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <param name="profileSetting">How the caller names the profile setting in the error for a missing profile (default <c>KMSLAB_PROFILE</c>; e.g. <c>--profile</c>).</param>
    /// <exception cref="InvalidOperationException">The profile does not exist, or no Region is set (the message says how to fix it).</exception>
    public static AmazonKeyManagementServiceClient Create(AwsLabOptions options, string profileSetting = "KMSLAB_PROFILE")
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Profile is { } profile) AwsTarget.RequireProfile(profile, "this KMS client", profileSetting);
        var region = AwsTarget.ResolveRegion(options);
        return new AmazonKeyManagementServiceClient(AwsTarget.ClientConfig(region, options.Profile, options.EndpointUrl, options.MaxErrorRetry, options.HttpClientFactory));
    }
}
