using System.Text.RegularExpressions;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Architecture;

/// <summary>The source tree keeps the shape the contributor page describes: namespaces match folders, and the engine knows no wire.</summary>
public partial class LayoutTests
{
    [GeneratedRegex(@"^namespace ([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    private static IEnumerable<string> Sources(string folder) =>
        Directory.GetFiles(Path.Combine(Repository.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Theory]
    [InlineData("src/KmsLab")]
    [InlineData("src/KmsLab.Cli")]
    [InlineData("src/KmsLab.Lessons")]
    public void Every_namespace_matches_its_folder(string project)
    {
        var wrong = Sources(project)
            .Select(f => (File: Path.GetRelativePath(Path.Combine(Repository.Root, "src"), f), Namespace: Namespace().Match(File.ReadAllText(f)).Groups[1].Value))
            .Where(x => x.Namespace != Path.GetDirectoryName(x.File)!.Replace(Path.DirectorySeparatorChar, '.'))
            .Select(x => $"{x.File}: {x.Namespace}")
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_engine_uses_JSON_only_for_policy_documents()
    {
        var simulation = Path.Combine("src", "KmsLab", "Simulation");
        var json = Sources(simulation)
            .Where(f => File.ReadAllText(f).Contains("System.Text.Json", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Path.Combine(Repository.Root, simulation), f))
            .Where(f => !f.StartsWith("Policies" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        Assert.Empty(json);
    }
}
