using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace KmsLab.Lessons;

/// <summary>
/// Turns a Plotly.NET chart into an HTML fragment that draws with no network: the first chart after
/// <see cref="Notebook.Start"/> carries plotly.js itself (from Plotly.NET's assembly), later ones
/// draw with the copy already on the page. Nothing is fetched from a CDN, in any venue.
/// </summary>
public static class ChartHtml
{
    /// <summary>The plotly.js version shipped inside Plotly.NET 6.</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>A marker every chart fragment contains, so a page knows it needs plotly.js.</summary>
    public const string Marker = "data-kmslab-chart";

    /// <summary>A marker on the script element that carries plotly.js, so a page embeds it once.</summary>
    public const string PlotlyJsMarker = "data-kmslab-plotlyjs";

    private static readonly Lazy<string> Library = new(ReadPlotlyJs);
    private static int _counter;
    private static int _libraryWritten;

    /// <summary>The chart as an HTML fragment (a div and a script).</summary>
    public static string Render(GenericChart chart) => RenderFigure(GenericChart.toFigureJson(chart));

    /// <summary>
    /// Starts a new page (a notebook): the next chart carries plotly.js again. <see cref="Notebook.Start"/>
    /// calls it, so every lesson's first chart brings the library and the rest of its charts reuse it.
    /// </summary>
    public static void NewPage() => Interlocked.Exchange(ref _libraryWritten, 0);

    /// <summary>A plotly.js figure (JSON with data and layout) as an HTML fragment.</summary>
    public static string RenderFigure(string figure)
    {
        var id = $"kmslab-chart-{Environment.ProcessId:x}-{Interlocked.Increment(ref _counter)}";
        var library = Interlocked.Exchange(ref _libraryWritten, 1) == 0 ? PlotlyJsScript() + "\n" : "";
        return $$"""
            {{library}}<div id="{{id}}" {{Marker}}="1" style="width:100%;max-width:820px;height:440px"></div>
            <script type="text/javascript">
            (function () {
              var figure = {{figure}};
              var el = document.getElementById('{{id}}');
              if (!window.Plotly) {
                el.style.height = 'auto';
                el.textContent = 'This chart needs plotly.js, which the lesson\'s first chart puts on the page: run the lesson from its first cell.';
                return;
              }
              window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
            })();
            </script>
            """;
    }

    /// <summary>A one-line text stand-in for terminals: the chart's title and its series.</summary>
    public static string Describe(GenericChart chart)
    {
        try
        {
            var figure = JsonNode.Parse(GenericChart.toFigureJson(chart));
            var title = figure?["layout"]?["title"]?["text"]?.GetValue<string>() ?? "chart";
            var series = (figure?["data"] as JsonArray)?.Select(d => d?["name"]?.GetValue<string>()).Where(n => n is not null).ToList() ?? [];
            return $"[chart] {title}" + (series.Count > 0 ? $" — {string.Join(", ", series)}" : "") + " (drawn in the notebook and the HTML page)";
        }
        catch (JsonException)
        {
            return "[chart] (drawn in the notebook and the HTML page)";
        }
    }

    /// <summary>The plotly.js bundled in Plotly.NET's assembly.</summary>
    public static string PlotlyJs() => Library.Value;

    /// <summary>
    /// plotly.js as a script element. It runs with <c>define</c>, <c>module</c> and <c>exports</c>
    /// hidden, so plotly.js sets <c>window.Plotly</c> even where the page has require.js (Jupyter).
    /// </summary>
    public static string PlotlyJsScript() =>
        $"<script type=\"text/javascript\" {PlotlyJsMarker}=\"{PlotlyJsVersion}\">(function (define, module, exports) {{\n"
        + Library.Value.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)
        + "\n}).call(window);</script>";

    private static string ReadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().First(n => n.EndsWith($"plotly-{PlotlyJsVersion}.min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
