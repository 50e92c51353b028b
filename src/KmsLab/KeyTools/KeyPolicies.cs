using System.Text.Json;
using System.Text.Json.Nodes;
using KmsLab.Simulation.Policies;

namespace KmsLab.KeyTools;

/// <summary>
/// Key policies as AWS writes them: the API's default policy, and the policy the KMS console
/// writes when you pick key administrators and key users in its wizard.
/// </summary>
public static class KeyPolicies
{
    /// <summary>The console's key-administrator actions: manage the key, never use it.</summary>
    public static readonly IReadOnlyList<string> AdministratorActions =
    [
        "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*",
        "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
    ];

    /// <summary>The console's key-user actions for a symmetric encryption key: use the key, never manage it.</summary>
    public static readonly IReadOnlyList<string> UserActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

    /// <summary>The grant actions the console gives key users, for AWS services that use the key on their behalf.</summary>
    public static readonly IReadOnlyList<string> UserGrantActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The policy KMS attaches to a key created through the API without one: the account root may do everything.</summary>
    public static string Default(string accountId) => Simulation.Policies.KeyPolicyDocument.Default(accountId);

    /// <summary>
    /// The key policy the KMS console writes: the account root statement (which lets IAM policies
    /// grant access), then a statement for the key administrators, one for the key users, and one
    /// letting key users create grants for AWS resources.
    /// </summary>
    /// <param name="accountId">The key's account.</param>
    /// <param name="administrators">ARNs of the key administrators (e.g. <c>arn:aws:iam::111122223333:user/myKeyManager</c>).</param>
    /// <param name="users">ARNs of the key users (e.g. <c>arn:aws:iam::111122223333:user/myKeyUser</c>).</param>
    /// <param name="keySpec">The key's spec: the console gives users of asymmetric and HMAC keys other actions.</param>
    /// <param name="keyUsage">The key's usage (<c>ENCRYPT_DECRYPT</c>, <c>SIGN_VERIFY</c>, <c>GENERATE_VERIFY_MAC</c>).</param>
    public static string Console(string accountId, IEnumerable<string> administrators, IEnumerable<string> users, string keySpec = "SYMMETRIC_DEFAULT", string keyUsage = "ENCRYPT_DECRYPT")
    {
        var admins = administrators.ToList();
        var keyUsers = users.ToList();
        var statements = new JsonArray
        {
            Statement("Enable IAM User Permissions", [$"arn:aws:iam::{accountId}:root"], ["kms:*"]),
        };
        if (admins.Count > 0) statements.Add(Statement("Allow access for Key Administrators", admins, AdministratorActions));
        if (keyUsers.Count > 0)
        {
            statements.Add(Statement("Allow use of the key", keyUsers, UserActionsFor(keySpec, keyUsage)));
            // Only symmetric encryption keys get the grants statement: AWS services integrate with those.
            if (keySpec == "SYMMETRIC_DEFAULT")
            {
                var grants = Statement("Allow attachment of persistent resources", keyUsers, UserGrantActions);
                grants["Condition"] = new JsonObject { ["Bool"] = new JsonObject { ["kms:GrantIsForAWSResource"] = "true" } };
                statements.Add(grants);
            }
        }
        var policy = new JsonObject
        {
            ["Id"] = "key-consolepolicy-3",
            ["Version"] = "2012-10-17",
            ["Statement"] = statements,
        };
        return policy.ToJsonString(Indented);
    }

    /// <summary>The key-user actions the console chooses for a key of this spec and usage.</summary>
    public static IReadOnlyList<string> UserActionsFor(string keySpec, string keyUsage) => (keySpec, keyUsage) switch
    {
        ("SYMMETRIC_DEFAULT", _) => UserActions,
        (_, "ENCRYPT_DECRYPT") => ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey", "kms:GetPublicKey"],
        (_, "SIGN_VERIFY") => ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"],
        (_, "GENERATE_VERIFY_MAC") => ["kms:DescribeKey", "kms:GenerateMac", "kms:VerifyMac"],
        _ => ["kms:DescribeKey", "kms:GetPublicKey", "kms:DeriveSharedSecret"],
    };

    private static JsonObject Statement(string sid, IReadOnlyList<string> principals, IReadOnlyList<string> actions) => new()
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Principal"] = new JsonObject { ["AWS"] = principals.Count == 1 ? JsonValue.Create(principals[0]) : new JsonArray(principals.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()) },
        ["Action"] = actions.Count == 1 ? JsonValue.Create(actions[0]) : new JsonArray(actions.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        ["Resource"] = "*",
    };
}
