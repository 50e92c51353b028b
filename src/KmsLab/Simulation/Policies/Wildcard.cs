namespace KmsLab.Simulation.Policies;

/// <summary>IAM's wildcard matching: <c>*</c> matches any run of characters, <c>?</c> any one character.</summary>
internal static class Wildcard
{
    public static bool IsMatch(string pattern, string value, bool ignoreCase)
    {
        if (pattern == "*") return true;
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (pattern.IndexOfAny(['*', '?']) < 0) return string.Equals(pattern, value, comparison);
        return Match(pattern.AsSpan(), value.AsSpan(), ignoreCase);
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value, bool ignoreCase)
    {
        // Iterative glob with single backtrack point: linear for the patterns policies use.
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) => a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
