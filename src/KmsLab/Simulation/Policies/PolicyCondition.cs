using System.Text.Json;

namespace KmsLab.Simulation.Policies;

/// <summary>
/// One test of a Condition block: an operator (with an optional ForAnyValue:/ForAllValues: set
/// qualifier and IfExists suffix), a condition key and the values it accepts. A block holds
/// many; all must hold (AND), and any one value of a test may match (OR).
/// </summary>
internal sealed record PolicyCondition(string Operator, SetQualifier Qualifier, bool IfExists, string Key, IReadOnlyList<string> Values)
{
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "Bool", "Null", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
        "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike", "IpAddress", "NotIpAddress",
    };

    public static IReadOnlyList<PolicyCondition> ParseBlock(JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object) throw Malformed("Condition must be an object of operators.");
        var conditions = new List<PolicyCondition>();
        foreach (var op in block.EnumerateObject())
        {
            var name = op.Name;
            var qualifier = SetQualifier.None;
            if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal)) { qualifier = SetQualifier.ForAnyValue; name = name["ForAnyValue:".Length..]; }
            else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal)) { qualifier = SetQualifier.ForAllValues; name = name["ForAllValues:".Length..]; }
            bool ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "Null";
            if (ifExists) name = name[..^"IfExists".Length];
            if (!Operators.Contains(name)) throw Malformed($"Unknown condition operator '{op.Name}'.");
            if (op.Value.ValueKind != JsonValueKind.Object) throw Malformed($"The condition operator '{op.Name}' must map condition keys to values.");
            foreach (var test in op.Value.EnumerateObject())
            {
                var values = test.Value.ValueKind switch
                {
                    JsonValueKind.Array => test.Value.EnumerateArray().Select(Scalar).ToList(),
                    _ => [Scalar(test.Value)],
                };
                conditions.Add(new PolicyCondition(name, qualifier, ifExists, test.Name, values));
            }
        }
        return conditions;
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => e.GetRawText(),
        _ => throw Malformed("Condition values must be strings, numbers or booleans."),
    };

    /// <summary>Whether the request's values for <see cref="Key"/> satisfy this test.</summary>
    public bool IsSatisfied(IReadOnlyList<string>? requestValues)
    {
        if (Operator == "Null")
        {
            bool isNull = requestValues is null || requestValues.Count == 0;
            return Values.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase) == isNull);
        }
        if (requestValues is null || requestValues.Count == 0)
        {
            // A missing key fails a test, except ForAllValues (vacuously true), IfExists and the negated operators.
            return Qualifier == SetQualifier.ForAllValues || IfExists || IsNegated;
        }
        return Qualifier switch
        {
            SetQualifier.ForAllValues => requestValues.All(Matches),
            _ => IsNegated ? requestValues.All(Matches) : requestValues.Any(Matches),
        };
    }

    private bool IsNegated => Operator.Contains("Not", StringComparison.Ordinal);

    private bool Matches(string requestValue) => Operator switch
    {
        "StringEquals" => Values.Contains(requestValue, StringComparer.Ordinal),
        "StringNotEquals" => !Values.Contains(requestValue, StringComparer.Ordinal),
        "StringEqualsIgnoreCase" => Values.Contains(requestValue, StringComparer.OrdinalIgnoreCase),
        "StringNotEqualsIgnoreCase" => !Values.Contains(requestValue, StringComparer.OrdinalIgnoreCase),
        "StringLike" => Values.Any(v => Wildcard.IsMatch(v, requestValue, ignoreCase: false)),
        "StringNotLike" => !Values.Any(v => Wildcard.IsMatch(v, requestValue, ignoreCase: false)),
        "ArnEquals" or "ArnLike" => Values.Any(v => Wildcard.IsMatch(v, requestValue, ignoreCase: false)),
        "ArnNotEquals" or "ArnNotLike" => !Values.Any(v => Wildcard.IsMatch(v, requestValue, ignoreCase: false)),
        "Bool" => Values.Any(v => string.Equals(v, requestValue, StringComparison.OrdinalIgnoreCase)),
        "IpAddress" => Values.Any(v => InRange(v, requestValue)),
        "NotIpAddress" => !Values.Any(v => InRange(v, requestValue)),
        _ => MatchesNumber(requestValue),
    };

    /// <summary>IpAddress: the address is in the CIDR range (a bare address is a /32 or /128).</summary>
    private static bool InRange(string range, string address)
    {
        if (!System.Net.IPAddress.TryParse(address, out var ip)) return false;
        if (System.Net.IPNetwork.TryParse(range, out var network)) return network.Contains(ip);
        return System.Net.IPAddress.TryParse(range, out var single) && single.Equals(ip);
    }

    private bool MatchesNumber(string requestValue)
    {
        if (!decimal.TryParse(requestValue, System.Globalization.CultureInfo.InvariantCulture, out var actual)) return false;
        return Values.Any(v => decimal.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var expected) && Operator switch
        {
            "NumericEquals" => actual == expected,
            "NumericNotEquals" => actual != expected,
            "NumericLessThan" => actual < expected,
            "NumericLessThanEquals" => actual <= expected,
            "NumericGreaterThan" => actual > expected,
            _ => actual >= expected,
        });
    }

    private static KmsException Malformed(string message) => new(KmsErrorCodes.MalformedPolicyDocument, message);
}

internal enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}
