using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmsLab.Cli.Notebooks;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// A lesson as a learner who solved its exercise runs it: the exercise cell replaced by the code
/// of the lesson's own collapsed solution. Knows where the exercise's check cell is, so a test can
/// read its verdict.
/// </summary>
internal static partial class LessonSolution
{
    /// <summary>Puts the solution in place of the exercise in <paramref name="cells"/>; returns the check cell's index.</summary>
    public static int Apply(List<IpynbCell> cells)
    {
        int solution = cells.FindIndex(c => c.IsMarkdown && c.Source.Contains("<details><summary>Solution", StringComparison.Ordinal));
        Assert.True(solution > 0, "no solution");
        int check = cells.FindLastIndex(solution, c => c.IsCode);
        int exercise = cells.FindLastIndex(check - 1, c => c.IsCode);
        Assert.Contains("Exercises.", cells[check].Source, StringComparison.Ordinal);
        cells[exercise].Source = CodeBlock().Match(cells[solution].Source).Groups["code"].Value;
        return check;
    }

    /// <summary>What a runner observer saw each code cell print, by cell number (1-based, as the runner counts).</summary>
    public sealed class Capture : INotebookObserver
    {
        public Dictionary<int, string> Outputs { get; } = [];

        public void NotebookStarted(string path, IpynbDocument notebook) { }
        public void Markdown(IpynbCell cell) { }
        public void CodeStarted(int cellNumber, IpynbCell cell) { }
        public void NotebookFinished(NotebookResult result) { }

        public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed) =>
            Outputs[cellNumber] = string.Join("\n", outputs.OfType<JsonObject>().Select(o => TerminalView.PlainText(o["data"] as JsonObject)));
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
