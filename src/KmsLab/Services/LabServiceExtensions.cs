
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
    /// Creates a simulated encrypted EBS volume in the lab's account and default Region, its data key
    /// under <paramref name="kmsKeyId"/> (null: <c>aws/ebs</c>), as <paramref name="principal"/> (a lab
    /// user name or ARN; default the administrator).
    /// </summary>
    /// <exception cref="EbsException">KMS refused the key.</exception>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (the message says what to do there).</exception>
    public static SimulatedEbsVolume CreateEbsVolume(this Lab lab, string? kmsKeyId = null, string? principal = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateEbsVolume",
                "create a real encrypted volume (`aws ec2 create-volume --encrypted --kms-key-id <key ARN> --size 1 --availability-zone <zone>`) and attach it to an instance; " +
                "CloudTrail shows GenerateDataKeyWithoutPlaintext with the context aws:ebs:id, then EC2's CreateGrant and Decrypt. Delete the volume afterwards (`aws ec2 delete-volume`).");
        }
        return SimulatedEbsVolume.Create(lab, kmsKeyId, principal);
    }

    /// <summary>
    /// A simulated AWS Secrets Manager in the lab's account and default Region: each secret value
    /// gets a data key from KMS (context <c>SecretARN</c>, <c>SecretVersionId</c>), under
    /// <c>aws/secretsmanager</c> unless a secret names a key.
    /// </summary>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (the message says what to do there).</exception>
    public static SimulatedSecretsManager CreateSecretsManager(this Lab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateSecretsManager",
                "use the real service: `aws secretsmanager create-secret --name <name> --secret-string <value> --kms-key-id <your key>`, then `aws secretsmanager get-secret-value --secret-id <name>`; " +
                "CloudTrail shows its GenerateDataKey and Decrypt with invokedBy secretsmanager.amazonaws.com and the context SecretARN, SecretVersionId. " +
                "Delete it afterwards (`aws secretsmanager delete-secret --secret-id <name> --force-delete-without-recovery`).");
        }
        return new SimulatedSecretsManager(lab);
    }

    /// <summary>
    /// Creates a simulated DynamoDB table in the lab's account and default Region, encrypted at rest
    /// with a key of the kind <paramref name="encryption"/> names (default: an AWS owned key), as
    /// <paramref name="principal"/> (a lab user name or ARN; default the administrator).
    /// </summary>
    /// <exception cref="DynamoDbException">KMS refused the key (access denied, not found, disabled...).</exception>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS (the message says what to do there).</exception>
    public static Task<SimulatedDynamoDbTable> CreateDynamoDbTableAsync(this Lab lab, string name, DynamoDbTableEncryption? encryption = null, string? principal = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.CreateDynamoDbTableAsync",
                "create a real table: `aws dynamodb create-table ... --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<your key>` (omit it for an AWS owned key); " +
                "`aws kms list-grants --key-id <your key>` then shows DynamoDB's grant. Delete the table afterwards (`aws dynamodb delete-table`).");
        }
        return SimulatedDynamoDbTable.CreateAsync(lab, name, encryption ?? new DynamoDbTableEncryption(), principal);
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
