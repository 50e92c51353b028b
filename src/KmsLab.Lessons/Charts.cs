namespace KmsLab.Lessons;

/// <summary>One line of a line chart.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values, one per X.</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>A moment on a timeline: when, what kind of thing (a row of the chart), and a label.</summary>
/// <param name="When">The moment.</param>
/// <param name="Kind">The row it belongs on, e.g. <c>automatic rotation</c>.</param>
/// <param name="Label">Hover text.</param>
public sealed record TimelineEvent(DateTime When, string Kind, string Label);

/// <summary>
/// The lessons' charts. Each is drawn with Plotly.NET (its C# bindings) and displays as an
/// interactive plotly.js chart: in <c>kmslab run</c>'s pages (offline), VS Code and Jupyter.
/// </summary>
public static class Charts
{
    /// <summary>Lines with markers, one per series.</summary>
    public static LessonChart Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        new(new ChartSpec(title, xTitle, yTitle, [.. series.Select(s => new TraceSpec(TraceKind.Line, s.Name, s.X.Cast<object>().ToList(), s.Y.Cast<object>().ToList(), null))]));

    /// <summary>Lines on logarithmic axes, for quantities that span orders of magnitude.</summary>
    public static LessonChart LogLines(string title, string xTitle, string yTitle, params Series[] series) =>
        new(Lines(title, xTitle, yTitle, series).Spec with { LogAxes = true });

    /// <summary>Grouped columns: one group per category, one column per series.</summary>
    public static LessonChart Columns(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, params (string Name, IReadOnlyList<double> Values)[] series) =>
        new(new ChartSpec(title, xTitle, yTitle, [.. series.Select(s => new TraceSpec(TraceKind.Column, s.Name, categories.Cast<object>().ToList(), s.Values.Cast<object>().ToList(), null))]));

    /// <summary>Grouped columns on a logarithmic value axis, for values that differ by orders of magnitude (400 against 1).</summary>
    public static LessonChart LogColumns(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, params (string Name, IReadOnlyList<double> Values)[] series) =>
        new(Columns(title, xTitle, yTitle, categories, series).Spec with { LogAxes = true });

    /// <summary>Horizontal bars, e.g. calls per principal.</summary>
    public static LessonChart Bars(string title, string valueTitle, string categoryTitle, IReadOnlyList<string> categories, IReadOnlyList<double> values) =>
        new(new ChartSpec(title, valueTitle, categoryTitle, [new TraceSpec(TraceKind.Bar, valueTitle, values.Cast<object>().ToList(), categories.Cast<object>().ToList(), null)]));

    /// <summary>Horizontal bars of percentages, on a 0–100 axis, the first category on top (e.g. a score per exam domain).</summary>
    public static LessonChart PercentBars(string title, string valueTitle, string categoryTitle, IReadOnlyList<string> categories, IReadOnlyList<double> percentages) =>
        new(Bars(title, valueTitle, categoryTitle, categories.Reverse().ToList(), percentages.Reverse().ToList()).Spec with { ValueMax = 100 });

    /// <summary>Events on a time axis, one row per kind.</summary>
    public static LessonChart Timeline(string title, IEnumerable<TimelineEvent> events) =>
        new(new ChartSpec(title, "date", "event", [.. events.GroupBy(e => e.Kind).Select(g => new TraceSpec(TraceKind.Points, g.Key,
            g.Select(e => (object)e.When).ToList(), g.Select(e => (object)e.Kind).ToList(), g.Select(e => e.Label).ToList()))]));
}

/// <summary>What kind of trace.</summary>
internal enum TraceKind
{
    Line,
    Column,
    Bar,
    Points,
}

internal sealed record TraceSpec(TraceKind Kind, string Name, IReadOnlyList<object> X, IReadOnlyList<object> Y, IReadOnlyList<string>? Text);

internal sealed record ChartSpec(string Title, string XTitle, string YTitle, IReadOnlyList<TraceSpec> Traces, bool LogAxes = false, double? ValueMax = null);

/// <summary>
/// A lesson chart, drawn with Plotly.NET in every venue (see <see cref="ToPlotly"/> for the
/// <c>Plotly.NET.GenericChart</c> itself) and shown with plotly.js embedded in the page.
/// </summary>
public sealed class LessonChart : LessonView
{
    internal LessonChart(ChartSpec spec) => Spec = spec;

    internal ChartSpec Spec { get; }

    /// <summary>The chart's title.</summary>
    public string Title => Spec.Title;

    /// <summary>The Plotly.NET chart (a <c>Plotly.NET.GenericChart</c>), to style further or save.</summary>
    public object ToPlotly() => PlotlyCharts.Build(Spec);

    /// <summary>The plotly.js figure (data and layout) as JSON, as Plotly.NET writes it.</summary>
    public string FigureJson() => PlotlyCharts.FigureJson(Spec);

    /// <inheritdoc />
    public override string ToHtml() => ChartHtml.RenderFigure(FigureJson());

    /// <inheritdoc />
    public override string ToPlainText()
    {
        var series = string.Join(", ", Spec.Traces.Select(t => t.Name));
        return $"[chart] {Spec.Title}" + (series.Length > 0 ? $" — {series}" : "") + " (drawn in the notebook and the HTML page)";
    }
}
