using System.Diagnostics;
using System.Text.Json.Nodes;
using KmsLab.Cli.Notebooks;
using KmsLab.Lessons;
using KmsLab.Tests.Lessons;
using KmsLab.Tests.Serve;

namespace KmsLab.Tests.Venues;

/// <summary>
/// What the learner page promises a learner with no network: each of the three ways takes a lesson
/// — simulator, cells, exercise checks, charts with plotly.js — inside a network namespace of its
/// own (<c>unshare -rn</c>: no interface but loopback, which only Jupyter's channels need). The
/// runner takes every lesson; VS Code's stdio kernel and Jupyter take lesson 08 (two charts).
/// Missing tools fail under CI and skip elsewhere.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class NoNetworkTests
{
    private const string ChartLesson = "08-auditing.ipynb";

    private static readonly Lazy<bool> Unshare = new(() =>
    {
        if (!File.Exists("/usr/bin/unshare")) return false;
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/unshare", "-rn true") { UseShellExecute = false, RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    });

    private static void RequireUnshare() =>
        ExternalClients.Require(Unshare.Value, "unshare -rn (util-linux, with user namespaces allowed) does not work");

    [SkippableFact]
    public async Task TheRunnerTakesEveryLessonWithNoNetwork()
    {
        RequireUnshare();
        using var dir = new TempDir();
        var cli = Path.Combine(AppContext.BaseDirectory, "KmsLab.Cli.dll");
        var run = await ExternalClients.RunAsync("/usr/bin/unshare", ["-rn", "dotnet", cli, "run", Repository.Notebooks, "--quiet", "--out", Path.Combine(dir.Path, "out")],
            dir.Path, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, TimeSpan.FromMinutes(5),
            extraPath: Path.GetDirectoryName(Environment.ProcessPath));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        foreach (var lesson in Repository.LessonFiles)
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, "out", Path.ChangeExtension(Path.GetFileName(lesson), ".html"))), $"no page for {lesson}:\n{run.Stdout}");
        }
    }

    [SkippableFact]
    public async Task TheVsCodeKernelTakesALessonWithNoNetwork()
    {
        StdioKernel.Require();
        RequireUnshare();
        using var dir = new TempDir();
        var lesson = Path.Combine(Repository.Notebooks, ChartLesson);
        await using var session = await StdioSession.StartAsync(SafeKernelSpec.FindTool()!, Repository.Notebooks, dir.Path, ["/usr/bin/unshare", "-rn"]);
        AssertTaken(await StdioKernel.ExecuteAsync(session, lesson));
    }

    [SkippableFact]
    public async Task JupyterTakesALessonWithNoNetwork()
    {
        Kernel.Require();
        RequireUnshare();
        using var dir = new TempDir();
        // Jupyter's channels are TCP on loopback: bring the namespace's loopback up, nothing else.
        var script = $"ip link set lo up && exec /usr/bin/jupyter nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.timeout=300 --output-dir '{dir.Path}' {ChartLesson}";
        var start = new ProcessStartInfo("/usr/bin/unshare") { WorkingDirectory = Repository.Notebooks, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-rn", "sh", "-c", script]) start.ArgumentList.Add(a);
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":" + Kernel.DotnetTools + ":/usr/sbin:/sbin";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail("jupyter nbconvert did not finish in 5 minutes:\n" + await stderr);
        }
        var executed = Path.Combine(dir.Path, ChartLesson);
        Assert.True(process.ExitCode == 0 && File.Exists(executed), await stdout + await stderr);
        AssertTaken(JsonNode.Parse(await File.ReadAllTextAsync(executed))!.AsObject());
    }

    private static void AssertTaken(JsonObject notebook)
    {
        Assert.Empty(Outputs.Errors(notebook));
        Assert.Equal(Outputs.CodeCells(notebook), Outputs.CodeCellsRun(notebook));
        Assert.NotEmpty(Outputs.Checks(notebook));
        var html = Outputs.All(notebook).Select(x => Outputs.Text(x.Output["data"]?["text/html"])).ToList();
        Assert.Equal(BrowserTests.ChartsIn(ChartLesson), html.Count(h => h.Contains(ChartHtml.Marker, StringComparison.Ordinal)));
        Assert.Single(html, h => h.Contains(ChartHtml.PlotlyJsMarker, StringComparison.Ordinal));
    }
}
