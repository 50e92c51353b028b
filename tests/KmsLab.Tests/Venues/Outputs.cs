using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KmsLab.Tests.Venues;

/// <summary>What an executed notebook's outputs say: its errors and its exercise checks' verdicts.</summary>
internal static partial class Outputs
{
    /// <summary>Each code cell's outputs, with the cell's number (1-based, over all cells).</summary>
    public static IEnumerable<(int Cell, JsonObject Output)> All(JsonObject notebook)
    {
        var cells = notebook["cells"]!.AsArray();
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i]!["outputs"] is not JsonArray outputs) continue;
            foreach (var o in outputs.OfType<JsonObject>()) yield return (i + 1, o);
        }
    }

    /// <summary>Error outputs, and compiler errors a kernel printed to stderr.</summary>
    public static IEnumerable<string> Errors(JsonObject notebook) =>
        All(notebook).Select(x => x.Output["output_type"]?.GetValue<string>() switch
        {
            "error" => $"cell {x.Cell}: {x.Output["ename"]}: {x.Output["evalue"]}",
            "stream" when x.Output["name"]?.GetValue<string>() == "stderr" && Text(x.Output["text"]) is var t && t.Contains("error", StringComparison.OrdinalIgnoreCase) => $"cell {x.Cell} (stderr): {t.Trim()}",
            _ => null,
        }).OfType<string>();

    /// <summary>Every exercise check's verdict, in order: (exercise, passed).</summary>
    public static IReadOnlyList<(string Exercise, bool Passed)> Checks(JsonObject notebook) =>
        [.. All(notebook)
            .Select(x => x.Output["data"]?["text/html"] is { } html ? Text(html) : "")
            .SelectMany(html => Check().Matches(html))
            .Select(m => (WebUtility.HtmlDecode(m.Groups[2].Value), m.Groups[1].Value.StartsWith('✔')))];

    /// <summary>How many code cells ran (have an execution count).</summary>
    public static int CodeCellsRun(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Count(c => c!["cell_type"]?.GetValue<string>() == "code" && c["execution_count"] is JsonValue);

    public static int CodeCells(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Count(c => c!["cell_type"]?.GetValue<string>() == "code");

    /// <summary>An output's text, whether Jupyter wrote it as one string or as a list of lines.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => x?.GetValue<string>() ?? "")),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };

    // CheckResult.ToHtml: <div class="kmslab-check" …><strong>✔ Well done</strong> — <em>exercise</em>
    [GeneratedRegex("class=\"kmslab-check\"[^>]*><strong>(✔ Well done|✘ Not yet|⏭ Skipped)</strong> — <em>(.*?)</em>")]
    private static partial Regex Check();
}
