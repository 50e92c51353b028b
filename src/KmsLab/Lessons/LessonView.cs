using System.Net;
using System.Text;

namespace KmsLab.Lessons;

/// <summary>
/// Something a lesson shows: as plain text (terminal, headless runs) and as HTML (notebooks, the
/// runner's HTML pages). KmsLab.Lessons' <c>Notebook.Start()</c> registers both with the notebook's
/// formatter, so a view as a cell's last expression renders richly.
/// </summary>
public interface ILessonView
{
    /// <summary>The view as plain text.</summary>
    string ToPlainText();

    /// <summary>The view as an HTML fragment (self-contained, inline styles).</summary>
    string ToHtml();
}

/// <summary>A base for views: <see cref="object.ToString"/> is the plain text.</summary>
public abstract class LessonView : ILessonView
{
    /// <inheritdoc />
    public abstract string ToPlainText();

    /// <inheritdoc />
    public abstract string ToHtml();

    /// <inheritdoc />
    public override string ToString() => ToPlainText();

    /// <summary>HTML-encodes text.</summary>
    protected static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}

/// <summary>A small table: headers and rows of text, e.g. a summary of audit events.</summary>
public sealed class TableView : LessonView
{
    /// <summary>Creates a table with a caption.</summary>
    public TableView(string? caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        Caption = caption;
        Headers = headers;
        Rows = rows.ToList();
    }

    /// <summary>The caption above the table.</summary>
    public string? Caption { get; }

    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var widths = Headers.Select((h, i) => Math.Min(60, Math.Max(h.Length, Rows.Select(r => i < r.Count ? r[i].Length : 0).DefaultIfEmpty(0).Max()))).ToArray();
        var sb = new StringBuilder();
        if (Caption is not null) sb.AppendLine(Caption);
        sb.AppendLine(string.Join("  ", Headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in Rows)
        {
            sb.AppendLine(string.Join("  ", row.Select((c, i) => Clip(c, widths[Math.Min(i, widths.Length - 1)]).PadRight(widths[Math.Min(i, widths.Length - 1)]))).TrimEnd());
        }
        return sb.ToString().TrimEnd();
    }

    private static string Clip(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    /// <inheritdoc />
    public override string ToHtml()
    {
        var sb = new StringBuilder("<table class=\"kmslab-table\" style=\"border-collapse:collapse;font-size:13px\">");
        if (Caption is not null) sb.Append("<caption style=\"text-align:left;font-weight:600;padding:4px 0\">").Append(E(Caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var h in Headers) sb.Append("<th style=\"text-align:left;border-bottom:2px solid #888;padding:3px 10px\">").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            sb.Append("<tr>");
            foreach (var c in row) sb.Append("<td style=\"border-bottom:1px solid #ddd;padding:3px 10px;font-family:monospace\">").Append(E(c)).Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }
}
