namespace KmsLab.Lessons;

/// <summary>The three kinds of KMS key an AWS service can protect your data with (lesson 16).</summary>
public enum KmsKeyKind
{
    /// <summary>A key the service owns, in its own account: free, invisible to you, not in your audit trail, not yours to manage.</summary>
    AwsOwnedKey,

    /// <summary>A key the service creates in your account (<c>aws/&lt;service&gt;</c>): you see it and its use; the service decides its policy; it rotates every year.</summary>
    AwsManagedKey,

    /// <summary>A key you create and control: its policy, grants, rotation, cross-account use and deletion are yours (and its monthly fee).</summary>
    CustomerManagedKey,
}
