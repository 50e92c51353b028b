namespace KmsLab;

/// <summary>A lab principal's identity and access key, e.g. for <c>aws configure</c> against <c>kmslab serve</c>.</summary>
/// <param name="Name">The user or role name, e.g. <c>myKeyUser</c>.</param>
/// <param name="Arn">The IAM ARN that policies name.</param>
/// <param name="AccountId">The principal's account.</param>
/// <param name="AccessKeyId">The access key ID.</param>
/// <param name="SecretAccessKey">The secret access key (a lab secret: it guards nothing real).</param>
public sealed record LabCredentials(string Name, string Arn, string AccountId, string AccessKeyId, string SecretAccessKey);
