using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace KmsLab.RealAws;

/// <summary>Who a set of AWS credentials belongs to, as STS GetCallerIdentity says.</summary>
internal sealed record CallerIdentity(string AccountId, string Arn);

/// <summary>Answers "who am I" for a named profile (null: the standard credential chain).</summary>
internal interface ICallerIdentityResolver
{
    Task<CallerIdentity> ResolveAsync(string? profile, RegionEndpoint region, CancellationToken cancellationToken);
}

/// <summary>
/// STS GetCallerIdentity with the profile's credentials, in the lab's Region (it needs no
/// permission). With an endpoint URL (<c>KMSLAB_ENDPOINT_URL</c>, e.g. <c>kmslab serve</c>), STS is
/// asked there too: the lab's identities then come from the same place as its keys.
/// </summary>
internal sealed class StsCallerIdentityResolver(int maxErrorRetry, string? endpointUrl = null) : ICallerIdentityResolver
{
    public async Task<CallerIdentity> ResolveAsync(string? profile, RegionEndpoint region, CancellationToken cancellationToken)
    {
        var config = AwsTarget.Configure(new AmazonSecurityTokenServiceConfig(), region, profile, endpointUrl, maxErrorRetry);
        using var sts = new AmazonSecurityTokenServiceClient(config);
        var response = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return new CallerIdentity(response.Account, response.Arn);
    }
}
