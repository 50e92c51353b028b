using System.Globalization;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace KmsLab.Lessons;

/// <summary>
/// Builds every lesson chart with Plotly.NET: the one chart path, in <c>kmslab run</c> and in the
/// .NET Interactive kernel behind VS Code and Jupyter alike (see <see cref="FSharpCoreBinding"/>).
/// </summary>
internal static class PlotlyCharts
{
    public static string FigureJson(ChartSpec spec) => GenericChart.toFigureJson(Build(spec));

    public static GenericChart Build(ChartSpec spec)
    {
        var traces = spec.Traces.Select(t => Trace(t, spec.LogAxes)).ToList();
        var chart = traces.Count == 1 ? traces[0] : Chart.Combine(traces);
        chart = Plotly.NET.Chart.withTitle(spec.Title, FSharpOption<Font>.None).Invoke(chart)
            .WithSize(Width: 800, Height: 420);
        var kinds = spec.Traces.Select(t => t.Kind).Distinct().ToList();
        if (kinds.Contains(TraceKind.Points))
        {
            // A timeline: dates along x, one row per kind of event.
            return chart.WithXAxisStyle<DateTime, DateTime, string>(TitleText: spec.XTitle, AxisType: StyleParam.AxisType.Date)
                .WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Category);
        }
        if (kinds.Contains(TraceKind.Column))
        {
            // Categories along x (a linear x-axis would put every column outside the plot), values up.
            chart = chart.WithXAxisStyle<double, double, string>(TitleText: spec.XTitle, AxisType: StyleParam.AxisType.Category);
            return spec.LogAxes
                ? chart.WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Log)
                : chart.WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Linear, MinMax: FromZero(spec.Traces.SelectMany(t => t.Y)));
        }
        if (kinds.Contains(TraceKind.Bar))
        {
            var range = spec.ValueMax is { } max ? new Optional<Tuple<double, double>>(Tuple.Create(0.0, max * 1.08), true) : default;
            return chart.WithXAxisStyle<double, double, string>(TitleText: spec.XTitle, AxisType: spec.LogAxes ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear, MinMax: range)
                .WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Category);
        }
        if (spec.LogAxes)
        {
            return chart.WithXAxisStyle<double, double, string>(TitleText: spec.XTitle, AxisType: StyleParam.AxisType.Log)
                .WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Log);
        }
        // Counts and sizes from zero: a constant reads as a constant, not as a zoomed-in wiggle.
        return chart.WithXAxisStyle<double, double, string>(TitleText: spec.XTitle, AxisType: StyleParam.AxisType.Linear)
            .WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: StyleParam.AxisType.Linear, MinMax: FromZero(spec.Traces.SelectMany(t => t.Y)));
    }

    /// <summary>A value axis from 0 to a little above the largest value (room for the value labels).</summary>
    private static Optional<Tuple<double, double>> FromZero(IEnumerable<object> values)
    {
        var numbers = values.Cast<double>().ToList();
        if (numbers.Count == 0 || numbers.Min() < 0) return new Optional<Tuple<double, double>>(Tuple.Create(0.0, 1.0), false);
        var max = numbers.Max();
        return new Optional<Tuple<double, double>>(Tuple.Create(0.0, max > 0 ? max * 1.15 : 1), true);
    }

    private static Optional<IEnumerable<string>> Labels(IEnumerable<object> values) =>
        new(values.Select(v => ((double)v).ToString("0.##", CultureInfo.InvariantCulture)).ToList(), true);

    // On a log axis there is no headroom to give: the tallest column's label goes inside it.
    private static GenericChart Trace(TraceSpec t, bool log) => t.Kind switch
    {
        TraceKind.Line => Chart.Line<double, double, string>(x: t.X.Cast<double>(), y: t.Y.Cast<double>(), Name: t.Name, ShowMarkers: true),
        // Columns and bars carry their value as a label: 400 beside 1 stays readable.
        TraceKind.Column => Chart.Column<double, string, string>(values: t.Y.Cast<double>(), Keys: new Optional<IEnumerable<string>>(t.X.Cast<string>(), true), Name: t.Name,
            MultiText: Labels(t.Y), TextPosition: log ? StyleParam.TextPosition.Auto : StyleParam.TextPosition.Outside),
        TraceKind.Bar => Chart.Bar<double, string, string>(values: t.X.Cast<double>(), Keys: new Optional<IEnumerable<string>>(t.Y.Cast<string>(), true), Name: t.Name,
            MultiText: Labels(t.X), TextPosition: StyleParam.TextPosition.Outside),
        _ => Chart.Point<DateTime, string, string>(x: t.X.Cast<DateTime>(), y: t.Y.Cast<string>(), Name: t.Name,
            MultiText: new Optional<IEnumerable<string>>(t.Text ?? [], t.Text is not null)),
    };
}
