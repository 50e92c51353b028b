using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;
using MarkdigTable = Markdig.Extensions.Tables.Table;
using SpectreTable = Spectre.Console.Table;
using TableCell = Markdig.Extensions.Tables.TableCell;
using TableRow = Markdig.Extensions.Tables.TableRow;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// A lesson's markdown as Spectre.Console renderables: headings, paragraphs, lists, code,
/// quotes, tables (a Spectre <see cref="SpectreTable"/>), horizontal rules (a <see cref="Rule"/>),
/// emphasis and links. The text is never read as Spectre markup: <c>[</c> and <c>]</c> in a lesson
/// show as written.
/// </summary>
internal static class LessonMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    internal static readonly Style Heading1 = new(Color.Aqua, decoration: Decoration.Bold);
    internal static readonly Style Heading2 = new(Color.Yellow, decoration: Decoration.Bold);
    internal static readonly Style Heading3 = new(decoration: Decoration.Bold);
    internal static readonly Style Code = new(Color.Aqua);
    internal static readonly Style Dim = new(Color.Grey, decoration: Decoration.Dim);

    /// <summary>The renderables of <paramref name="markdown"/>, each block followed by its blank line.</summary>
    public static IReadOnlyList<IRenderable> Render(string markdown)
    {
        var doc = Markdown.Parse(markdown, Pipeline);
        var list = new List<IRenderable>();
        foreach (var block in doc) RenderBlock(block, list, top: true);
        return list;
    }

    private static void RenderBlock(Block block, List<IRenderable> output, bool top)
    {
        switch (block)
        {
            case HeadingBlock h:
                RenderHeading(h, output);
                break;
            case ParagraphBlock p:
                var paragraph = Inline(p.Inline, Style.Plain);
                if (top) paragraph.Append("\n\n");
                output.Add(paragraph);
                break;
            case ListBlock list:
                output.Add(RenderList(list));
                if (top) output.Add(Text.NewLine);
                break;
            case FencedCodeBlock or CodeBlock:
                var code = string.Join("\n", ((LeafBlock)block).Lines.Lines.Take(((LeafBlock)block).Lines.Count).Select(l => l.ToString()));
                output.Add(new Padder(new Text(code, Code) { Overflow = Overflow.Fold }, new Padding(4, 0, 0, 0)));
                if (top) output.Add(Text.NewLine);
                break;
            case QuoteBlock quote:
                var inner = new List<IRenderable>();
                foreach (var child in quote) RenderBlock(child, inner, top: false);
                var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadLeft(2).PadRight(1)).AddColumn(new GridColumn().PadRight(0));
                grid.AddRow(new Text("┃", Dim), new Rows(inner));
                output.Add(grid);
                if (top) output.Add(Text.NewLine);
                break;
            case ThematicBreakBlock:
                output.Add(new Rule { Style = Dim });
                break;
            case MarkdigTable table:
                output.Add(RenderTable(table));
                if (top) output.Add(Text.NewLine);
                break;
            case HtmlBlock html:
                var text = TerminalView.HtmlToText(string.Join("\n", html.Lines.Lines.Take(html.Lines.Count).Select(l => l.ToString())));
                if (text.Length > 0) output.Add(new Paragraph(text + "\n", Dim) { Overflow = Overflow.Fold });
                break;
            case ContainerBlock container:
                foreach (var child in container) RenderBlock(child, output, top);
                break;
        }
    }

    private static void RenderHeading(HeadingBlock h, List<IRenderable> output)
    {
        output.Add(Text.NewLine);
        var style = h.Level switch { <= 1 => Heading1, 2 => Heading2, _ => Heading3 };
        var title = Inline(h.Inline, style, upper: h.Level <= 1);
        title.Append("\n");
        output.Add(title);
        if (h.Level <= 2)
        {
            // An underline as long as the title (the full width for a lesson's title), never wider than the terminal.
            int length = Math.Max(4, PlainInline(h.Inline).Length);
            output.Add(new Underline(length, h.Level <= 1 ? "━" : "─", style));
        }
    }

    private static Grid RenderList(ListBlock list)
    {
        var grid = new Grid()
            .AddColumn(new GridColumn().NoWrap().PadLeft(2).PadRight(1))
            .AddColumn(new GridColumn().PadRight(0));
        int n = int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var bullet = list.IsOrdered ? $"{n++}." : "•";
            var content = new List<IRenderable>();
            foreach (var child in item) RenderBlock(child, content, top: false);
            grid.AddRow(new Text(bullet), content.Count == 1 ? content[0] : new Rows(content));
        }
        return grid;
    }

    private static SpectreTable RenderTable(MarkdigTable table)
    {
        var result = new SpectreTable { Border = TableBorder.Rounded, BorderStyle = Dim };
        var rows = table.OfType<TableRow>().ToList();
        int columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var header = rows.FirstOrDefault(r => r.IsHeader);
        for (int i = 0; i < columns; i++)
        {
            var cell = header is not null && i < header.Count ? CellContent((TableCell)header[i], Heading3) : new Text("");
            var column = new TableColumn(cell);
            if (i < table.ColumnDefinitions.Count)
            {
                column.Alignment = table.ColumnDefinitions[i].Alignment switch
                {
                    TableColumnAlign.Center => Justify.Center,
                    TableColumnAlign.Right => Justify.Right,
                    _ => Justify.Left,
                };
            }
            result.AddColumn(column);
        }
        if (header is null) result.HideHeaders();
        foreach (var row in rows.Where(r => !r.IsHeader))
        {
            result.AddRow(Enumerable.Range(0, columns).Select(i => i < row.Count ? CellContent((TableCell)row[i], Style.Plain) : new Text("")).ToArray());
        }
        return result;
    }

    private static IRenderable CellContent(TableCell cell, Style style)
    {
        var paragraphs = cell.OfType<ParagraphBlock>().Select(p => (IRenderable)Inline(p.Inline, style)).ToList();
        return paragraphs.Count == 1 ? paragraphs[0] : new Rows(paragraphs);
    }

    /// <summary>Inline markdown as one paragraph of styled runs; the text is appended as text, never parsed as markup.</summary>
    private static Paragraph Inline(ContainerInline? inline, Style style, bool upper = false)
    {
        var paragraph = new Paragraph { Overflow = Overflow.Fold };
        if (inline is not null)
        {
            foreach (var i in inline) AppendInline(i, paragraph, style, upper);
        }
        return paragraph;
    }

    private static void AppendInline(Inline inline, Paragraph paragraph, Style style, bool upper)
    {
        switch (inline)
        {
            case LiteralInline literal:
                var text = literal.Content.ToString();
                paragraph.Append(upper ? text.ToUpperInvariant() : text, style);
                break;
            case CodeInline code:
                paragraph.Append(code.Content, style.Combine(Code));
                break;
            case EmphasisInline emphasis:
                var emphasised = style.Combine(new Style(decoration: emphasis.DelimiterCount >= 2 ? Decoration.Bold : Decoration.Italic));
                foreach (var child in emphasis) AppendInline(child, paragraph, emphasised, upper);
                break;
            case LinkInline link:
                var label = new StringBuilder();
                foreach (var child in link) AppendInline(child, paragraph, style.Combine(new Style(decoration: Decoration.Underline)), upper);
                foreach (var child in link) label.Append(PlainOf(child));
                if (link.Url is { Length: > 0 } url && !url.StartsWith('#') && url != label.ToString()) paragraph.Append($" ({url})", Dim);
                break;
            case LineBreakInline:
                paragraph.Append(" ", style);
                break;
            case HtmlInline:
                break;
            case ContainerInline container:
                foreach (var child in container) AppendInline(child, paragraph, style, upper);
                break;
            default:
                paragraph.Append(inline.ToString() ?? "", style);
                break;
        }
    }

    private static string PlainInline(ContainerInline? inline) => inline is null ? "" : string.Concat(inline.Select(PlainOf));

    private static string PlainOf(Inline inline) => inline switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        LineBreakInline => " ",
        ContainerInline container => string.Concat(container.Select(PlainOf)),
        _ => "",
    };

    /// <summary>A line of <paramref name="length"/> cells of <paramref name="part"/>, cut to the width.</summary>
    private sealed class Underline(int length, string part, Style style) : Renderable
    {
        protected override Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(length, maxWidth), Math.Min(length, maxWidth));

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            string glyph = options.Unicode ? part : "-";
            yield return new Segment(string.Concat(Enumerable.Repeat(glyph, Math.Min(length, maxWidth))), style);
            yield return Segment.LineBreak;
        }
    }
}
