using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace KmsLab.Cli.Notebooks;

/// <summary>How to run notebooks.</summary>
/// <param name="OutputDirectory">Where executed notebooks and HTML pages go; null to write nothing.</param>
/// <param name="CellTimeout">How long one cell may run before it counts as failed.</param>
internal sealed record NotebookRunOptions(string? OutputDirectory, TimeSpan CellTimeout);

/// <summary>The cell that stopped a notebook.</summary>
/// <param name="CellNumber">1-based position among all cells (markdown included), as an editor numbers them.</param>
/// <param name="Code">The cell's source.</param>
/// <param name="Error">The compiler's or the runtime's message.</param>
internal sealed record CellFailure(int CellNumber, string Code, string Error);

/// <summary>The outcome of one notebook.</summary>
internal sealed record NotebookResult(string Path, int CodeCellsRun, int CodeCells, CellFailure? Failure, TimeSpan Elapsed, string? IpynbPath, string? HtmlPath)
{
    public bool Passed => Failure is null;
}

/// <summary>Receives what happens while a notebook runs (the terminal view implements it).</summary>
internal interface INotebookObserver
{
    void NotebookStarted(string path, IpynbDocument notebook);

    void Markdown(IpynbCell cell);

    void CodeStarted(int cellNumber, IpynbCell cell);

    void CodeFinished(int cellNumber, IpynbCell cell, JsonArray outputs, CellFailure? failure, TimeSpan elapsed);

    void NotebookFinished(NotebookResult result);
}

/// <summary>
/// Runs Polyglot (C#) notebooks headless, in this process, each in a fresh
/// <see cref="CSharpKernel"/>: cells in order, prose passed to the observer, outputs captured as
/// nbformat outputs, the first failing cell (compile error, exception) stops the notebook.
/// </summary>
/// <remarks>
/// <para>KmsLab's own assemblies (and the AWS SDK, Plotly.NET) are referenced by the runner, so a
/// notebook's <c>#r "…/KmsLab.dll"</c>-style lines for those assemblies are skipped: the notebook
/// and the runner then share one copy of each type. Other <c>#r</c> lines run as written.</para>
/// <para>The process's current directory is the notebook's folder while it runs, so relative paths
/// resolve as they do in VS Code and Jupyter. Notebooks therefore run one at a time.</para>
/// </remarks>
internal sealed partial class NotebookRunner
{
    /// <summary>Assemblies every notebook can use without a <c>#r</c>: the lab, its lesson helpers, the SDK, charts.</summary>
    internal static readonly IReadOnlyList<Assembly> HostAssemblies =
    [
        typeof(Lab).Assembly,
        typeof(KmsLab.Lessons.Notebook).Assembly,
        typeof(Amazon.Runtime.AWSCredentials).Assembly,
        typeof(Amazon.KeyManagementService.IAmazonKeyManagementService).Assembly,
        typeof(Plotly.NET.GenericChart).Assembly,
        typeof(Plotly.NET.CSharp.Chart).Assembly,
        typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly,
    ];

    private static readonly HashSet<string> HostAssemblyNames =
        new(HostAssemblies.Select(a => a.GetName().Name!), StringComparer.OrdinalIgnoreCase);


    private readonly NotebookRunOptions _options;
    private readonly INotebookObserver _observer;

    public NotebookRunner(NotebookRunOptions options, INotebookObserver observer)
    {
        _options = options;
        _observer = observer;
    }

    /// <summary>Runs one notebook top to bottom and, if asked, writes it executed and as an HTML page.</summary>
    public async Task<NotebookResult> RunAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = System.IO.Path.GetFullPath(path);
        var source = IpynbDocument.Load(full);
        var executed = source.Clone();
        executed.EnsureCellIds();
        executed.ClearOutputs();
        _observer.NotebookStarted(full, executed);

        var clock = Stopwatch.StartNew();
        CellFailure? failure = null;
        int ran = 0, codeCells = executed.Cells.Count(c => c.IsCode);
        string previousDirectory = Environment.CurrentDirectory;
        using var kernel = CreateKernel();
        try
        {
            Environment.CurrentDirectory = System.IO.Path.GetDirectoryName(full)!;
            int number = 0, executionCount = 0;
            foreach (var cell in executed.Cells)
            {
                number++;
                if (cell.IsMarkdown)
                {
                    _observer.Markdown(cell);
                    continue;
                }
                if (!cell.IsCode) continue;
                if (failure is not null) continue;
                _observer.CodeStarted(number, cell);
                var cellClock = Stopwatch.StartNew();
                var outputs = new JsonArray();
                executionCount++;
                failure = await RunCellAsync(kernel, number, cell, outputs, executionCount, cancellationToken);
                cell.Json["outputs"] = outputs;
                cell.Json["execution_count"] = executionCount;
                ran++;
                _observer.CodeFinished(number, cell, outputs, failure, cellClock.Elapsed);
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }

        string? ipynbPath = null, htmlPath = null;
        if (_options.OutputDirectory is { } outDir)
        {
            Directory.CreateDirectory(outDir);
            var name = System.IO.Path.GetFileNameWithoutExtension(full);
            ipynbPath = System.IO.Path.Combine(outDir, name + ".ipynb");
            executed.Save(ipynbPath);
            htmlPath = System.IO.Path.Combine(outDir, name + ".html");
            await File.WriteAllTextAsync(htmlPath, HtmlExporter.Render(executed, name, failure), cancellationToken);
        }
        var result = new NotebookResult(full, ran, codeCells, failure, clock.Elapsed, ipynbPath, htmlPath);
        _observer.NotebookFinished(result);
        return result;
    }

