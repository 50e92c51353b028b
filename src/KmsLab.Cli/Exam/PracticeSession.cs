using KmsLab.Exam;
using KmsLab.Progress;
using Spectre.Console;

namespace KmsLab.Cli.Exam;

/// <summary>
/// Practice and review: one question at a time, the explanation after each answer, every answer
/// stored (and the missed ones scheduled for review). <c>q</c> or the end of input stops.
/// </summary>
internal sealed class PracticeSession(IAnsiConsole console, ExamInput input, ProgressStore progress, TimeProvider time, Random random)
{
    /// <summary>Asks <paramref name="questions"/>; returns how many were answered right of how many answered.</summary>
    public async Task<(int Right, int Answered)> RunAsync(AttemptKind kind, IReadOnlyList<ExamQuestion> questions, string? exam, string? topic)
    {
        var attempt = progress.StartAttempt(kind, exam, topic);
        int right = 0, answered = 0;
        for (int i = 0; i < questions.Count; i++)
        {
            var asked = AskedQuestion.Shuffle(questions[i], random);
            QuestionScreen.Show(console, asked, $"Question {i + 1} of {questions.Count}", $"{asked.Question.Topic} · {asked.Question.Difficulty}");
            var started = time.GetUtcNow();
            string? answer;
            while (true)
            {
                console.Markup($"[dim]Answer ({Letters(asked)}), s to skip, q to stop:[/] ");
                var (_, line) = await input.ReadAsync(null);
                console.WriteLine();
                if (line is null || line.Trim().Equals("q", StringComparison.OrdinalIgnoreCase))
                {
                    progress.FinishAttempt(attempt);
                    return Done(right, answered);
                }
                if (line.Trim().Equals("s", StringComparison.OrdinalIgnoreCase)) { answer = null; break; }
                answer = asked.Normalize(line);
                if (answer is not null) break;
                console.MarkupLine($"[dim]{Markup.Escape(Help(asked))}[/]");
            }
            if (answer is null) continue;
            answered++;
            if (progress.RecordAnswer(attempt, i + 1, asked, answer, flagged: false, time.GetUtcNow() - started)) right++;
            QuestionScreen.Explain(console, asked, answer);
        }
        progress.FinishAttempt(attempt);
        return Done(right, answered);
    }

    private (int, int) Done(int right, int answered)
    {
        console.WriteLine();
        console.MarkupLine(answered == 0 ? "No question answered." : $"[bold]{right} of {answered} right[/] ({100 * right / answered}%).");
        return (right, answered);
    }

    private static string Letters(AskedQuestion asked) => $"A-{AskedQuestion.Letter(asked.Choices.Count - 1)}" + (asked.Question.IsChooseTwo ? ", two letters" : "");

    private static string Help(AskedQuestion asked) => asked.Question.IsChooseTwo
        ? $"Type the two letters of your choices (e.g. AC), from A to {AskedQuestion.Letter(asked.Choices.Count - 1)}."
        : $"Type one letter, from A to {AskedQuestion.Letter(asked.Choices.Count - 1)}.";
}
