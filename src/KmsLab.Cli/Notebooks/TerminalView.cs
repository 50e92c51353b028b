using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// Shows a running notebook in a terminal: the lesson's prose (headings, bullets, code, tables)
/// wrapped to the width, each code cell dimmed, and each cell's plain-text output. With
/// <c>quiet</c>, only one line per notebook.
/// </summary>
internal sealed partial class TerminalView(TextWriter output, bool color, bool quiet, int width = 100) : INotebookObserver
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    private string Bold(string s) => color ? $"\u001b[1m{s}\u001b[0m" : s;

    private string Dim(string s) => color ? $"\u001b[2m{s}\u001b[0m" : s;

    private string Cyan(string s) => color ? $"\u001b[36m{s}\u001b[0m" : s;

    private string Red(string s) => color ? $"\u001b[31m{s}\u001b[0m" : s;

    private string Green(string s) => color ? $"\u001b[32m{s}\u001b[0m" : s;

    public void NotebookStarted(string path, IpynbDocument notebook)
    {
        if (quiet) return;
        output.WriteLine();
        output.WriteLine(Bold(new string('═', Math.Min(width, 80))));
        output.WriteLine(Bold($"  {Path.GetFileName(path)}"));
        output.WriteLine(Bold(new string('═', Math.Min(width, 80))));
    }

    public void Markdown(IpynbCell cell)
    {
        if (quiet) return;
        output.Write(RenderMarkdown(cell.Source));
    }

    public void CodeStarted(int cellNumber, IpynbCell cell)
    {
        if (quiet) return;
        if (cell.Source.StartsWith(LessonSync.SetupMarker, StringComparison.Ordinal))
        {
            output.WriteLine(Dim($"  [{cellNumber}] (the lessons' standard setup cell: usings, Notebook.Start())"));
            return;
        }
        output.WriteLine(Dim($"  ┌─ [{cellNumber}] C#"));
        foreach (var line in cell.Source.TrimEnd().Split('\n')) output.WriteLine(Dim($"  │ {line.TrimEnd('\r')}"));
        output.WriteLine(Dim("  └─"));
    }

    public void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed)
    {
        if (quiet) return;
        foreach (var o in outputs.OfType<JsonObject>())
        {
            var kind = o["output_type"]?.GetValue<string>();
            string text = kind switch
            {
                "stream" => Join(o["text"]),
                "error" => Red($"{o["ename"]}: {o["evalue"]}"),
                _ => PlainText(o["data"] as JsonObject),
            };
            if (text.Length == 0) continue;
            foreach (var line in text.TrimEnd().Split('\n')) output.WriteLine("    " + line.TrimEnd('\r'));
        }
        output.WriteLine();
    }

    public void NotebookFinished(NotebookResult result)
    {
        var name = Path.GetFileName(result.Path);
        var time = $"{result.Elapsed.TotalSeconds:0.0} s";
        if (result.Failure is { } f)
        {
            output.WriteLine(Red($"✘ {name}: cell {f.CellNumber} failed ({result.CodeCellsRun}/{result.CodeCells} code cells run, {time})"));
            if (quiet)
            {
                foreach (var line in f.Code.TrimEnd().Split('\n')) output.WriteLine(Dim($"  │ {line.TrimEnd('\r')}"));
                output.WriteLine(Red("  " + f.Error.Replace("\n", "\n  ", StringComparison.Ordinal)));
            }
        }
        else
        {
            output.WriteLine(Green($"✔ {name}: {result.CodeCells} code cells ran ({time})") + (result.HtmlPath is { } html ? Dim($"  → {Path.GetRelativePath(Environment.CurrentDirectory, html)}") : ""));
        }
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
        var text = System.Net.WebUtility.HtmlDecode(Tag().Replace(withBreaks, ""));
        return MultiBlank().Replace(text, "\n").Trim();
    }

    [GeneratedRegex(@"<(script|style)\b.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"</(p|div|tr|li|h\d|table|pre)>|<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\n\s*\n+")]
    private static partial Regex MultiBlank();

    /// <summary>Markdown as terminal text: headings emphasised, lists bulleted, code indented, paragraphs wrapped.</summary>
    internal string RenderMarkdown(string markdown)
    {
        var doc = Markdig.Markdown.Parse(markdown, Pipeline);
        var sb = new StringBuilder();
        foreach (var block in doc) RenderBlock(block, sb, "");
        return sb.ToString();
    }

    private void RenderBlock(Block block, StringBuilder sb, string indent)
    {
        switch (block)
        {
            case HeadingBlock h:
                var title = Inline(h.Inline);
                sb.AppendLine();
                sb.AppendLine(indent + Bold(h.Level <= 1 ? title.ToUpperInvariant() : title));
                if (h.Level <= 2) sb.AppendLine(indent + Bold(new string(h.Level == 1 ? '━' : '─', Math.Min(width - indent.Length, Math.Max(4, StripAnsi(title).Length)))));
                break;
            case ParagraphBlock p:
                Wrap(sb, Inline(p.Inline), indent, indent);
                sb.AppendLine();
                break;
            case ListBlock list:
                int n = 1;
                if (int.TryParse(list.OrderedStart, out var start)) n = start;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{n++}. " : "• ";
                    bool first = true;
                    foreach (var child in item)
                    {
                        if (first && child is ParagraphBlock para)
                        {
                            Wrap(sb, Inline(para.Inline), indent + "  " + bullet, indent + "  " + new string(' ', bullet.Length));
                        }
                        else
                        {
                            RenderBlock(child, sb, indent + "    ");
                        }
                        first = false;
                    }
                }
                sb.AppendLine();
                break;
            case FencedCodeBlock or CodeBlock:
                var code = (LeafBlock)block;
                foreach (var line in code.Lines.Lines.Take(code.Lines.Count)) sb.AppendLine(indent + "    " + Cyan(line.ToString()));
                sb.AppendLine();
                break;
            case QuoteBlock quote:
                var inner = new StringBuilder();
                foreach (var child in quote) RenderBlock(child, inner, "");
                foreach (var line in inner.ToString().TrimEnd().Split('\n')) sb.AppendLine(indent + "  ┃ " + line);
                sb.AppendLine();
                break;
            case ThematicBreakBlock:
                sb.AppendLine(indent + Dim(new string('─', 40)));
                break;
            case Table table:
                RenderTable(table, sb, indent);
                break;
            case HtmlBlock html:
                var text = HtmlToText(string.Join("\n", html.Lines.Lines.Take(html.Lines.Count).Select(l => l.ToString())));
                if (text.Length > 0) sb.AppendLine(indent + Dim(text));
                break;
            case ContainerBlock container:
                foreach (var child in container) RenderBlock(child, sb, indent);
                break;
        }
    }

    private void RenderTable(Table table, StringBuilder sb, string indent)
    {
        var rows = table.OfType<TableRow>()
            .Select(r => (r.IsHeader, Cells: r.OfType<TableCell>().Select(c => string.Concat(c.OfType<ParagraphBlock>().Select(pb => Inline(pb.Inline)))).ToList()))
            .ToList();
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Cells.Count);
        if (columns == 0) return;
        int budget = Math.Max(20, width - indent.Length - 2 - 3 * (columns - 1));
        var natural = Enumerable.Range(0, columns).Select(i => rows.Max(r => i < r.Cells.Count ? StripAnsi(r.Cells[i]).Length : 0)).ToArray();
        var widths = natural.ToArray();
        while (widths.Sum() > budget)
        {
            int widest = Array.IndexOf(widths, widths.Max());
            if (widths[widest] <= 8) break;
            widths[widest]--;
        }
        foreach (var (isHeader, cells) in rows)
        {
            var wrapped = Enumerable.Range(0, columns).Select(i => WrapCell(i < cells.Count ? StripAnsi(cells[i]) : "", widths[i])).ToList();
            int height = wrapped.Max(w => w.Count);
            for (int line = 0; line < height; line++)
            {
                var text = indent + "  " + string.Join(" │ ", Enumerable.Range(0, columns).Select(i => (line < wrapped[i].Count ? wrapped[i][line] : "").PadRight(widths[i])));
                sb.AppendLine(isHeader ? Bold(text.TrimEnd()) : text.TrimEnd());
            }
            if (isHeader) sb.AppendLine(indent + "  " + string.Join("─┼─", widths.Select(w => new string('─', w))));
        }
        sb.AppendLine();
    }

    private static List<string> WrapCell(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString());
        return lines;
    }

    private string Inline(ContainerInline? inline)
    {
        if (inline is null) return "";
        var sb = new StringBuilder();
        foreach (var i in inline) AppendInline(i, sb);
        return sb.ToString();
    }

    private void AppendInline(Markdig.Syntax.Inlines.Inline inline, StringBuilder sb)
    {
        switch (inline)
        {
            case LiteralInline literal:
                sb.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                sb.Append(Cyan(code.Content));
                break;
            case EmphasisInline emphasis:
                var inner = new StringBuilder();
                foreach (var child in emphasis) AppendInline(child, inner);
                sb.Append(emphasis.DelimiterCount >= 2 ? Bold(inner.ToString()) : inner.ToString());
                break;
            case LinkInline link:
                var text = new StringBuilder();
                foreach (var child in link) AppendInline(child, text);
                sb.Append(text);
                if (link.Url is { Length: > 0 } url && !url.StartsWith('#') && url != text.ToString()) sb.Append(Dim($" ({url})"));
                break;
            case LineBreakInline:
                sb.Append(' ');
                break;
            case HtmlInline:
                break;
            case ContainerInline container:
                foreach (var child in container) AppendInline(child, sb);
                break;
            default:
                sb.Append(inline.ToString());
                break;
        }
    }

    private void Wrap(StringBuilder sb, string text, string firstIndent, string indent)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var line = new StringBuilder(firstIndent);
        int visible = firstIndent.Length;
        bool empty = true;
        foreach (var word in words)
        {
            int w = StripAnsi(word).Length;
            if (!empty && visible + 1 + w > width)
            {
                sb.AppendLine(line.ToString());
                line.Clear().Append(indent);
                visible = indent.Length;
                empty = true;
            }
            if (!empty)
            {
                line.Append(' ');
                visible++;
            }
            line.Append(word);
            visible += w;
            empty = false;
        }
        if (!empty) sb.AppendLine(line.ToString());
    }

    private static string StripAnsi(string s) => Ansi().Replace(s, "");

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex Ansi();
}
