using System.Text.Json;
using KmsLab.Simulation.Identity;

namespace KmsLab.Simulation.Policies;

/// <summary>
/// A parsed IAM policy document (a key policy or an identity policy): its statements with their
/// effect, principals, actions, resources and conditions. Parsing also validates: a document that
/// AWS would refuse raises <c>MalformedPolicyDocumentException</c>.
/// </summary>
internal sealed class PolicyDocument
{
    private PolicyDocument(string text, IReadOnlyList<PolicyStatement> statements)
    {
        Text = text;
        Statements = statements;
        HasConditions = statements.Any(s => s.Conditions.Count > 0);
    }

    public string Text { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Whether any statement has a Condition, i.e. whether the same caller and action can be decided differently per request.</summary>
    public bool HasConditions { get; }

    /// <summary>Parses a key policy: every statement must name a principal.</summary>
    public static PolicyDocument ParseKeyPolicy(string text) => Parse(text, requirePrincipal: true);

    /// <summary>Parses an identity policy (attached to a user or role): statements name no principal.</summary>
    public static PolicyDocument ParseIdentityPolicy(string text) => Parse(text, requirePrincipal: false);

    private static PolicyDocument Parse(string text, bool requirePrincipal) =>
        new(text, KeyPolicyDocument.ParseStatements(text, requirePrincipal));
}

/// <summary>One statement of a policy.</summary>
internal sealed record PolicyStatement(
    string? Sid,
    bool IsAllow,
    PrincipalSet? Principal,
    PrincipalSet? NotPrincipal,
    IReadOnlyList<string>? Actions,
    IReadOnlyList<string>? NotActions,
    IReadOnlyList<string>? Resources,
    IReadOnlyList<string>? NotResources,
    IReadOnlyList<PolicyCondition> Conditions)
{
    public static PolicyStatement Parse(JsonElement e)
    {
        string? sid = e.TryGetProperty("Sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new PolicyStatement(
            sid,
            e.GetProperty("Effect").GetString() == "Allow",
            e.TryGetProperty("Principal", out var p) ? PrincipalSet.Parse(p) : null,
            e.TryGetProperty("NotPrincipal", out var np) ? PrincipalSet.Parse(np) : null,
            e.TryGetProperty("Action", out var a) ? Strings(a, "Action") : null,
            e.TryGetProperty("NotAction", out var na) ? Strings(na, "NotAction") : null,
            e.TryGetProperty("Resource", out var r) ? Strings(r, "Resource") : null,
            e.TryGetProperty("NotResource", out var nr) ? Strings(nr, "NotResource") : null,
            e.TryGetProperty("Condition", out var c) ? PolicyCondition.ParseBlock(c) : []);
    }

    public bool MatchesAction(string action) => Actions is not null ? AnyMatch(Actions, action, ignoreCase: true) : !AnyMatch(NotActions!, action, ignoreCase: true);

    private static bool AnyMatch(IReadOnlyList<string> patterns, string value, bool ignoreCase)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            if (Wildcard.IsMatch(patterns[i], value, ignoreCase)) return true;
        }
        return false;
    }

    public bool MatchesResource(string resource) =>
        Resources is not null ? AnyMatch(Resources, resource, ignoreCase: false) : NotResources is not null && !AnyMatch(NotResources, resource, ignoreCase: false);

    internal static IReadOnlyList<string> Strings(JsonElement e, string element) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array when e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => e.EnumerateArray().Select(x => x.GetString()!).ToList(),
        _ => throw new KmsException(KmsErrorCodes.MalformedPolicyDocument, $"{element} must be a string or an array of strings."),
    };
}

/// <summary>The principals a statement names: <c>"*"</c>, or AWS account IDs and ARNs (and service names).</summary>
internal sealed record PrincipalSet(bool Everyone, IReadOnlyList<string> Aws, IReadOnlyList<string> Services)
{
    public static PrincipalSet Parse(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            if (e.GetString() == "*") return new PrincipalSet(true, [], []);
            throw new KmsException(KmsErrorCodes.MalformedPolicyDocument, "Principal must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:user/name\"}.");
        }
        if (e.ValueKind != JsonValueKind.Object) throw new KmsException(KmsErrorCodes.MalformedPolicyDocument, "Principal must be \"*\" or an object.");
        IReadOnlyList<string> aws = [], services = [];
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "AWS": aws = PolicyStatement.Strings(p.Value, "Principal AWS"); break;
                case "Service": services = PolicyStatement.Strings(p.Value, "Principal Service"); break;
                case "Federated" or "CanonicalUser": break;
                default: throw new KmsException(KmsErrorCodes.MalformedPolicyDocument, $"Unknown principal type '{p.Name}'.");
            }
        }
        foreach (var a in aws) ValidateAwsPrincipal(a);
        return new PrincipalSet(aws.Contains("*"), aws, services);
    }

    private static void ValidateAwsPrincipal(string principal)
    {
        if (principal == "*" || (principal.Length == 12 && principal.All(char.IsAsciiDigit))) return;
        if (principal.StartsWith("arn:aws:iam::", StringComparison.Ordinal) || principal.StartsWith("arn:aws:sts::", StringComparison.Ordinal)) return;
        throw new KmsException(KmsErrorCodes.MalformedPolicyDocument, $"Policy contains a statement with one or more invalid principals: '{principal}'.");
    }

    /// <summary>Names the account as a whole (its root): the form that delegates to the account's IAM policies.</summary>
    public bool NamesAccountRoot(string accountId) =>
        Aws.Any(a => a == accountId || a == KmsArn.AccountRoot(accountId));

    /// <summary>Names this very principal (by ARN, including a role's sessions), or everyone.</summary>
    public bool NamesPrincipal(LabPrincipal caller) =>
        Everyone || Aws.Any(a => a == caller.Arn);

    public bool NamesService(string? service) => service is not null && Services.Contains(service, StringComparer.OrdinalIgnoreCase);
}
