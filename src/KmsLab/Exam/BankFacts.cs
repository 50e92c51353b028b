using System.Text.RegularExpressions;

namespace KmsLab.Exam;

/// <summary>Fills <c>{fact:Name}</c> in a bank text with <see cref="KmsFacts"/>'s value, so a question states the number the course states.</summary>
internal static partial class BankFacts
{
    [GeneratedRegex(@"\{fact:([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();

    /// <summary><paramref name="text"/> with every placeholder filled in; <paramref name="unknown"/> is the first name the table lacks, if any.</summary>
    public static string Fill(string text, out string? unknown)
    {
        string? missing = null;
        var filled = Placeholder().Replace(text, m =>
        {
            var fact = KmsFacts.All.FirstOrDefault(f => f.Name == m.Groups[1].Value);
            if (fact is null) { missing ??= m.Groups[1].Value; return m.Value; }
            return fact.Display;
        });
        unknown = missing;
        return filled;
    }
}
