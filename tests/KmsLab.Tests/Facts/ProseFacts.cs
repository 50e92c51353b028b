using System.Globalization;
using System.Text.RegularExpressions;

namespace KmsLab.Tests.Facts;

/// <summary>A number a text states about KMS, the facts it must match, and where it stands.</summary>
/// <param name="NumberIndex">Where, in the checked text, the stated number stands (the first of a range).</param>
internal sealed record ProseStatement(string Rule, string Text, int NumberIndex, int NumberLength, decimal Stated, IReadOnlyList<string> Candidates, bool Matches);

/// <summary>
/// Finds the numbers prose states about KMS (a limit, a window, a period, a price) and checks each
/// against <see cref="KmsFacts"/>. Each rule recognises one way the lessons write a kind of number
/// ("7–30 days", "4096-byte", "$0.03 per 10,000", "valid 24 hours"…) and names the facts it may state.
/// </summary>
internal static partial class ProseFacts
{
    private sealed record Rule(string Name, Regex Pattern, Func<Match, string, IReadOnlyList<string>> Candidates, Func<Match, string, bool>? Applies = null);

    private static decimal V(string name) => Convert.ToDecimal(KmsFacts.Get(name).Value, CultureInfo.InvariantCulture);

    private static IEnumerable<string> Named(Func<KmsFact, bool> which) => KmsFacts.All.Where(which).Select(f => f.Name);

    private static readonly string[] ByteLimits = Named(f => f.Unit == "bytes" && (int)f.Value >= 1000).ToArray();
    private static readonly string[] Prices10k = Named(f => f.Unit == "per 10,000 requests").ToArray();
    private static readonly string[] PricesMonth = Named(f => f.Unit == "per month").ToArray();

    /// <summary>The sentence around a match (from the previous full stop or line break to the next).</summary>
    private static string Sentence(string text, Match m)
    {
        int start = Math.Max(text.LastIndexOfAny(['.', '\n'], Math.Max(0, m.Index - 1)) + 1, 0);
        int end = text.IndexOfAny(['\n'], m.Index + m.Length);
        return text[start..(end < 0 ? text.Length : end)];
    }

    private static readonly Rule[] Rules =
    [
        // "7–30 days", "90 to 2560 days", "7–30 day waiting period": a pair of day facts, and "(default N)" after it.
        new("day range", DayRange(), (m, _) =>
        {
            var pairs = new[] { (nameof(KmsFacts.MinPendingWindowInDays), nameof(KmsFacts.MaxPendingWindowInDays)), (nameof(KmsFacts.MinRotationPeriodInDays), nameof(KmsFacts.MaxRotationPeriodInDays)) };
            return pairs.Select(p => p.Item1 + "+" + p.Item2).ToList();
        }),
        // "4096-byte", "1–4096 bytes", "up to 6144 bytes", "1–1024 bytes": every byte count of 1000 or more is a byte limit (or one past it, in a ValidationException sentence).
        new("byte limit", LargeBytes(), (_, _) => ByteLimits),
        // "4 KB" where the sentence is about Encrypt or Sign.
        new("KB limit", Kilobytes(), (_, _) => [nameof(KmsFacts.MaxEncryptPlaintextBytes), nameof(KmsFacts.MaxSignMessageBytes)],
            (m, text) => Regex.IsMatch(Sentence(text, m), "Encrypt|Sign|limit|plaintext", RegexOptions.IgnoreCase)),
        // "up to **25 times** per key", "25 on-demand rotations", "**25** per key, ever".
        new("on-demand rotations", OnDemandRotations(), (_, _) => [nameof(KmsFacts.MaxOnDemandRotationsPerKey)],
            (m, text) => Regex.IsMatch(Sentence(text, m), "rotat|RotateKeyOnDemand", RegexOptions.IgnoreCase)),
        // "valid 24 hours".
        new("import validity", ValidHours(), (_, _) => [nameof(KmsFacts.ImportParametersValidHours)]),
        // "$0.03 per 10,000".
        new("request price", PricePer10k(), (_, _) => Prices10k),
        // "$1 per key-month", "$1 a month".
        new("monthly price", PricePerMonth(), (_, _) => PricesMonth),
        // "after 20,000 free", "20,000 free requests".
        new("free tier", FreeRequests(), (_, _) => [nameof(KmsFacts.FreeRequestsPerMonth)]),
        // "RSA_2048 with OAEP SHA-256 takes at most 190 bytes".
        new("RSA OAEP", RsaOaep(), (_, _) => [nameof(KmsFacts.MaxRsa2048OaepSha256PlaintextBytes)]),
        // "32 bytes of AES-256 key", "only 32 bytes of key".
        new("AES-256 data key", DataKey(), (_, _) => [nameof(KmsFacts.Aes256DataKeyBytes)]),
    ];

