using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// Shows a running notebook on a Spectre.Console console: the lesson's prose
/// (<see cref="LessonMarkdown"/>), each code cell in a panel, each cell's outputs (text, tables,
/// errors in red), and a line per notebook. With <c>quiet</c>, only that line (and a failing cell).
/// Colour, width and escape sequences are the console's (see <see cref="Terminal.TerminalConsole"/>);
/// no text of a lesson or of an output is ever read as Spectre markup.
/// </summary>
internal sealed partial class TerminalView(IAnsiConsole console, bool quiet) : INotebookObserver
{
    private static readonly Style Frame = new(Color.Grey);
    private static readonly Style Error = new(Color.Red);
    private static readonly Style Success = new(Color.Green);
    private static readonly Style Warning = new(Color.Yellow);

    public void NotebookStarted(string path, IpynbDocument notebook)
    {
        if (quiet) return;
        var name = Path.GetFileName(path);
        console.WriteLine();
        var rule = new Rule { Border = BoxBorder.Double, Style = LessonMarkdown.Heading1 };
        // A rule cuts a title that does not fit: then the name goes on its own line between two rules.
        if (name.Length + 6 <= console.Profile.Width)
        {
            rule.Title = Markup.Escape(name);
            rule.Justification = Justify.Left;
            console.Write(rule);
            return;
        }
        console.Write(rule);
        console.Write(new Paragraph(name + "\n", LessonMarkdown.Heading1) { Overflow = Overflow.Fold });
        console.Write(rule);
    }

    public void Markdown(IpynbCell cell)
    {
        if (quiet) return;
        foreach (var renderable in LessonMarkdown.Render(cell.Source)) console.Write(renderable);
    }

    public void CodeStarted(int cellNumber, IpynbCell cell)
    {
        if (quiet) return;
        if (cell.Source.StartsWith(LessonSync.SetupMarker, StringComparison.Ordinal))
        {
            console.Write(new Paragraph($"  [{cellNumber}] (the lessons' standard setup cell: usings, Notebook.Start())\n", LessonMarkdown.Dim) { Overflow = Overflow.Fold });
            return;
        }
        console.Write(SourcePanel(cellNumber, cell.Source));
    }

    /// <summary>A cell's C# source in a panel headed with its number.</summary>
    internal static Panel SourcePanel(int cellNumber, string source) =>
        new(new Text(source.TrimEnd().Replace("\r", "", StringComparison.Ordinal), LessonMarkdown.Code) { Overflow = Overflow.Fold })
        {
            Header = new PanelHeader(Markup.Escape($"[{cellNumber}] C#")),
            Border = BoxBorder.Rounded,
            BorderStyle = Frame,
            Expand = true,
            Padding = new Padding(1, 0, 1, 0),
        };

