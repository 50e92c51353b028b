using KmsLab.Exam;
using Spectre.Console;

namespace KmsLab.Cli.Exam;

/// <summary>How a question, its feedback and its explanation look in the terminal: plain text laid out for 80 columns, meaning never carried by colour alone.</summary>
internal static class QuestionScreen
{
    /// <summary>The question: a header rule, the stem, the lettered choices, and how to answer a "choose two".</summary>
    public static void Show(IAnsiConsole console, AskedQuestion asked, string header, string? status = null)
    {
        console.WriteLine();
        console.Write(new Rule($"[bold]{Markup.Escape(header)}[/]" + (status is null ? "" : $" [dim]· {Markup.Escape(status)}[/]")) { Justification = Justify.Left });
        console.Write(new Paragraph(asked.Question.Stem));
        console.WriteLine();
        console.WriteLine();
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(1)).AddColumn();
        for (int i = 0; i < asked.Choices.Count; i++)
            grid.AddRow(new Markup($"[bold]{AskedQuestion.Letter(i)}[/]"), new Text(asked.Choices[i].Text));
        console.Write(grid);
        if (asked.Question.IsChooseTwo) console.MarkupLine("[dim](Choose two: answer with both letters, e.g. AC.)[/]");
    }

    /// <summary>Right or wrong, the right answer, and why each choice is right or wrong; where the topic is taught; how to see it happen.</summary>
    public static void Explain(IAnsiConsole console, AskedQuestion asked, string? answer)
    {
        var given = asked.Normalize(answer);
        var verdict = given is null ? "Not answered." : asked.IsRight(answer) ? "Right." : $"Not right: you answered {given}.";
        console.MarkupLine($"[bold]{Markup.Escape(verdict)}[/] The answer is [bold]{asked.CorrectLetters}[/].");
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(1)).AddColumn();
        for (int i = 0; i < asked.Choices.Count; i++)
        {
            var c = asked.Choices[i];
            var mark = c.Correct ? "right" : "wrong";
            grid.AddRow(new Markup($"[bold]{AskedQuestion.Letter(i)}[/] [dim]{mark}[/]"), new Text(c.Why));
        }
        console.Write(grid);
        var taught = $"Taught in lesson {asked.Question.Lesson}";
        if (QuestionDemonstrations.Has(asked.Question.Id)) taught += $"; see it happen: kmslab exam prove {asked.Question.Id}";
        console.MarkupLine($"[dim]{Markup.Escape(taught)}.[/]");
    }
}
