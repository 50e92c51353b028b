using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KmsLab.Lessons;
using KmsLab.Tests.Lessons;

namespace KmsLab.Tests.Venues;

/// <summary>
/// Every lesson as VS Code's Polyglot Notebooks runs it — the dotnet-interactive tool over stdio,
/// started as the extension starts it (<see cref="StdioKernel"/>): no cell error, each exercise check
/// with the runner's verdict, every chart carrying plotly.js on the notebook (nothing loaded from a
/// network), and a kernel process that opens no network port.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed partial class PolyglotNotebookTests
{
    [SkippableTheory]
    [MemberData(nameof(KernelTests.Lessons), MemberType = typeof(KernelTests))]
    public async Task EveryLessonRunsInTheStdioKernelWithoutAnError(string lesson)
    {
        StdioKernel.Require();
        var notebook = (await StdioKernel.AllLessonsAsync()).Notebook(lesson);
        Assert.Empty(Outputs.Errors(notebook));
        Assert.Equal(Outputs.CodeCells(notebook), Outputs.CodeCellsRun(notebook));
    }

    [SkippableTheory]
    [MemberData(nameof(KernelTests.Lessons), MemberType = typeof(KernelTests))]
    public async Task TheStdioKernelAndTheRunnerGiveEveryCheckTheSameVerdict(string lesson)
    {
        StdioKernel.Require();
        await RunnerPages.AssertSameChecksAsync(lesson, (await StdioKernel.AllLessonsAsync()).Notebook(lesson));
    }

    [SkippableTheory]
    [MemberData(nameof(KernelTests.Lessons), MemberType = typeof(KernelTests))]
    public async Task EveryChartBringsPlotlyJsAndNothingIsLoadedFromANetwork(string lesson)
    {
        StdioKernel.Require();
        var notebook = (await StdioKernel.AllLessonsAsync()).Notebook(lesson);
        var html = Outputs.All(notebook).Select(x => Outputs.Text(x.Output["data"]?["text/html"])).Where(h => h.Length > 0).ToList();
        var charts = html.Where(h => h.Contains(ChartHtml.Marker, StringComparison.Ordinal)).ToList();
        Assert.Equal(BrowserTests.ChartsIn(lesson), charts.Count);
        // VS Code draws a notebook's outputs in one webview: the first chart brings plotly.js, the rest reuse it.
        if (charts.Count > 0)
        {
            Assert.Contains(ChartHtml.PlotlyJsMarker, charts[0], StringComparison.Ordinal);
            Assert.Single(html, h => h.Contains(ChartHtml.PlotlyJsMarker, StringComparison.Ordinal));
        }
        foreach (var h in html)
        {
            Assert.DoesNotMatch(RemoteScript(), h);
            // The Jupyter kernel's HTTP API bootstrap (probeAddresses … /discovery) has no place in the stdio kernel.
            Assert.DoesNotContain("probeAddresses(", h, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task TheStdioKernelOpensNoNetworkPort()
    {
        StdioKernel.Require();
        var run = await StdioKernel.AllLessonsAsync();
        foreach (var (lesson, result) in run.Lessons)
        {
            // The extension passes no --http-port: the kernel's only listeners are Unix sockets (the .NET diagnostics port, PowerShell's host pipe).
            var internet = result.Listeners.Where(l => Listeners.IsInternet(l.Protocol)).Select(l => $"{l.Protocol} {l.Local}").ToList();
            Assert.True(internet.Count == 0, $"{lesson}: the stdio kernel listens on {string.Join(", ", internet)}");
        }
    }

    [SkippableFact]
    public async Task TheVenueSeesAFailingCellAndACompileError()
    {
        StdioKernel.Require();
        using var dir = new TempDir();
        await using var session = await StdioSession.StartAsync(KmsLab.Cli.Notebooks.SafeKernelSpec.FindTool()!, dir.Path, dir.Path);
        var cells = new JsonArray
        {
            new JsonObject { ["cell_type"] = "code", ["execution_count"] = 1, ["outputs"] = await session.SubmitAsync("System.IO.Directory.GetCurrentDirectory()", "csharp", 1) },
            new JsonObject { ["cell_type"] = "code", ["execution_count"] = 2, ["outputs"] = await session.SubmitAsync("throw new InvalidOperationException(\"boom\");", "csharp", 2) },
            new JsonObject { ["cell_type"] = "code", ["execution_count"] = 3, ["outputs"] = await session.SubmitAsync("int x = ;", "csharp", 3) },
        };
        var notebook = new JsonObject { ["cells"] = cells };
        // --working-dir is the kernel's current directory, as for a notebook in that folder.
        Assert.Equal(dir.Path, Outputs.All(notebook).First().Output["data"]?["text/plain"]?.GetValue<string>());
        var errors = Outputs.Errors(notebook).ToList();
        Assert.Contains(errors, e => e.StartsWith("cell 2:", StringComparison.Ordinal) && e.Contains("boom", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("cell 3:", StringComparison.Ordinal) && e.Contains("CS1525", StringComparison.Ordinal));
    }

    [GeneratedRegex("<script[^>]*\\ssrc\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteScript();
}
