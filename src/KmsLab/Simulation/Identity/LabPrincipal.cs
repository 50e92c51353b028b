namespace KmsLab.Simulation;

/// <summary>A simulated IAM identity with its access key: who a signed request comes from.</summary>
internal sealed record LabPrincipal(string AccountId, string Arn, string Name, string AccessKeyId, string SecretAccessKey);
