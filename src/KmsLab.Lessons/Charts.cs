using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

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
/// The lessons' charts, built with Plotly.NET (C# bindings). Each returns a
/// <see cref="GenericChart"/>: the last expression of a cell, it draws in the notebook.
/// </summary>
public static class Charts
{
    /// <summary>Lines with markers, one per series.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        Finish(Chart.Combine(series.Select(s => Chart.Line<double, double, string>(x: s.X, y: s.Y, Name: s.Name, ShowMarkers: true))), title, xTitle, yTitle);

    /// <summary>Lines on logarithmic axes (for quantities that span orders of magnitude).</summary>
    public static GenericChart LogLines(string title, string xTitle, string yTitle, params Series[] series) =>
        Lines(title, xTitle, yTitle, series)
            .WithXAxisStyle<double, double, string>(AxisType: StyleParam.AxisType.Log)
            .WithYAxisStyle<double, double, string>(AxisType: StyleParam.AxisType.Log);

    /// <summary>Grouped columns: one group per category, one column per series.</summary>
    public static GenericChart Columns(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, params (string Name, IReadOnlyList<double> Values)[] series) =>
        Finish(Chart.Combine(series.Select(s => Chart.Column<double, string, string>(values: s.Values, Keys: new Optional<IEnumerable<string>>(categories, true), Name: s.Name))), title, xTitle, yTitle);

    /// <summary>Horizontal bars (e.g. calls per principal).</summary>
    public static GenericChart Bars(string title, string xTitle, IReadOnlyList<string> categories, IReadOnlyList<double> values) =>
        Finish(Chart.Bar<double, string, string>(values: values, Keys: new Optional<IEnumerable<string>>(categories, true), Name: xTitle), title, xTitle, "");

    /// <summary>Events on a time axis, one row per kind.</summary>
    public static GenericChart Timeline(string title, IEnumerable<TimelineEvent> events)
    {
        var byKind = events.GroupBy(e => e.Kind).ToList();
        var traces = byKind.Select(g => Chart.Point<DateTime, string, string>(
            x: g.Select(e => e.When), y: g.Select(e => e.Kind), Name: g.Key, MultiText: g.Select(e => e.Label).ToList()));
        return Finish(Chart.Combine(traces), title, "date", "");
    }

    private static GenericChart Finish(GenericChart chart, string title, string xTitle, string yTitle) =>
        Plotly.NET.Chart.withTitle(title, Microsoft.FSharp.Core.FSharpOption<Font>.None).Invoke(chart)
             .WithXAxisStyle<double, double, string>(TitleText: xTitle)
             .WithYAxisStyle<double, double, string>(TitleText: yTitle)
             .WithSize(Width: 800, Height: 420);
}
