using Spectre.Console;

namespace KmsLab.Cli.Terminal;

/// <summary>
/// The one way the CLI makes its Spectre.Console consoles: a command creates one for
/// <see cref="Console.Out"/> or <see cref="Console.Error"/> and hands it down, so tests hand a
/// <c>TestConsole</c> instead.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A terminal gets colour, styles and live progress bars.</item>
/// <item><c>NO_COLOR</c> set to any non-empty value (no-color.org): no colour at all; bold and
/// dim stay, the text is the same.</item>
/// <item>Output that is not a terminal (a file, a pipe): no escape sequence of any kind, no cursor
/// movement, progress as one final line, and lines wrapped at <c>COLUMNS</c> or 100.</item>
/// <item><c>COLUMNS</c>, when set, is the width, on a terminal too.</item>
/// </list>
/// </remarks>
internal static class TerminalConsole
{
    /// <summary>The width of output that is not a terminal, unless <c>COLUMNS</c> says otherwise.</summary>
    internal const int RedirectedWidth = 100;

    /// <summary>The narrowest width the CLI lays out for: below it, it lays out for this width.</summary>
    internal const int MinimumWidth = 20;

    /// <summary>A console for standard output.</summary>
    public static IAnsiConsole ForStandardOutput() =>
        Create(Console.Out, isTerminal: !Console.IsOutputRedirected, Environment.GetEnvironmentVariable);

    /// <summary>A console for standard error (where encrypt and decrypt draw their progress).</summary>
    public static IAnsiConsole ForStandardError() =>
        Create(Console.Error, isTerminal: !Console.IsErrorRedirected, Environment.GetEnvironmentVariable);

    /// <summary>A console writing to <paramref name="writer"/>, with the settings the remarks describe.</summary>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="isTerminal">Whether <paramref name="writer"/> is a terminal.</param>
    /// <param name="environment">Reads an environment variable (<c>NO_COLOR</c>, <c>COLORTERM</c>, <c>COLUMNS</c>).</param>
    public static IAnsiConsole Create(TextWriter writer, bool isTerminal, Func<string, string?> environment)
    {
        bool noColor = !string.IsNullOrEmpty(environment("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = !isTerminal || noColor ? ColorSystemSupport.NoColors : ColorSystemFor(environment("COLORTERM")),
            Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        // Spectre's own detection treats an empty NO_COLOR as set and asks the process's streams, not this writer.
        console.Profile.Capabilities.Ansi = isTerminal;
        console.Profile.Capabilities.Interactive = isTerminal;
        console.Profile.Capabilities.Links = false;
        if (int.TryParse(environment("COLUMNS"), out int columns) && columns > 0) console.Profile.Width = Math.Max(MinimumWidth, columns);
        else if (!isTerminal) console.Profile.Width = RedirectedWidth;
        else if (console.Profile.Width < MinimumWidth) console.Profile.Width = MinimumWidth;
        return console;
    }

    private static ColorSystemSupport ColorSystemFor(string? colorTerm) =>
        colorTerm is { } c && (c.Equals("truecolor", StringComparison.OrdinalIgnoreCase) || c.Equals("24bit", StringComparison.OrdinalIgnoreCase))
            ? ColorSystemSupport.TrueColor
            : ColorSystemSupport.EightBit;

    /// <summary>
    /// Writes one line as it is, unwrapped: the messages a script may read (errors, usage), on the
    /// console's own writer so that they and the console's output stay in order.
    /// </summary>
    public static void WriteLinePlain(this IAnsiConsole console, string line)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(line);
        writer.Flush();
    }
}
