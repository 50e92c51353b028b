namespace KmsLab.Simulation;

/// <summary>Who is calling, where: the account and Region a request is addressed to, and the caller's identity.</summary>
internal sealed record CallContext(string AccountId, string Region, string PrincipalArn, string RequestId);
