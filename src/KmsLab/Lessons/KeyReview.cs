using System.Text;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Lessons;

/// <summary>One best-practice rule, as one key passed or failed it.</summary>
/// <param name="KeyId">The key.</param>
/// <param name="Key">How a learner recognises it: its first alias, else its description.</param>
/// <param name="Rule">The rule.</param>
/// <param name="Passed">Whether the key follows it.</param>
/// <param name="Advice">What to do about it (empty when passed).</param>
public sealed record KeyFinding(string KeyId, string Key, string Rule, bool Passed, string Advice);

/// <summary>
/// A best-practice review of the customer managed keys of a lab (on AWS, the keys this lab made:
/// those carrying its tags), read through the KMS API only — what an auditor with read access
/// sees. Each key is held to four rules: automatic rotation (where KMS offers it), no statement open
/// to every principal without a condition, no <c>kms:*</c> for anyone but the account, and an alias.
/// Keys pending deletion are left out.
/// </summary>
public sealed class KeyReview : LessonView
{
    /// <summary>Automatic rotation is on (symmetric keys with KMS-generated material outside custom key stores).</summary>
    public const string RotationRule = "automatic rotation";

    /// <summary>No Allow statement names every principal (<c>*</c>) without a condition.</summary>
    public const string OpenPrincipalRule = "no statement open to everyone";

    /// <summary>Only the account itself is given every KMS permission.</summary>
    public const string AllActionsRule = "kms:* for the account only";

    /// <summary>An alias names the key.</summary>
    public const string AliasRule = "an alias";

    private KeyReview(IReadOnlyList<KeyFinding> findings) => Findings = findings;

    /// <summary>Every rule for every key reviewed.</summary>
    public IReadOnlyList<KeyFinding> Findings { get; }

    /// <summary>How many findings passed.</summary>
    public int Passed => Findings.Count(f => f.Passed);

    /// <summary>Passed findings as a share of all (1 when there is nothing to review).</summary>
    public double Score => Findings.Count == 0 ? 1 : (double)Passed / Findings.Count;

