using Amazon.KeyManagementService;
using Amazon.Runtime;

namespace KmsLab.Cli.Serve;

/// <summary>Official SDK clients for a KMS endpoint given by URL (kmslab serve, moto, LocalStack...).</summary>
internal static class EndpointClients
{
    /// <summary>
    /// A client that sends every request to <paramref name="endpoint"/>, signed for
    /// <paramref name="region"/>, whatever <c>~/.aws/config</c> or <c>AWS_*</c> variables say.
    /// </summary>
    public static AmazonKeyManagementServiceClient Create(Uri endpoint, string accessKeyId, string secretAccessKey, string region = "us-east-1", int maxErrorRetry = 0)
    {
        var config = new AmazonKeyManagementServiceConfig
        {
            ServiceURL = endpoint.GetLeftPart(UriPartial.Authority),
            AuthenticationRegion = region,
            IgnoreConfiguredEndpointUrls = true,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = maxErrorRetry,
        };
        return new AmazonKeyManagementServiceClient(new BasicAWSCredentials(accessKeyId, secretAccessKey), config);
    }

    /// <summary>A client acting as one of the lab's principals.</summary>
    public static AmazonKeyManagementServiceClient Create(Uri endpoint, LabCredentials principal, string region = "us-east-1", int maxErrorRetry = 0) =>
        Create(endpoint, principal.AccessKeyId, principal.SecretAccessKey, region, maxErrorRetry);
}