    [GeneratedRegex(@"(?<a>\d+)\s*(?:–|-|to)\s*(?<b>\d+)[\s-]*days?\b(?:[^()\n]{0,30}\(default (?<d>\d+)\))?")]
    private static partial Regex DayRange();

    [GeneratedRegex(@"(?<n>\d{1,2},?\d{3})(?:\s*|-)bytes?\b")]
    private static partial Regex LargeBytes();

    [GeneratedRegex(@"\b(?<n>\d+)\s*KB\b")]
    private static partial Regex Kilobytes();

    [GeneratedRegex(@"(?<![$\d.])(?<n>\d+)\*{0,2}\s*(?:times\*{0,2}\s*)?(?:per key(?!-)|on-demand rotations)")]
    private static partial Regex OnDemandRotations();

    [GeneratedRegex(@"valid (?:for )?(?<n>\d+) hours")]
    private static partial Regex ValidHours();

    [GeneratedRegex(@"\$(?<n>\d+(?:\.\d+)?)\*{0,2} per 10,000")]
    private static partial Regex PricePer10k();

    [GeneratedRegex(@"\$(?<n>\d+(?:\.\d+)?)\*{0,2} (?:per key-month|per month|a month)")]
    private static partial Regex PricePerMonth();

    [GeneratedRegex(@"(?<n>\d{1,3}(?:,\d{3})+|\d+) free")]
    private static partial Regex FreeRequests();

    [GeneratedRegex(@"RSA_2048 with OAEP SHA-256 takes at most (?<n>\d+) bytes")]
    private static partial Regex RsaOaep();

    [GeneratedRegex(@"(?<n>\d+) bytes of (?:AES-256 )?key")]
    private static partial Regex DataKey();

    private static decimal Num(string s) => decimal.Parse(s.Replace(",", ""), CultureInfo.InvariantCulture);

    /// <summary>Every statement the rules find in <paramref name="text"/>, each checked against the table.</summary>
    public static IReadOnlyList<ProseStatement> Find(string text)
    {
        var found = new List<ProseStatement>();
        foreach (var rule in Rules)
        {
            foreach (Match m in rule.Pattern.Matches(text))
            {
                if (rule.Applies is { } applies && !applies(m, text)) continue;
                var candidates = rule.Candidates(m, text);
                if (rule.Name == "day range")
                {
                    decimal a = Num(m.Groups["a"].Value), b = Num(m.Groups["b"].Value);
                    var pair = candidates.Select(c => c.Split('+')).FirstOrDefault(p => V(p[0]) == a && V(p[1]) == b);
                    bool ok = pair is not null;
                    if (ok && m.Groups["d"].Success)
                    {
                        var defaultName = pair![0].Replace("Min", "Default", StringComparison.Ordinal);
                        ok = V(defaultName) == Num(m.Groups["d"].Value);
                    }
                    found.Add(new(rule.Name, m.Value, m.Groups["a"].Index, m.Groups["a"].Length, b, candidates, ok));
                    continue;
                }
                var n = Num(m.Groups["n"].Value);
                bool matches = rule.Name switch
                {
                    "KB limit" => candidates.Any(c => V(c) == n * 1024),
                    // One past a byte limit is what the error names: "4097 bytes is a ValidationException".
                    "byte limit" => candidates.Any(c => V(c) == n) || (candidates.Any(c => V(c) + 1 == n) && Sentence(text, m).Contains("ValidationException", StringComparison.Ordinal)),
                    _ => candidates.Any(c => V(c) == n),
                };
                found.Add(new(rule.Name, m.Value, m.Groups["n"].Index, m.Groups["n"].Length, n, candidates, matches));
            }
        }
        return found;
    }

    /// <summary>The names of the rules, for coverage checks.</summary>
    public static IEnumerable<string> RuleNames => Rules.Select(r => r.Name);
}