    public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed)
    {
        if (quiet) return;
        foreach (var o in outputs.OfType<JsonObject>())
        {
            if (Output(o) is { } renderable) console.Write(new Padder(renderable, new Padding(2, 0, 0, 0)));
        }
        console.WriteLine();
    }

    /// <summary>One nbformat output as a renderable: text, a table, an error in red; null if it shows nothing.</summary>
    internal static IRenderable? Output(JsonObject output)
    {
        var kind = output["output_type"]?.GetValue<string>();
        switch (kind)
        {
            case "stream":
                var text = Join(output["text"]).TrimEnd();
                return text.Length == 0 ? null : OutputText(text, output["name"]?.GetValue<string>() == "stderr" ? Warning : Style.Plain);
            case "error":
                return OutputText($"{output["ename"]}: {output["evalue"]}", Error);
            default:
                var data = output["data"] as JsonObject;
                if (data?["text/html"] is { } html && HtmlTable(Join(html)) is { } table) return table;
                var plain = PlainText(data).TrimEnd();
                if (plain.Length == 0) return null;
                // A lesson's verdicts (an Outcome, an exercise check) start with ✔ or ✘.
                var style = plain.StartsWith('✘') ? Error : plain.StartsWith('✔') ? Success : Style.Plain;
                return OutputText(plain, style);
        }
    }

    private static Text OutputText(string text, Style style) =>
        new(text.Replace("\r", "", StringComparison.Ordinal), style) { Overflow = Overflow.Fold };

    public void NotebookFinished(NotebookResult result)
    {
        var name = Path.GetFileName(result.Path);
        var time = $"{result.Elapsed.TotalSeconds:0.0} s";
        var line = new Paragraph { Overflow = Overflow.Fold };
        if (result.Failure is { } f)
        {
            line.Append($"✘ {name}: cell {f.CellNumber} failed ({result.CodeCellsRun}/{result.CodeCells} code cells run, {time})\n", Error);
            console.Write(line);
            if (quiet)
            {
                console.Write(SourcePanel(f.CellNumber, f.Code));
                console.Write(new Padder(OutputText(f.Error, Error), new Padding(2, 0, 0, 0)));
            }
            return;
        }
        line.Append($"✔ {name}: {result.CodeCells} code cells ran ({time})", Success);
        if (result.HtmlPath is { } htmlPath) line.Append($"  → {Path.GetRelativePath(Environment.CurrentDirectory, htmlPath)}", LessonMarkdown.Dim);
        line.Append("\n");
        console.Write(line);
    }

    /// <summary>The run's last lines: how many notebooks passed and failed, and where their pages are.</summary>
    internal static void Summary(IAnsiConsole console, IReadOnlyList<NotebookResult> results, TimeSpan elapsed, string target, string? outputDirectory)
    {
        int failed = results.Count(r => !r.Passed);
        console.WriteLine();
        console.Write(new Rule { Style = Frame });
        var line = new Paragraph { Overflow = Overflow.Fold };
        line.Append($"{results.Count - failed} passed", failed == 0 ? Success : Style.Plain);
        line.Append(", ");
        line.Append($"{failed} failed", failed > 0 ? Error : Style.Plain);
        line.Append($" — {results.Count} notebook(s) in {elapsed.TotalSeconds:0.0} s (target: {target})\n");
        console.Write(line);
        if (outputDirectory is not null && results.Count > 0)
            console.Write(new Paragraph($"Executed notebooks and HTML pages: {Path.GetFullPath(outputDirectory)} (open index.html)\n", LessonMarkdown.Dim) { Overflow = Overflow.Fold });
    }

    private static string Join(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>The plain text of a display: text/plain if given, else the HTML's text.</summary>
    internal static string PlainText(JsonObject? data)
    {
        if (data is null) return "";
        if (data["text/plain"] is { } plain) return Join(plain);
        if (data["text/html"] is { } html) return HtmlToText(Join(html));
        return string.Join(", ", data.Select(p => $"[{p.Key}]"));
    }

    internal static string HtmlToText(string html)
    {
        var noScript = ScriptOrStyle().Replace(html, "");
        var withBreaks = BlockEnd().Replace(noScript, "\n");
        var text = WebUtility.HtmlDecode(Tag().Replace(withBreaks, ""));
        return MultiBlank().Replace(text, "\n").Trim();
    }

    /// <summary>
    /// A lesson's table (the HTML of KmsLab's TableView, <c>class="kmslab-table"</c>) as a Spectre
    /// table, which folds its columns to the width; null for any other HTML.
    /// </summary>
    internal static Table? HtmlTable(string html)
    {
        var trimmed = html.Trim();
        if (!trimmed.StartsWith("<table class=\"kmslab-table\"", StringComparison.Ordinal) || !trimmed.EndsWith("</table>", StringComparison.Ordinal)) return null;
        var table = new Table { Border = TableBorder.Rounded, BorderStyle = Frame };
        if (Caption().Match(trimmed) is { Success: true } caption)
            table.Title = new TableTitle(Markup.Escape(HtmlToText(caption.Groups["text"].Value)), new Style(decoration: Decoration.Bold));
        var headers = Header().Matches(trimmed).Select(m => HtmlToText(m.Groups["text"].Value)).ToList();
        var rows = Row().Matches(trimmed)
            .Select(r => Cell().Matches(r.Groups["cells"].Value).Select(c => HtmlToText(c.Groups["text"].Value)).ToList())
            .Where(r => r.Count > 0)
            .ToList();
        int columns = Math.Max(headers.Count, rows.Count == 0 ? 0 : rows.Max(r => r.Count));
        if (columns == 0) return null;
        for (int i = 0; i < columns; i++) table.AddColumn(new TableColumn(new Text(i < headers.Count ? headers[i] : "", new Style(decoration: Decoration.Bold))));
        if (headers.Count == 0) table.HideHeaders();
        foreach (var row in rows)
            table.AddRow(Enumerable.Range(0, columns).Select(i => (IRenderable)new Text(i < row.Count ? row[i] : "") { Overflow = Overflow.Fold }).ToArray());
        return table;
    }

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"</(p|div|tr|li|h\d|table|pre)>|<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\n\s*\n+")]
    private static partial Regex MultiBlank();

    [GeneratedRegex(@"<caption\b[^>]*>(?<text>.*?)</caption>", RegexOptions.Singleline)]
    private static partial Regex Caption();

    [GeneratedRegex(@"<th\b[^>]*>(?<text>.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex Header();

    [GeneratedRegex(@"<tr\b[^>]*>(?<cells>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex(@"<td\b[^>]*>(?<text>.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cell();
}
