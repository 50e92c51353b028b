using System.Text.Json.Nodes;

namespace KmsLab;

/// <summary>
/// Renders an operation's request or response shape as CloudTrail does: members in camelCase,
/// without the members CloudTrail never records (plaintext, ciphertext, key material, tokens).
/// Encryption context maps keep their keys as given.
/// </summary>
internal static class AuditJson
{
    private static readonly HashSet<string> Omitted = new(StringComparer.Ordinal)
    {
        "Plaintext", "CiphertextBlob", "PrivateKeyPlaintext", "PrivateKeyCiphertextBlob", "EncryptedKeyMaterial", "ImportToken",
        "Message", "Signature", "Mac", "CiphertextForRecipient", "Recipient", "GrantToken", "GrantTokens", "PublicKey", "KeyMaterial",
    };

    public static JsonObject? Render(byte[]? json) => json is not null && JsonNode.Parse(json) is JsonObject node ? Clean(node) : null;

    private static JsonObject Clean(JsonObject node)
    {
        var result = new JsonObject();
        foreach (var (name, child) in node.ToList())
        {
            if (Omitted.Contains(name) || child is null) continue;
            node.Remove(name);
            bool isMap = name.Contains("EncryptionContext", StringComparison.Ordinal);
            result[CamelCase(name)] = isMap ? child : CleanNode(child);
        }
        return result;
    }

    private static JsonNode CleanNode(JsonNode node) => node switch
    {
        JsonObject o => Clean(o),
        JsonArray a => new JsonArray(a.ToList().Select(x => { a.Remove(x); return x is null ? null : CleanNode(x); }).ToArray()),
        _ => node,
    };

    private static string CamelCase(string name) => name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
