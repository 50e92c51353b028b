namespace KmsLab.Simulation;

/// <summary>ARN formats of KMS resources.</summary>
internal static class KmsArn
{
    public static string ForKey(string region, string accountId, string keyId) => $"arn:aws:kms:{region}:{accountId}:key/{keyId}";

    public static string ForAlias(string region, string accountId, string aliasName) => $"arn:aws:kms:{region}:{accountId}:{aliasName}";

    public static string AccountRoot(string accountId) => $"arn:aws:iam::{accountId}:root";
}
