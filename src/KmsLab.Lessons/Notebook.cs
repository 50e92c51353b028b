using System.Text;
using Amazon.KeyManagementService.Model;
using KmsLab.Hosting;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace KmsLab.Lessons;

/// <summary>
/// The notebook side of KmsLab: call <see cref="Start"/> once (the lessons' setup cell does) and
/// lesson views, key metadata and Plotly.NET charts display richly in VS Code, Jupyter and
/// <c>kmslab run</c>, each also as plain text for terminals.
/// </summary>
public static class Notebook
{
    private static readonly Lock Sync = new();
    private static bool _started;

    /// <summary>
    /// Writes to the output of the cell running at the time of each write: Console.Out, which the
    /// notebook kernel and <c>kmslab run</c> route to the running cell (a writer captured once would
    /// keep writing to the first cell).
    /// </summary>
    public static TextWriter CellOutput { get; } = new RunningCellWriter();

    /// <summary>
    /// Registers KmsLab's displays with the notebook's formatter and, unless a lesson host already
    /// says where notes go, sends labs' notes (what to do on real AWS instead) to the running cell's
    /// output. Safe to call more than once.
    /// </summary>
    public static void Start()
    {
        lock (Sync)
        {
            ChartHtml.NewPage(); // a new notebook: its first chart carries plotly.js
            if (LessonHost.Current is null) LessonHost.DefaultNotes ??= CellOutput;
            if (_started && Formatter.GetPreferredFormatterFor(typeof(CheckResult), HtmlFormatter.MimeType) is { } f && f.Type == typeof(ILessonView)) return;
            Formatter.Register(typeof(ILessonView), (value, writer) => writer.Write(((ILessonView)value).ToHtml()), HtmlFormatter.MimeType);
            Formatter.Register(typeof(ILessonView), (value, writer) => writer.Write(((ILessonView)value).ToPlainText()), PlainTextFormatter.MimeType);
            Formatter.Register<KeyMetadata>((m, writer) => writer.Write(Show.Key(m).ToHtml()), HtmlFormatter.MimeType);
            Formatter.Register<KeyMetadata>((m, writer) => writer.Write(Show.Key(m).ToPlainText()), PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(ILessonView), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
            Formatter.SetPreferredMimeTypesFor(typeof(KeyMetadata), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
            RegisterPlotlyCharts();
            _started = true;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RegisterPlotlyCharts()
    {
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml.Render(chart)), HtmlFormatter.MimeType);
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml.Describe(chart)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
    }

    private sealed class RunningCellWriter : TextWriter
    {
        public override Encoding Encoding => Console.OutputEncoding;

        public override void Write(char value) => Console.Out.Write(value);

        public override void Write(string? value) => Console.Out.Write(value);

        public override void WriteLine(string? value) => Console.Out.WriteLine(value);
    }
}