    /// <summary>Reviews the keys of <paramref name="lab"/> through <paramref name="kms"/> (a client that may read them).</summary>
    public static async Task<KeyReview> OfLabAsync(Lab lab, IAmazonKeyManagementService kms)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(kms);
        var findings = new List<KeyFinding>();
        var aliases = new List<AliasListEntry>();
        string? marker = null;
        do
        {
            var page = await kms.ListAliasesAsync(new ListAliasesRequest { Marker = marker }).ConfigureAwait(false);
            aliases.AddRange(page.Aliases ?? []);
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        marker = null;
        do
        {
            var page = await kms.ListKeysAsync(new ListKeysRequest { Marker = marker }).ConfigureAwait(false);
            foreach (var entry in page.Keys ?? [])
            {
                var key = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = entry.KeyId }).ConfigureAwait(false)).KeyMetadata;
                if (key.KeyManager != KeyManagerType.CUSTOMER || key.KeyState == KeyState.PendingDeletion || key.KeyState == KeyState.PendingReplicaDeletion) continue;
                if (!lab.IsSimulator && !await CarriesLabTagsAsync(lab, kms, key.KeyId).ConfigureAwait(false)) continue;
                findings.AddRange(await ReviewAsync(kms, key, aliases.Where(a => a.TargetKeyId == key.KeyId).Select(a => a.AliasName).ToList()).ConfigureAwait(false));
            }
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        return new KeyReview(findings);
    }

    private static async Task<bool> CarriesLabTagsAsync(Lab lab, IAmazonKeyManagementService kms, string keyId)
    {
        var tags = (await kms.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = keyId }).ConfigureAwait(false)).Tags ?? [];
        return lab.KeyTags.All(t => tags.Any(k => k.TagKey == t.Key && k.TagValue == t.Value));
    }

    private static async Task<IEnumerable<KeyFinding>> ReviewAsync(IAmazonKeyManagementService kms, KeyMetadata key, IReadOnlyList<string> aliases)
    {
        var name = aliases.Count > 0 ? aliases[0] : string.IsNullOrEmpty(key.Description) ? key.KeyId : key.Description;
        var found = new List<KeyFinding>();
        void Add(string rule, bool passed, string advice) => found.Add(new KeyFinding(key.KeyId, name, rule, passed, passed ? "" : advice));

        bool rotates = key.KeySpec == KeySpec.SYMMETRIC_DEFAULT && key.Origin == OriginType.AWS_KMS && key.MultiRegionConfiguration?.MultiRegionKeyType != MultiRegionKeyType.REPLICA;
        if (rotates)
        {
            var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId }).ConfigureAwait(false);
            Add(RotationRule, status.KeyRotationEnabled == true, "turn it on: EnableKeyRotation (lesson 05)");
        }
        var policy = JsonNode.Parse((await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" }).ConfigureAwait(false)).Policy)!;
        var allows = Statements(policy).Where(s => (string?)s["Effect"] == "Allow").ToList();
        var open = allows.Where(s => Values(s["Principal"], "AWS").Contains("*") && s["Condition"] is null).ToList();
        Add(OpenPrincipalRule, open.Count == 0, $"statement {Sid(open)} lets any principal in: name the principals, or add a condition (kms:CallerAccount, kms:ViaService)");
        var root = $"arn:aws:iam::{key.AWSAccountId}:root";
        var everything = allows.Where(s => Values(s["Action"], null).Any(a => a is "kms:*" or "*") && Values(s["Principal"], "AWS").Any(p => p != root && p != key.AWSAccountId)).ToList();
        Add(AllActionsRule, everything.Count == 0, $"statement {Sid(everything)} gives kms:* to {string.Join(", ", everything.SelectMany(s => Values(s["Principal"], "AWS")).Where(p => p != root).Distinct())}: give people the actions of their role (KeyPolicies.Console, lesson 02)");
        Add(AliasRule, aliases.Count > 0, "give it a name people and code can use: CreateAlias (lesson 01)");
        return found;
    }

    private static IEnumerable<JsonNode> Statements(JsonNode policy) => policy["Statement"] switch
    {
        JsonArray array => array.OfType<JsonNode>(),
        JsonObject single => [single],
        _ => [],
    };

    // A policy element is a string, an array of strings, or (for Principal) an object of them ("AWS": ...).
    private static List<string> Values(JsonNode? element, string? member) => element switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a => a.OfType<JsonValue>().Select(x => x.GetValue<string>()).ToList(),
        JsonObject o when member is not null && o[member] is { } inner => Values(inner, null),
        _ => [],
    };

    private static string Sid(List<JsonNode> statements) => string.Join(", ", statements.Select(s => (string?)s["Sid"] is { Length: > 0 } sid ? $"'{sid}'" : "(no Sid)"));

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var sb = new StringBuilder($"Key review: {Passed} of {Findings.Count} passed ({Score:P0})").AppendLine();
        foreach (var f in Findings) sb.AppendLine($"  {(f.Passed ? "✔" : "✘")} {f.Key}: {f.Rule}{(f.Passed ? "" : " — " + f.Advice)}");
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToHtml()
    {
        var sb = new StringBuilder($"<div><strong>Key review: {Passed} of {Findings.Count} passed ({Score:P0})</strong><table><thead><tr><th>key</th><th>rule</th><th></th><th>what to do</th></tr></thead><tbody>");
        foreach (var f in Findings) sb.Append($"<tr><td>{E(f.Key)}</td><td>{E(f.Rule)}</td><td>{(f.Passed ? "✔" : "✘")}</td><td>{E(f.Advice)}</td></tr>");
        return sb.Append("</tbody></table></div>").ToString();
    }
}
