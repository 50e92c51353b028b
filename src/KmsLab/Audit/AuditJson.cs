using System.Text.Json.Nodes;

namespace KmsLab.Audit;

/// <summary>
/// Renders an operation's request or response shape as CloudTrail does: members in camelCase,
/// without the members CloudTrail never records (the operation's secret members in its catalogue
/// entry: plaintext, ciphertext, key material, tokens). Encryption context maps keep their keys as given.
/// </summary>
internal static class AuditJson
{
    public static JsonObject? Render(byte[]? json, IReadOnlyList<string> omitted) =>
        json is not null && JsonNode.Parse(json) is JsonObject node ? Clean(node, omitted) : null;

    private static JsonObject Clean(JsonObject node, IReadOnlyList<string> omitted)
    {
        var result = new JsonObject();
        foreach (var (name, child) in node.ToList())
        {
            if (omitted.Contains(name) || child is null) continue;
            node.Remove(name);
            bool isMap = name.Contains("EncryptionContext", StringComparison.Ordinal);
            result[CamelCase(name)] = isMap ? child : CleanNode(child, omitted);
        }
        return result;
    }

    private static JsonNode CleanNode(JsonNode node, IReadOnlyList<string> omitted) => node switch
    {
        JsonObject o => Clean(o, omitted),
        JsonArray a => new JsonArray(a.ToList().Select(x => { a.Remove(x); return x is null ? null : CleanNode(x, omitted); }).ToArray()),
        _ => node,
    };

    // An initialism stays as it is, as CloudTrail prints it: keyMetadata's "AWSAccountId" (ct-createkey.html).
    private static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) || (name.Length > 1 && char.IsUpper(name[1])) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
