using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace KmsLab.Lessons;

/// <summary>
/// Turns a Plotly.NET chart into an HTML fragment that draws with whatever plotly.js the page
/// already has (the runner's HTML pages embed it, so they work offline) and otherwise loads
/// plotly.js once from its CDN (VS Code, Jupyter).
/// </summary>
public static class ChartHtml
{
    /// <summary>The plotly.js version shipped inside Plotly.NET 6 (and used from the CDN as a fallback).</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>A marker every chart fragment contains, so a page knows it needs plotly.js.</summary>
    public const string Marker = "data-kmslab-chart";

    private static int _counter;

    /// <summary>The chart as an HTML fragment (a div and a script).</summary>
    public static string Render(GenericChart chart) => RenderFigure(GenericChart.toFigureJson(chart));

    /// <summary>A plotly.js figure (JSON with data and layout) as an HTML fragment.</summary>
    public static string RenderFigure(string figure)
    {
        var id = $"kmslab-chart-{Environment.ProcessId:x}-{Interlocked.Increment(ref _counter)}";
        return $$"""
            <div id="{{id}}" {{Marker}}="1" style="width:100%;max-width:820px;height:440px"></div>
            <script type="text/javascript">
            (function () {
              var figure = {{figure}};
              function draw(P) { P.newPlot('{{id}}', figure.data, figure.layout, { responsive: true, displaylogo: false }); }
              if (window.Plotly) { draw(window.Plotly); return; }
              var cdn = 'https://cdn.plot.ly/plotly-{{PlotlyJsVersion}}.min';
              if (typeof require === 'function' && require.config) {
                require.config({ paths: { plotly: cdn } });
                require(['plotly'], function (P) { window.Plotly = P; draw(P); });
              } else {
                var s = document.createElement('script'); s.src = cdn + '.js';
                s.onload = function () { draw(window.Plotly); }; document.head.appendChild(s);
              }
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

    /// <summary>The plotly.js bundled in Plotly.NET's assembly, for pages that must work offline.</summary>
    public static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().First(n => n.EndsWith($"plotly-{PlotlyJsVersion}.min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
