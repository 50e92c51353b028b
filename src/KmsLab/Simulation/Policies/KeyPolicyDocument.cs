using System.Text.Json;

namespace KmsLab.Simulation.Policies;

/// <summary>
/// Key policies as documents: the default policy KMS attaches, and the structural checks
/// PutKeyPolicy and CreateKey apply (<c>MalformedPolicyDocumentException</c>). Evaluating a
/// policy against a request is a separate concern.
/// </summary>
internal static class KeyPolicyDocument
{
    private static readonly HashSet<string> TopLevel = ["Version", "Id", "Statement"];
    private static readonly HashSet<string> StatementElements = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

    /// <summary>
    /// The policy KMS gives a key created without one through the API: the account root may do
    /// everything, which is what lets IAM policies in the account grant access. Formatted as KMS
    /// returns it from GetKeyPolicy.
    /// </summary>
    public static string Default(string accountId) => $$"""
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "{{KmsArn.AccountRoot(accountId)}}"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """;

    /// <summary>Checks a policy document as AWS does and returns its statements, parsing the JSON once.</summary>
    public static List<PolicyStatement> ParseStatements(string policy, bool requirePrincipal)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policy, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw Malformed($"The policy is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Malformed("The policy must be a JSON object.");
            foreach (var property in root.EnumerateObject())
            {
                if (!TopLevel.Contains(property.Name)) throw Malformed($"The policy has an unknown element '{property.Name}'.");
            }
            if (root.TryGetProperty("Version", out var version) && version.GetString() is not ("2012-10-17" or "2008-10-17"))
            {
                throw Malformed("The policy Version must be \"2012-10-17\" (or the older \"2008-10-17\").");
            }
            if (!root.TryGetProperty("Statement", out var statements)) throw Malformed("The policy has no Statement.");
            var list = statements.ValueKind switch
            {
                JsonValueKind.Array => statements.EnumerateArray().ToList(),
                JsonValueKind.Object => [statements],
                _ => throw Malformed("Statement must be an object or an array of objects."),
            };
            if (list.Count == 0) throw Malformed("The policy has no statements.");
            foreach (var statement in list) ValidateStatement(statement, requirePrincipal);
            return list.Select(PolicyStatement.Parse).ToList();
        }
    }

    private static void ValidateStatement(JsonElement statement, bool requirePrincipal)
    {
        if (statement.ValueKind != JsonValueKind.Object) throw Malformed("Each statement must be a JSON object.");
        foreach (var property in statement.EnumerateObject())
        {
            if (!StatementElements.Contains(property.Name)) throw Malformed($"A statement has an unknown element '{property.Name}'.");
        }
        if (!statement.TryGetProperty("Effect", out var effect) || effect.GetString() is not ("Allow" or "Deny"))
        {
            throw Malformed("Each statement needs \"Effect\": \"Allow\" or \"Deny\".");
        }
        bool namesPrincipal = statement.TryGetProperty("Principal", out _) || statement.TryGetProperty("NotPrincipal", out _);
        if (requirePrincipal && !namesPrincipal)
        {
            throw Malformed("Policy contains a statement with no principal. A key policy names who it applies to in Principal.");
        }
        if (!requirePrincipal && namesPrincipal)
        {
            throw Malformed("An identity policy applies to the user or role it is attached to; its statements must not name a Principal.");
        }
        if (!statement.TryGetProperty("Action", out _) && !statement.TryGetProperty("NotAction", out _))
        {
            throw Malformed("Policy contains a statement with no Action.");
        }
        if (!statement.TryGetProperty("Resource", out _) && !statement.TryGetProperty("NotResource", out _))
        {
            throw Malformed("Policy contains a statement with no Resource. In a key policy, use \"Resource\": \"*\" (the key itself).");
        }
    }

    private static KmsException Malformed(string message) => new(KmsErrorCodes.MalformedPolicyDocument, message);
}
