using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Cli.Terminal;
using Spectre.Console;
using Spectre.Console.Testing;

namespace KmsLab.Tests.Cli;

/// <summary>The terminal view and progress through Spectre.Console's TestConsole.</summary>
public sealed class TerminalRenderingTests
{
    private const string Prose = "# Lesson [red]x[/] title\n\nSome *prose* with `code [bold]` and a long sentence that has to wrap at a narrow width somewhere.\n\n- one [item]\n- two\n\n| name | value |\n|---|---|\n| alpha [/] | a rather long value that must fold inside its column |\n\n---\n";

    private static TestConsole Console(int width, bool color)
    {
        var console = new TestConsole().Width(width);
        if (color) console.EmitAnsiSequences().Colors(ColorSystem.TrueColor);
        return console;
    }

    private static void Show(TestConsole console)
    {
        var view = new TerminalView(console, quiet: false);
        view.Markdown(new IpynbCell(new JsonObject { ["cell_type"] = "markdown", ["source"] = Prose, ["metadata"] = new JsonObject() }, "csharp"));
        view.CodeStarted(3, new IpynbCell(new JsonObject { ["cell_type"] = "code", ["source"] = "var x = new[] { 1 }; // [not markup]", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray() }, "csharp"));
        var outputs = new JsonArray
        {
            new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "printed [green]text[/]\n" },
            new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/plain"] = "t", ["text/html"] = "<table class=\"kmslab-table\"><caption>Audit</caption><thead><tr><th>who</th><th>operation</th></tr></thead><tbody><tr><td>alice</td><td>Encrypt [x]</td></tr></tbody></table>" } },
            new JsonObject { ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = "boom [bad" },
        };
        view.CodeFinished(3, null!, outputs, null, TimeSpan.Zero);
    }

    [Theory]
    [InlineData(120, true)]
    [InlineData(120, false)]
    [InlineData(40, true)]
    [InlineData(40, false)]
    public void ProseCellsTablesAndErrorsFitTheWidthAndShowEveryWord(int width, bool color)
    {
        var console = Console(width, color);
        Show(console);
        var output = console.Output;
        Assert.Equal(color, output.Contains('\u001b'));
        var plain = System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;?]*[a-zA-Z]", "");
        foreach (var line in plain.Split('\n')) Assert.True(line.TrimEnd().Length <= width, $"wider than {width}: '{line}'");
        var words = string.Join(" ", plain.Split((char[])[' ', '\n', '│', '╭', '╮', '╰', '╯', '─', '┃'], StringSplitOptions.RemoveEmptyEntries));
        foreach (var expected in new[] { "[RED]X[/]", "[bold]", "[item]", "alpha", "[/]", "[not", "markup]", "[green]text[/]", "Encrypt", "[x]", "alice", "boom", "[bad" })
            Assert.Contains(expected, words, StringComparison.Ordinal);
    }

    [Fact]
    public void NoColorMeansNoColourCodes()
    {
        var console = (IAnsiConsole)TerminalConsole.Create(new StringWriter(), isTerminal: true, name => name == "NO_COLOR" ? "1" : null);
        Assert.Equal(ColorSystem.NoColors, console.Profile.Capabilities.ColorSystem);
        var withColour = TerminalConsole.Create(new StringWriter(), isTerminal: true, _ => null);
        Assert.NotEqual(ColorSystem.NoColors, withColour.Profile.Capabilities.ColorSystem);
        var redirected = TerminalConsole.Create(new StringWriter(), isTerminal: false, _ => null);
        Assert.False(redirected.Profile.Capabilities.Ansi);
        Assert.False(redirected.Profile.Capabilities.Interactive);
    }

    [Fact]
    public async Task ProgressOffATerminalIsOneFinalLineWithoutCursorMovement()
    {
        var writer = new StringWriter();
        var console = TerminalConsole.Create(writer, isTerminal: false, _ => null);
        await FileProgress.RunAsync(console, "encrypt", 40L << 20, progress =>
        {
            for (long i = 0; i <= 40; i++) progress.Report(i << 20);
            return Task.CompletedTask;
        });
        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text);
        Assert.Equal(["encrypt 100% 40.0 MiB"], text.TrimEnd().Split('\n').Select(l => l[..21]));
    }

    [Fact]
    public async Task ProgressOnAnInteractiveConsoleIsALiveBar()
    {
        var console = new TestConsole().Width(100).Interactive().EmitAnsiSequences();
        await FileProgress.RunAsync(console, "decrypt", 20L << 20, progress =>
        {
            progress.Report(10L << 20);
            return Task.CompletedTask;
        });
        Assert.Contains("decrypt", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
        Assert.Contains("20.0 MiB", console.Output, StringComparison.Ordinal);
    }
}
