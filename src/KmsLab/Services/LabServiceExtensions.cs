using KmsLab.Services;

namespace KmsLab;

/// <summary>Simulated AWS services that use the lab's KMS on a principal's behalf.</summary>
public static class LabServiceExtensions
{
    /// <summary>
    /// Creates a simulated S3 bucket in the lab's account and default Region whose objects are
    /// encrypted with SSE-KMS: the AWS managed key <c>aws/s3</c> unless <paramref name="encryption"/>
    /// names a key, optionally with an S3 Bucket Key.
    /// </summary>
    public static SimulatedS3Bucket CreateS3Bucket(this Lab lab, string name, S3BucketEncryption? encryption = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return new SimulatedS3Bucket(lab, name, encryption ?? new S3BucketEncryption());
    }
}
