namespace KmsLab.Lessons;

/// <summary>
/// Runs the part of a lesson cell that only the simulator can do (read its audit trail, move its
/// clock, create IAM users, simulate S3) and, on real AWS, says instead what to do there. A lesson
/// written with it runs top to bottom on both targets:
/// <code>
/// SimulatorOnly.Run(lab, () => Show.Audit(lab.AuditTrail.Events), SimulatorOnly.CloudTrail)
/// </code>
/// </summary>
public static class SimulatorOnly
{
    /// <summary>Advice for the audit trail: CloudTrail's Event history or <c>aws cloudtrail lookup-events</c>.</summary>
    public const string CloudTrail =
        "every KMS call is recorded by AWS CloudTrail. Open the CloudTrail console's Event history and filter on Event source = kms.amazonaws.com " +
        "(events appear within about 5 minutes), or run `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=kms.amazonaws.com --max-results 20`.";

    /// <summary>Advice for the simulated S3 bucket: a real bucket with SSE-KMS.</summary>
    public const string S3 =
        "this part uses the simulator's S3 bucket, so it is skipped. To see it for real, create a bucket with SSE-KMS (`aws s3api create-bucket`, then " +
        "`aws s3api put-bucket-encryption` with SSEAlgorithm aws:kms), put and get an object, and find S3's GenerateDataKey and Decrypt calls " +
        "(invokedBy s3.amazonaws.com) in CloudTrail's Event history. Delete the bucket afterwards (`aws s3 rb s3://<name> --force`).";

    /// <summary>Advice for the simulated DynamoDB tables: a real table with a key of yours.</summary>
    public const string DynamoDb =
        "this part uses the simulator's DynamoDB tables, so it is skipped. To see it for real, create a table encrypted with your key " +
        "(`aws dynamodb create-table ... --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key ARN>`), then `aws kms list-grants --key-id <key ARN>` " +
        "shows DynamoDB's grant and CloudTrail its DescribeKey, CreateGrant and GenerateDataKey. Delete the table afterwards (`aws dynamodb delete-table`).";

    /// <summary>Advice for the simulated EBS volume: a real encrypted volume attached to an instance.</summary>
    public const string Ebs =
        "this part uses the simulator's EBS volume, so it is skipped. To see it for real, create an encrypted volume with your key " +
        "(`aws ec2 create-volume --encrypted --kms-key-id <key ARN> --size 1 --availability-zone <zone>`) and attach it to a running instance; " +
        "CloudTrail shows GenerateDataKeyWithoutPlaintext (context aws:ebs:id), then CreateGrant and Decrypt for EC2. Delete the volume afterwards (`aws ec2 delete-volume`).";

    /// <summary>Advice for the simulated Secrets Manager: a real secret under a key of yours.</summary>
    public const string SecretsManager =
        "this part uses the simulator's Secrets Manager, so it is skipped. To see it for real, `aws secretsmanager create-secret --name <name> --secret-string <value> --kms-key-id <key ARN>` " +
        "and `aws secretsmanager get-secret-value --secret-id <name>`; CloudTrail shows GenerateDataKey and Decrypt with the context SecretARN and SecretVersionId. " +
        "Delete it afterwards (`aws secretsmanager delete-secret --secret-id <name> --force-delete-without-recovery`).";

    /// <summary>Advice for external key stores: a proxy AWS can reach over the internet (or a VPC endpoint service).</summary>
    public const string ExternalKeyStore =
        "an external key store needs an XKS proxy that AWS reaches over HTTPS on port 443 (a public endpoint with a TLS certificate, or a VPC endpoint service), " +
        "so it is skipped here. Run `dotnet run --project src/KmsLab.Cli -- demo-external-key-store` to see the same steps against a proxy on your machine, on the simulator.";

    /// <summary>Advice for CloudHSM key stores: a real cluster costs money by the hour.</summary>
    public const string CloudHsm =
        "a CloudHSM key store needs a CloudHSM cluster with two HSMs in different Availability Zones, initialized and with a kmsuser crypto user; " +
        "each HSM is billed by the hour, so this part is skipped. `aws kms describe-custom-key-stores` lists any your account has.";

    /// <summary>Advice for the partner account: a second AWS account of the learner's own.</summary>
    public const string SecondAccount =
        "cross-account lessons need a second AWS account of your own, with a profile named partnerAdmin (or the one KMSLAB_PROFILE_partnerAdmin names) for an administrator of it: " +
        "with that profile, lab.PartnerAccountId is its account and lab.CreateKmsClient(\"partnerAdmin\") acts as it. Creating its IAM users and policies is done in that account's IAM.";

    /// <summary>Advice for IAM: lab-setup's users, or IAM itself.</summary>
    public const string Iam =
        "a lesson does not create IAM users or policies on AWS. Your instructor's lab-setup created labAdmin-NN, myKeyManager-NN and myKeyUser-NN " +
        "(lab.PrincipalArn(\"myKeyUser\") is the ARN); anything more is done in IAM itself (the IAM console, `aws iam put-user-policy`) by someone allowed to.";

    /// <summary>
    /// On the simulator, returns what <paramref name="onSimulator"/> returns; on real AWS, returns
    /// (and so displays) a note that starts with "On real AWS:" and says <paramref name="onRealAws"/>.
    /// </summary>
    public static object? Run<T>(Lab lab, Func<T> onSimulator, string onRealAws)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(onSimulator);
        return lab.IsSimulator ? onSimulator() : Note(onRealAws);
    }

    /// <summary>The asynchronous form of <see cref="Run{T}(Lab, Func{T}, string)"/>.</summary>
    public static async Task<object?> RunAsync<T>(Lab lab, Func<Task<T>> onSimulator, string onRealAws)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(onSimulator);
        return lab.IsSimulator ? await onSimulator().ConfigureAwait(false) : Note(onRealAws);
    }

    /// <summary>
    /// Runs <paramref name="onSimulator"/> on the simulator; on real AWS tells the learner what to do
    /// instead, through the notes of the program running the lesson (<see cref="Hosting.LessonHost.Notes"/>). True if it ran.
    /// </summary>
    public static bool Do(Lab lab, Action onSimulator, string onRealAws)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(onSimulator);
        if (!lab.IsSimulator)
        {
            Lab.Note(Note(onRealAws));
            return false;
        }
        onSimulator();
        return true;
    }

    /// <summary>The asynchronous form of <see cref="Do"/>.</summary>
    public static async Task<bool> DoAsync(Lab lab, Func<Task> onSimulator, string onRealAws)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(onSimulator);
        if (!lab.IsSimulator)
        {
            Lab.Note(Note(onRealAws));
            return false;
        }
        await onSimulator().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Moves the simulator's clock without a word; on real AWS does nothing (real time passes).
    /// For stories that space calls out in time, where the timing is colour, not the point.
    /// </summary>
    public static void Wait(Lab lab, TimeSpan by)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (lab.IsSimulator) lab.Clock.Advance(by);
    }

    /// <summary>An exercise check that cannot run on real AWS: skipped (neither passed nor recorded), saying what to do there.</summary>
    public static CheckResult Skipped(string exercise, string onRealAws) =>
        CheckResult.Skip(exercise, "this check cannot run here. On real AWS: " + onRealAws);

    private static string Note(string onRealAws) => "☁️ On real AWS: " + onRealAws;
}
