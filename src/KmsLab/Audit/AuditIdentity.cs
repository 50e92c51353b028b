namespace KmsLab.Audit;

/// <summary>CloudTrail's <c>userIdentity</c>: who made a call.</summary>
/// <param name="Type">
/// <c>IAMUser</c>, <c>AssumedRole</c>, or <c>AWSService</c> for a call an AWS service made with its own
/// identity (a service principal). CloudTrail's record then has only <c>type</c> and <c>invokedBy</c>
/// in <c>userIdentity</c>, and the service as <c>sourceIPAddress</c> and <c>userAgent</c> (CloudTrail
/// userIdentity element, "AWSService"; e.g. the KMS Decrypt record of <c>ebs.amazonaws.com</c> in the
/// AWS Mainframe Modernization User Guide's data-protection page). Here <see cref="Arn"/> holds the
/// service principal too, so that queries by principal find its calls; it is not written to the record.
/// </param>
/// <param name="PrincipalId">A stable identifier of the principal.</param>
/// <param name="Arn">The caller's ARN (for a role, its assumed-role session).</param>
/// <param name="AccountId">The caller's account.</param>
/// <param name="AccessKeyId">The access key that signed the request.</param>
/// <param name="UserName">The IAM user name, for users.</param>
/// <param name="InvokedBy">The AWS service that called on the principal's behalf, if any.</param>
public sealed record AuditIdentity(string Type, string PrincipalId, string Arn, string AccountId, string AccessKeyId, string? UserName, string? InvokedBy)
{
    /// <summary>The <see cref="Type"/> of a call an AWS service made with its own identity.</summary>
    public const string AwsServiceType = "AWSService";
}
