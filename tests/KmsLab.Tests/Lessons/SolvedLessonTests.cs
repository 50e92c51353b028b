using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmsLab.Cli.Notebooks;
using KmsLab.Lessons;

namespace KmsLab.Tests.Lessons;

/// <summary>
/// Each lesson as a learner who has done everything right would run it: the exercise cell replaced
/// by the lesson's own solution, every question answered correctly (at whatever letter the run's
/// shuffle put the right choice). The check must say "well done" and the score must be full — so the
/// published solutions and answer keys are right.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed partial class SolvedLessonTests
{
    public static TheoryData<string> Lessons() => NotebookRunTests.Lessons();

    [Theory]
    [MemberData(nameof(Lessons))]
    public async Task TheSolutionPassesTheCheckAndTheRightAnswersScoreFully(string lesson)
    {
        using var dir = new TempDir();
        var nb = IpynbDocument.Load(Path.Combine(Repository.Notebooks, lesson));
        var cells = nb.Cells.ToList();
        int check = LessonSolution.Apply(cells);

        int expectedScore = 0;
        foreach (var cell in cells.Where(c => c.IsCode))
        {
            var match = QuestionCell().Match(cell.Source);
            if (!match.Success) continue;
            var number = int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var quiz = match.Groups["quiz"].Value;
            // The notebook's quiz shuffles the choices, so the right letters are only known inside it: answer with the
            // letters at which that quiz shows the choices the bank marks right (found by the bank's flag, not the quiz's own key).
            cell.Source = cell.Source.Replace(match.Value,
                $"{quiz}.Question({number}).Answer(string.Concat({quiz}.Questions[{number - 1}].Choices.Select((c, i) => (c, i)).Where(x => KmsLab.Exam.ExamBank.Default.Question({quiz}.Questions[{number - 1}].Question.Id).Choices.Single(s => s.Text == x.c.Text).Correct).Select(x => (char)('A' + x.i))))", StringComparison.Ordinal);
            expectedScore++;
        }
        var path = Path.Combine(dir.Path, lesson);
        nb.Save(path);

        NotebookHost.Configure();
        var observer = new LessonSolution.Capture();
        var result = await new NotebookRunner(new NotebookRunOptions(null, TimeSpan.FromMinutes(2)), observer).RunAsync(path);
        Assert.True(result.Passed, result.Failure is { } f ? $"cell {f.CellNumber}:\n{f.Code}\n---\n{f.Error}" : "");

        var checkOutput = observer.Outputs[check + 1];
        Assert.Contains("well done", checkOutput, StringComparison.Ordinal);
        var score = observer.Outputs.Values.Last(o => o.Contains(" right (", StringComparison.Ordinal) && o.Contains(" answered)", StringComparison.Ordinal));
        Assert.Contains($"{expectedScore}/{expectedScore} right", score, StringComparison.Ordinal);
    }

    [GeneratedRegex("""(?<quiz>quiz|exam)\.Question\((?<n>\d+)\)\.Answer\("\?"\)""")]
    private static partial Regex QuestionCell();
}
