namespace KmsLab.Audit;

/// <summary>CloudTrail's <c>userIdentity</c>: who made a call.</summary>
/// <param name="Type"><c>IAMUser</c> or <c>AssumedRole</c>.</param>
/// <param name="PrincipalId">A stable identifier of the principal.</param>
/// <param name="Arn">The caller's ARN (for a role, its assumed-role session).</param>
/// <param name="AccountId">The caller's account.</param>
/// <param name="AccessKeyId">The access key that signed the request.</param>
/// <param name="UserName">The IAM user name, for users.</param>
/// <param name="InvokedBy">The AWS service that called on the principal's behalf, if any.</param>
public sealed record AuditIdentity(string Type, string PrincipalId, string Arn, string AccountId, string AccessKeyId, string? UserName, string? InvokedBy);
