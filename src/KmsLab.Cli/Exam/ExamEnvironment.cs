using KmsLab.Cli.Terminal;
using Spectre.Console;

namespace KmsLab.Cli.Exam;

/// <summary>What <c>kmslab exam</c> talks through: the terminal (or a test's console and scripted input), the clock and a source of order.</summary>
/// <param name="Console">Where questions and scores are drawn.</param>
/// <param name="Input">The candidate's keyboard, a line at a time.</param>
/// <param name="Error">Where refusals go.</param>
/// <param name="Time">The clock of mock exams and of the review schedule.</param>
internal sealed record ExamEnvironment(IAnsiConsole Console, TextReader Input, TextWriter Error, TimeProvider Time)
{
    /// <summary>The real terminal and the system clock.</summary>
    public static ExamEnvironment Terminal() =>
        new(TerminalConsole.ForStandardOutput(), System.Console.In, System.Console.Error, TimeProvider.System);
}
