using Amazon;
using Amazon.KeyManagementService;
using KmsLab.Protocol;
using KmsLab.Simulation.Identity;
using KmsLab.Targets;

namespace KmsLab.Services;

/// <summary>AWS services that call the lab's KMS with their own identity (a service principal), as RDS or EBS do with grants.</summary>
public static class ServicePrincipalClients
{
    /// <summary>
    /// Creates a KMS client that acts as the AWS service principal <paramref name="servicePrincipal"/>
    /// (e.g. <c>rds.amazonaws.com</c>) on behalf of the resource <paramref name="sourceArn"/> in the
    /// lab's account: its calls have no IAM identity, so only a key policy statement naming the
    /// service (<c>"Principal": {"Service": ...}</c>) or a grant to it (<c>GranteeServicePrincipal</c>
    /// with a matching <c>SourceArn</c> constraint) allows them, and CloudTrail shows them with
    /// <c>userIdentity.type</c> <c>AWSService</c> and <c>invokedBy</c> the service. Key and
    /// IAM policies see <c>aws:SourceArn</c>, <c>aws:SourceAccount</c>, <c>aws:PrincipalServiceName</c>
    /// and <c>aws:PrincipalIsAWSService</c> = <c>true</c>.
    /// </summary>
    /// <param name="lab">The lab.</param>
    /// <param name="servicePrincipal">The service principal, <c>name.amazonaws.com</c>.</param>
    /// <param name="sourceArn">The ARN of the AWS resource the service acts for.</param>
    /// <param name="region">The Region of the calls (default: the lab's).</param>
    /// <exception cref="ArgumentException">Not a service principal, or <paramref name="sourceArn"/> is not an ARN.</exception>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS, where only the service itself can call as its principal.</exception>
    public static IAmazonKeyManagementService CreateServicePrincipalKmsClient(this Lab lab, string servicePrincipal, string sourceArn, RegionEndpoint? region = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateServicePrincipalKmsClient",
                "create a grant with `aws kms create-grant --grantee-service-principal <service>.amazonaws.com --retiring-service-principal <service>.amazonaws.com " +
                "--constraints SourceArn=<resource ARN> --operations ...`, then use the service (it calls KMS itself); CloudTrail shows those calls with userIdentity type AWSService");
        }
        var service = ServiceCaller.Create(servicePrincipal, lab.AccountId, sourceArn);
        var handler = new KmsHttpMessageHandler(lab.Adapter) { Service = service };
        return SimulatorTarget.CreateSdkClient(handler, service.Principal, region ?? lab.DefaultRegion, maxErrorRetry: 0);
    }
}
