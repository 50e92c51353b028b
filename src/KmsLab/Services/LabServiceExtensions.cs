
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
}
