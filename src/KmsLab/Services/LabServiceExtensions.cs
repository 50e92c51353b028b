
namespace KmsLab.Services;

/// <summary>Simulated AWS services that use the lab's KMS on a principal's behalf.</summary>
public static class LabServiceExtensions
{
    /// <summary>
    /// Creates a simulated S3 bucket in the lab's account and default Region whose objects are
    /// encrypted with SSE-KMS: the AWS managed key <c>aws/s3</c> unless <paramref name="encryption"/>
    /// names a key, optionally with an S3 Bucket Key.
    /// </summary>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (the message says what to do there).</exception>
    public static SimulatedS3Bucket CreateS3Bucket(this Lab lab, string name, S3BucketEncryption? encryption = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateS3Bucket",
                "create a real bucket with SSE-KMS (`aws s3api create-bucket`, then `aws s3api put-bucket-encryption` with SSEAlgorithm aws:kms and your key's ARN, " +
                "optionally BucketKeyEnabled), or the AWSSDK.S3 client; S3 then calls KMS on your behalf and CloudTrail shows those calls with invokedBy s3.amazonaws.com. " +
                "Delete the bucket afterwards (`aws s3 rb s3://<name> --force`).");
        }
        return new SimulatedS3Bucket(lab, name, encryption ?? new S3BucketEncryption());
    }

    /// <summary>
    /// Creates a simulated CloudHSM cluster in the lab's account and default Region, initialized
    /// and activated (unless <paramref name="activated"/> is false), with <paramref name="hsmCount"/>
    /// HSMs spread over its subnets' Availability Zones and, if <paramref name="kmsUserPassword"/>
    /// is given, the <c>kmsuser</c> crypto user a CloudHSM key store logs in as.
    /// </summary>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (the message says what to do there).</exception>
    public static SimulatedCloudHsmCluster CreateCloudHsmCluster(this Lab lab, string? kmsUserPassword = null, int hsmCount = 2, bool activated = true)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateCloudHsmCluster",
                "create a cluster with `aws cloudhsmv2 create-cluster` and two HSMs in different Availability Zones (`aws cloudhsmv2 create-hsm`), initialize and activate it, " +
                "and create the kmsuser crypto user with CloudHSM CLI; each HSM is billed by the hour until you delete it.");
        }
        return SimulatedCloudHsmCluster.Create(lab, kmsUserPassword, hsmCount, activated);
    }
}
