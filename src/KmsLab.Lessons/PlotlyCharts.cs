using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace KmsLab.Lessons;

/// <summary>Builds lesson charts with Plotly.NET. Kept apart so hosts that cannot load Plotly.NET never touch its types.</summary>
internal static class PlotlyCharts
{
    public static string FigureJson(ChartSpec spec) => GenericChart.toFigureJson(Build(spec));

    public static GenericChart Build(ChartSpec spec)
    {
        var traces = spec.Traces.Select(Trace).ToList();
        var chart = traces.Count == 1 ? traces[0] : Chart.Combine(traces);
        chart = Plotly.NET.Chart.withTitle(spec.Title, FSharpOption<Font>.None).Invoke(chart)
            .WithSize(Width: 800, Height: 420);
        if (spec.Traces.Any(t => t.Kind == TraceKind.Points))
        {
            return chart.WithXAxisStyle<DateTime, DateTime, string>(TitleText: spec.XTitle).WithYAxisStyle<double, double, string>(TitleText: spec.YTitle);
        }
        var type = spec.LogAxes ? StyleParam.AxisType.Log : StyleParam.AxisType.Linear;
        return chart.WithXAxisStyle<double, double, string>(TitleText: spec.XTitle, AxisType: type)
            .WithYAxisStyle<double, double, string>(TitleText: spec.YTitle, AxisType: type);
    }

    private static GenericChart Trace(TraceSpec t) => t.Kind switch
    {
        TraceKind.Line => Chart.Line<double, double, string>(x: t.X.Cast<double>(), y: t.Y.Cast<double>(), Name: t.Name, ShowMarkers: true),
        TraceKind.Column => Chart.Column<double, string, string>(values: t.Y.Cast<double>(), Keys: new Optional<IEnumerable<string>>(t.X.Cast<string>(), true), Name: t.Name),
        TraceKind.Bar => Chart.Bar<double, string, string>(values: t.X.Cast<double>(), Keys: new Optional<IEnumerable<string>>(t.Y.Cast<string>(), true), Name: t.Name),
        _ => Chart.Point<DateTime, string, string>(x: t.X.Cast<DateTime>(), y: t.Y.Cast<string>(), Name: t.Name,
            MultiText: new Optional<IEnumerable<string>>(t.Text ?? [], t.Text is not null)),
    };
}
