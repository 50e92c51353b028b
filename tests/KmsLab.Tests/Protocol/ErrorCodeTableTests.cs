using System.Reflection;
using System.Text.RegularExpressions;
using KmsLab.Simulation;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Protocol;

/// <summary>Every error code the simulator answers with is a constant of <see cref="KmsErrorCodes"/>: a misspelt code is an exception the SDK cannot type.</summary>
public partial class ErrorCodeTableTests
{
    [GeneratedRegex("""(new KmsException\(|KmsException\.\w+\(|Reject\(\d+, |new RefusedMember\(|new\()\s*"(?<code>[A-Za-z]+Exception)"\s*,""")]
    private static partial Regex LiteralCode();

    [Fact]
    public void No_error_code_is_written_as_a_string_literal_outside_the_table()
    {
        var literals = Directory.GetFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.EndsWith("KmsErrorCodes.cs", StringComparison.Ordinal))
            .SelectMany(f => LiteralCode().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetRelativePath(Repository.Root, f)}: {m.Groups["code"].Value}"))
            .ToList();
        Assert.Empty(literals);
    }

    [Fact]
    public void The_table_spells_every_code_as_an_exception_name()
    {
        var codes = typeof(KmsErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.All(codes, c => Assert.Matches("^[A-Z][A-Za-z]+Exception$", c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }
}