    private async Task<CellFailure?> RunCellAsync(CompositeKernel kernel, int number, IpynbCell cell, JsonArray outputs, int executionCount, CancellationToken ct)
    {
        var kernelName = cell.KernelName;
        if (kernelName is not ("csharp" or "C#" or "c#"))
        {
            var message = $"KmsLab's runner runs C# cells only; this cell is for the '{kernelName}' kernel.";
            outputs.Add(ErrorOutput("UnsupportedKernel", message));
            return new CellFailure(number, cell.Source, message);
        }
        var code = SkipHostReferences(cell.Source);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.CellTimeout);
        var run = kernel.SendAsync(new SubmitCode(code, "csharp"), timeout.Token);
        var finished = await Task.WhenAny(run, Task.Delay(_options.CellTimeout + TimeSpan.FromSeconds(5), ct));
        if (finished != run)
        {
            var message = $"The cell did not finish within {_options.CellTimeout.TotalSeconds:0} seconds.";
            outputs.Add(ErrorOutput("Timeout", message));
            return new CellFailure(number, cell.Source, message);
        }
        KernelCommandResult result;
        try
        {
            result = await run;
        }
        catch (OperationCanceledException)
        {
            var message = $"The cell was cancelled (time limit {_options.CellTimeout.TotalSeconds:0} s).";
            outputs.Add(ErrorOutput("Timeout", message));
            return new CellFailure(number, cell.Source, message);
        }

        string? error = null;
        var displayed = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case DisplayedValueUpdated updated when updated.ValueId is { } id && displayed.TryGetValue(id, out var existing):
                    existing["data"] = Data(updated.FormattedValues);
                    break;
                case ReturnValueProduced value:
                    outputs.Add(new JsonObject { ["data"] = Data(value.FormattedValues), ["execution_count"] = executionCount, ["metadata"] = new JsonObject(), ["output_type"] = "execute_result" });
                    break;
                case StandardOutputValueProduced stdout:
                    AppendStream(outputs, "stdout", Text(stdout.FormattedValues));
                    break;
                case StandardErrorValueProduced stderr:
                    AppendStream(outputs, "stderr", Text(stderr.FormattedValues));
                    break;
                case ErrorProduced produced:
                    error ??= produced.Message;
                    break;
                case DisplayEvent display:
                    var output = new JsonObject { ["data"] = Data(display.FormattedValues), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" };
                    if (display.ValueId is { } valueId) displayed[valueId] = output;
                    outputs.Add(output);
                    break;
                case DiagnosticsProduced diagnostics when error is null:
                    var errors = diagnostics.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                    if (errors.Count > 0) error = string.Join(Environment.NewLine, errors.Select(d => $"({d.LinePositionSpan.Start.Line + 1},{d.LinePositionSpan.Start.Character + 1}): error {d.Code}: {d.Message}"));
                    break;
                case CommandFailed failed:
                    error = failed.Exception is { } ex ? Describe(ex) : error ?? failed.Message;
                    break;
            }
        }
        if (error is null) return null;
        outputs.Add(ErrorOutput("Error", error));
        return new CellFailure(number, cell.Source, error);
    }

    private static string Describe(Exception e)
    {
        var inner = e is TargetInvocationException or AggregateException && e.InnerException is not null ? e.InnerException : e;
        // A compile error's message is the compiler's diagnostics; the exception's name adds nothing.
        if (inner.GetType().Name == "CodeSubmissionCompilationErrorException") return inner.Message;
        return $"{inner.GetType().FullName}: {inner.Message}";
    }

    private static JsonObject Data(IReadOnlyCollection<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var v in values)
        {
            if (!data.ContainsKey(v.MimeType)) data[v.MimeType] = IpynbCell.Lines(v.Value);
        }
        return data;
    }

    private static string Text(IReadOnlyCollection<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? values.FirstOrDefault()?.Value ?? "";

    private static void AppendStream(JsonArray outputs, string name, string text)
    {
        if (outputs.Count > 0 && outputs[^1] is JsonObject last && last["output_type"]?.GetValue<string>() == "stream" && last["name"]?.GetValue<string>() == name)
        {
            var lines = (JsonArray)last["text"]!;
            var joined = string.Concat(lines.Select(l => l!.GetValue<string>())) + text;
            last["text"] = IpynbCell.Lines(joined);
            return;
        }
        outputs.Add(new JsonObject { ["name"] = name, ["output_type"] = "stream", ["text"] = IpynbCell.Lines(text) });
    }

    private static JsonObject ErrorOutput(string name, string message) => new()
    {
        ["ename"] = name,
        ["evalue"] = message,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(message.Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
    };

    /// <summary>Comments out <c>#r "path/X.dll"</c> lines for assemblies the runner already references.</summary>
    internal static string SkipHostReferences(string code) => HostReference().Replace(code, m =>
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(m.Groups["path"].Value);
        return HostAssemblyNames.Contains(name) ? $"// (kmslab run references {name} itself) {m.Value.TrimStart()}" : m.Value;
    });

    [GeneratedRegex("""^[ \t]*#r[ \t]+"(?<path>[^"]+\.dll)"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex HostReference();

    private static CompositeKernel CreateKernel()
    {
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        csharp.UseNugetDirective((k, references) =>
        {
            k.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
            return Task.CompletedTask;
        }, false);
        csharp.AddAssemblyReferences(HostAssemblies.Select(a => a.Location));
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }
}
