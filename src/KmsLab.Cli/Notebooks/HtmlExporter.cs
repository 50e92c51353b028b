using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmsLab.Lessons;
using Markdig;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// An executed notebook as one self-contained HTML page: prose, code, outputs, and — when the page
/// has charts — plotly.js embedded once, from Plotly.NET's own assembly, so it renders with no network.
/// Links to other lessons' <c>.ipynb</c> files point at their HTML pages.
/// </summary>
internal static partial class HtmlExporter
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 960px; margin: 2em auto; padding: 0 1em; color: #1f2328; line-height: 1.5; }
        pre { overflow-x: auto; }
        .cell-code code { white-space: pre-wrap; }
        .cell-code { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; margin: 10px 0 4px; font-size: 13px; }
        .cell-code .n { color: #8c959f; user-select: none; float: right; font-size: 11px; }
        .output { margin: 2px 0 14px 1.5em; }
        .output pre { margin: 2px 0; font-size: 13px; }
        .error { color: #b00020; background: #fdecea; border-left: 4px solid #b00020; padding: 6px 10px; white-space: pre-wrap; }
        .banner-failed { background: #b00020; color: white; padding: 8px 12px; border-radius: 6px; }
        table { border-collapse: collapse; } th, td { padding: 3px 8px; }
        .markdown table th, .markdown table td { border: 1px solid #d0d7de; }
        blockquote { border-left: 4px solid #d0d7de; margin-left: 0; padding-left: 1em; color: #555; }
        details { background: #f6f8fa; padding: 6px 10px; border-radius: 6px; }
        """;

    public static string Render(IpynbDocument notebook, string name, CellFailure? failure)
    {
        var body = new StringBuilder();
        string? title = null;
        if (failure is not null)
        {
            body.Append($"<p class=\"banner-failed\">This lesson stopped at cell {failure.CellNumber}: {E(failure.Error)}</p>");
        }
        int number = 0;
        foreach (var cell in notebook.Cells)
        {
            number++;
            if (cell.IsMarkdown)
            {
                var source = cell.Source;
                title ??= FirstHeading().Match(source) is { Success: true } m ? m.Groups[1].Value.Trim() : null;
                body.Append("<div class=\"markdown\">").Append(LinkToHtml(Markdown.ToHtml(source, Pipeline))).Append("</div>\n");
                continue;
            }
            if (!cell.IsCode) continue;
            body.Append($"<pre class=\"cell-code\"><span class=\"n\">[{number}]</span><code>{E(cell.Source.TrimEnd())}</code></pre>\n<div class=\"output\">");
            foreach (var o in cell.Outputs.OfType<JsonObject>()) body.Append(Output(o));
            body.Append("</div>\n");
        }
        var html = body.ToString();
        // Lessons' first chart carries plotly.js (ChartHtml); a page whose charts do not gets it here, once.
        var needsPlotly = html.Contains(ChartHtml.Marker, StringComparison.Ordinal) && !html.Contains(ChartHtml.PlotlyJsMarker, StringComparison.Ordinal);
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append($"<title>{E(title ?? name)} — KmsLab</title>\n<style>{Style}</style>\n");
        if (needsPlotly)
        {
            // plotly.js from Plotly.NET's assembly: charts draw with no network.
            page.Append(ChartHtml.PlotlyJsScript()).Append('\n');
        }
        page.Append("</head>\n<body>\n").Append(html).Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static string Output(JsonObject o)
    {
        switch (o["output_type"]?.GetValue<string>())
        {
            case "stream":
                return $"<pre>{E(Join(o["text"]))}</pre>";
            case "error":
                return $"<pre class=\"error\">{E(o["ename"]?.GetValue<string>())}: {E(o["evalue"]?.GetValue<string>())}</pre>";
            default:
                var data = o["data"] as JsonObject;
                if (data?["text/html"] is { } html) return $"<div>{Join(html)}</div>";
                if (data?["text/markdown"] is { } md) return Markdown.ToHtml(Join(md), Pipeline);
                if (data?["text/plain"] is { } plain) return $"<pre>{E(Join(plain))}</pre>";
                return "";
        }
    }

    private static string Join(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string LinkToHtml(string html) => IpynbLink().Replace(html, "href=\"$1.html$2\"");

    [GeneratedRegex("href=\"([^\":]+)\\.ipynb(#[^\"]*)?\"")]
    private static partial Regex IpynbLink();

    [GeneratedRegex(@"^#\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex FirstHeading();
}
