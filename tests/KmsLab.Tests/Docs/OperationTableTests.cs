using System.Text.RegularExpressions;
using KmsLab.Simulation.Operations;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Docs;

/// <summary>
/// The library page's "Operations and fidelity" table says what a learner can call: it must say
/// what the operation catalogue says, so a new or newly simulated operation cannot leave it behind.
/// </summary>
public sealed partial class OperationTableTests
{
    [Fact]
    public void The_library_page_lists_every_operation_once_as_simulated_or_not_as_the_catalogue_says()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "library.md"));
        int start = page.IndexOf("| Area | Operations |", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/library.md has no '| Area | Operations |' table");
        var rows = page[start..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();

        var listed = new List<(string Operation, bool Simulated)>();
        foreach (var row in rows)
        {
            var cells = row.Trim().Trim('|').Split('|');
            bool simulated = !cells[0].Contains("Not simulated", StringComparison.Ordinal);
            listed.AddRange(OperationName().Matches(cells[1]).Select(m => (m.Value, simulated)));
        }

        Assert.Equal(listed.Count, listed.Select(l => l.Operation).Distinct().Count());
        Assert.Equal(
            OperationCatalog.All.Select(o => $"{o.Name}: {(o.IsSimulated ? "simulated" : "not simulated")}").Order(StringComparer.Ordinal),
            listed.Select(l => $"{l.Operation}: {(l.Simulated ? "simulated" : "not simulated")}").Order(StringComparer.Ordinal));
    }

    [GeneratedRegex("[A-Z][A-Za-z]+")]
    private static partial Regex OperationName();
}
