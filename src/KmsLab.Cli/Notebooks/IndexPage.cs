using System.Net;
using System.Text;

namespace KmsLab.Cli.Notebooks;

/// <summary>index.html beside the lesson pages: each lesson, whether it ran, and a link.</summary>
internal static class IndexPage
{
    public static string Render(IReadOnlyList<NotebookResult> results)
    {
        var sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>KmsLab lessons</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:760px;margin:2em auto} td{padding:4px 10px}</style></head><body><h1>KmsLab lessons</h1><table>");
        foreach (var r in results)
        {
            var name = Path.GetFileNameWithoutExtension(r.Path);
            var status = r.Passed ? "✔" : $"✘ cell {r.Failure!.CellNumber}";
            sb.Append($"<tr><td>{WebUtility.HtmlEncode(status)}</td><td><a href=\"{Uri.EscapeDataString(name)}.html\">{WebUtility.HtmlEncode(name)}</a></td><td>{r.Elapsed.TotalSeconds:0.0} s</td></tr>");
        }
        return sb.Append("</table></body></html>\n").ToString();
    }
}
