namespace KmsLab.Services;

/// <summary>AWS managed keys (<c>alias/aws/ebs</c>, <c>alias/aws/rds</c>...) as the services that own them create them.</summary>
public static class AwsManagedKeyExtensions
{
    /// <summary>
    /// Does what an AWS service does the first time it encrypts for you without a customer managed
    /// key (an EBS volume, an RDS database, a secret...): creates its AWS managed key behind the
    /// predefined alias <c>alias/aws/&lt;service&gt;</c> in the lab's account and default Region,
    /// if it does not exist yet. The key has KeyManager AWS, rotates every year, and its key policy
    /// allows use only through that service (<c>kms:ViaService</c>); nobody can disable, delete or
    /// re-police it. Returns the key's ARN.
    /// </summary>
    /// <param name="lab">The lab.</param>
    /// <param name="service">The alias's service name: <c>dynamodb</c>, <c>ebs</c>, <c>elasticfilesystem</c>, <c>es</c>, <c>glue</c>, <c>kinesisvideo</c>, <c>lambda</c>, <c>rds</c>, <c>redshift</c>, <c>s3</c>, <c>secretsmanager</c>, <c>ssm</c> or <c>xray</c>.</param>
    /// <exception cref="ArgumentException">KmsLab simulates no AWS managed key for <paramref name="service"/>.</exception>
    /// <exception cref="SimulatorOnlyException">The lab targets real AWS.</exception>
    public static string UseAwsManagedKey(this Lab lab, string service)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentException.ThrowIfNullOrEmpty(service);
        if (!lab.IsSimulator)
        {
            throw new SimulatorOnlyException("Lab.UseAwsManagedKey",
                $"use the service itself without naming a key (for example create an encrypted EBS volume or an RDS database with default encryption); it creates alias/aws/{service} on first use. " +
                $"`aws kms describe-key --key-id alias/aws/{service}` then shows the key.");
        }
        return lab.Engine.EnsureAwsManagedKey(lab.AccountId, lab.DefaultRegion.SystemName, service).Arn;
    }
}
